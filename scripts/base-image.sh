#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Make the two Debian 12 base images deploy/Containerfile starts from, debian:12 and
# debian:12-slim, from Debian's package archive alone, and import them into podman: a
# machine that reaches Debian's archive but no image registry can then build the image.
#
#   scripts/base-image.sh [--mirror URL] [--podman "podman OPTIONS"] WORKDIR
#
# WORKDIR keeps the root filesystem (a second run reuses it). The mirror is the one apt
# uses on this machine unless --mirror names another. --podman gives the podman command,
# with its storage options (the image test passes a private --root and --runroot).
#
# Like Debian's own images: debian:12 is a minbase debootstrap of bookworm without apt's
# lists and package cache, and configured to keep none; debian:12-slim is the same with documentation, man pages and
# translations left out (and kept out of later installs by a dpkg configuration file), the
# copyright files excepted.
set -eu

mirror=""
podman="podman"
while [ $# -gt 1 ]; do
	case $1 in
	--mirror)
		mirror=$2
		shift 2
		;;
	--podman)
		podman=$2
		shift 2
		;;
	*) break ;;
	esac
done
if [ $# -ne 1 ]; then
	echo "usage: $0 [--mirror URL] [--podman \"podman OPTIONS\"] WORKDIR" >&2
	exit 2
fi
work=$1
suite=bookworm

. "$(dirname "$0")/apt-mirror.sh"

need_mirror "$suite"

mkdir -p "$work"
rootfs=$work/rootfs
if [ ! -f "$rootfs/.complete" ]; then
	rm -rf "$rootfs"
	echo "== debootstrap --variant=minbase $suite (log: $work/debootstrap.log)"
	if ! debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" \
		>"$work/debootstrap.log" 2>&1; then
		tail -n 20 "$work/debootstrap.log" >&2
		exit 1
	fi
	rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb \
		"$rootfs"/var/cache/apt/*.bin
	# as Debian's images: apt keeps no package cache after it installs
	cat >"$rootfs/etc/apt/apt.conf.d/clean" <<-'EOF'
		// an image keeps no downloaded packages nor apt's binary caches
		DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
		APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
		Dir::Cache::pkgcache "";
		Dir::Cache::srcpkgcache "";
	EOF
	touch "$rootfs/.complete"
fi

# the slim variant: a copy with what Debian's slim images exclude removed
slim=$work/rootfs-slim
if [ ! -f "$slim/.complete" ]; then
	rm -rf "$slim"
	cp -a "$rootfs" "$slim"
	rm -f "$slim/.complete"
	cat >"$slim/etc/dpkg/dpkg.cfg.d/slim" <<-'EOF'
		# as Debian's slim images: no documentation, man pages or translations
		path-exclude /usr/share/doc/*
		path-include /usr/share/doc/*/copyright
		path-exclude /usr/share/man/*
		path-exclude /usr/share/groff/*
		path-exclude /usr/share/info/*
		path-exclude /usr/share/locale/*
		path-exclude /usr/share/lintian/*
		path-exclude /usr/share/linda/*
	EOF
	find "$slim/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
	find "$slim/usr/share/doc" -mindepth 1 -type d -empty -delete
	rm -rf "$slim"/usr/share/man/* "$slim"/usr/share/groff/* "$slim"/usr/share/info/* \
		"$slim"/usr/share/locale/* "$slim"/usr/share/lintian/* "$slim"/usr/share/linda/*
	touch "$slim/.complete"
fi

import() { # ROOTFS TAG
	# shellcheck disable=SC2086
	tar --numeric-owner --exclude=./.complete -C "$1" -c . |
		$podman import --quiet --change 'CMD ["bash"]' - "$2" >/dev/null
	# shellcheck disable=SC2086
	echo "== $2: $($podman image inspect --format '{{.Size}}' "$2") bytes"
}
import "$rootfs" localhost/debian:12
import "$slim" localhost/debian:12-slim
