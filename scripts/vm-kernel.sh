#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Fetch a Debian kernel that a test can boot under qemu: the newest linux-image of
# bookworm-backports' FLAVOUR meta-package (cloud-amd64 unless told), from the Debian mirror
# apt uses on this machine, without adding it to apt's sources. Each step is checked as apt
# checks it: InRelease's signature by gpgv against Debian's archive keyring, Packages.xz by
# the SHA256 InRelease gives, the .deb by the SHA256 Packages gives. The kernel is then
# extracted with dpkg-deb.
#
#   scripts/vm-kernel.sh [--mirror URL] [--flavour FLAVOUR] DIR
#
# DIR receives vmlinuz, config (the kernel's build configuration) and version (its release,
# as uname -r says it); a second run finds them there and downloads nothing. Prints DIR's
# vmlinuz. The mirror is the one apt uses for bookworm unless --mirror names another.
set -eu

mirror=""
flavour=cloud-amd64
while [ $# -gt 1 ]; do
	case $1 in
	--mirror)
		mirror=$2
		shift 2
		;;
	--flavour)
		flavour=$2
		shift 2
		;;
	*) break ;;
	esac
done
if [ $# -ne 1 ]; then
	echo "usage: $0 [--mirror URL] [--flavour FLAVOUR] DIR" >&2
	exit 2
fi
dir=$1
suite=bookworm
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

if [ -f "$dir/.complete" ]; then
	echo "$dir/vmlinuz"
	exit 0
fi

# apt's own mirror: backports live beside the suite on the same mirror
. "$(dirname "$0")/apt-mirror.sh"
need_mirror "$suite"
mirror=${mirror%/}

fail() {
	echo "$0: $*" >&2
	exit 1
}
get() { # URL FILE
	curl -fsSL --retry 3 -o "$2" "$1" || fail "cannot download $1"
}
sha256_is() { # FILE SHA256
	[ "$(sha256sum "$1" | cut -d ' ' -f 1)" = "$2" ]
}

mkdir -p "$dir"
tmp=$dir/download
rm -rf "$tmp"
mkdir -p "$tmp"
dist=$mirror/dists/$suite-backports

# InRelease, signed inline: only what gpgv verified (its --output) is read from here on
get "$dist/InRelease" "$tmp/InRelease.signed"
gpgv --keyring "$keyring" --output "$tmp/InRelease" "$tmp/InRelease.signed" 2>"$tmp/gpgv.log" ||
	fail "InRelease of $suite-backports: bad signature ($(tail -n 1 "$tmp/gpgv.log"))"

# Packages.xz by the SHA256 section's line for main/binary-amd64/Packages.xz
packages_sha=$(awk '
	/^SHA256:/ { in256 = 1; next }
	/^[^ ]/ { in256 = 0 }
	in256 && $3 == "main/binary-amd64/Packages.xz" { print $1; exit }' "$tmp/InRelease")
[ -n "$packages_sha" ] || fail "InRelease names no main/binary-amd64/Packages.xz"
get "$dist/main/binary-amd64/Packages.xz" "$tmp/Packages.xz"
sha256_is "$tmp/Packages.xz" "$packages_sha" || fail "Packages.xz: SHA256 differs from InRelease's"
xz -dc "$tmp/Packages.xz" >"$tmp/Packages"

field() { # PACKAGE FIELD: the field of PACKAGE's stanza in Packages
	awk -v p="$1" -v f="$2:" '
		$1 == "Package:" { here = ($2 == p) }
		here && $1 == f { sub(/^[^:]*: */, ""); print; exit }' "$tmp/Packages"
}
# the meta-package depends on the current image, whose name holds the kernel's release
image=$(field "linux-image-$flavour" Depends | sed 's/ .*//')
[ -n "$image" ] || fail "bookworm-backports has no linux-image-$flavour"
filename=$(field "$image" Filename)
deb_sha=$(field "$image" SHA256)
{ [ -n "$filename" ] && [ -n "$deb_sha" ]; } || fail "Packages has no file for $image"
echo "== $image ($(field "$image" Version))" >&2
get "$mirror/$filename" "$tmp/image.deb"
sha256_is "$tmp/image.deb" "$deb_sha" || fail "$filename: SHA256 differs from Packages'"

release=${image#linux-image-}
dpkg-deb -x "$tmp/image.deb" "$tmp/root"
cp "$tmp/root/boot/vmlinuz-$release" "$dir/vmlinuz"
cp "$tmp/root/boot/config-$release" "$dir/config"
echo "$release" >"$dir/version"
rm -rf "$tmp"
touch "$dir/.complete"
echo "$dir/vmlinuz"
