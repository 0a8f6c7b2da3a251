#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The README's quick start. On a fresh Debian 12 machine:
#   scripts/setup.sh demo   install what is missing, build, run the main job
#   scripts/setup.sh test   install what is missing, build, run the whole test suite
#                           (gcc build, then clang with AddressSanitizer + UBSan)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# Debian packages the build and the tests need. golang-github-containers-common provides
# /usr/share/containers/seccomp.json, a real runtime default profile the tests read; runc
# and crun are the local node's OCI executors; busybox-static fills the test images;
# containerd is the CRI runtime the CRI client is tested against (a private instance,
# scripts/containerd.sh), and libnghttp2 carries the client's gRPC. Debian's Python reads
# node scan's metrics with python3-prometheus-client, a real Prometheus text parser. zsh and
# kubernetes-client (kubectl) run the installed completion and kubectl plugin; graphviz renders
# the programs' pictures (any kubectl already installed is used instead of Debian's). podman
# builds deploy/Containerfile from Debian bases that debootstrap makes here. qemu-system-x86
# boots a Debian kernel that loads fentry programs for the recorder's test (its seabios and
# qemu-system-data come with it as dependencies); curl fetches that kernel.
packages="gcc libc6-dev meson ninja-build pkg-config python3 libyaml-dev zlib1g-dev \
libseccomp-dev libbpf-dev libnghttp2-dev clang libclang-rt-14-dev gcc-multilib runc crun \
busybox-static strace python3-yaml python3-prometheus-client containerd \
golang-github-containers-common zsh kubernetes-client graphviz podman debootstrap \
qemu-system-x86 curl"

install_missing() {
	missing=""
	for p in $packages; do
		# a kubectl from elsewhere (Kubernetes' own package) will do, and Debian's
		# kubernetes-client would conflict with it over /usr/bin/kubectl
		[ "$p" = kubernetes-client ] && command -v kubectl >/dev/null 2>&1 && continue
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "== installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q
	# shellcheck disable=SC2086
	$sudo apt-get install -y -q --no-install-recommends $missing
}

build() { # DIR [meson options...]
	dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@"
	fi
	ninja -C "$dir"
}

demo() {
	build build
	# The Kubernetes seccomp tutorial on this machine: runc as the runtime when root.
	scripts/tutorial.sh build/src/cli/kseccomp build/examples/http-echo/http-echo
}

run_suite() { # DIR LABEL
	status=0
	meson test -C "$1" --print-errorlogs --num-processes 2 >"$1/meson-test.out" 2>&1 || status=$?
	tail -n 12 "$1/meson-test.out"
	python3 scripts/test-summary.py --failures "$1/meson-logs/testlog.json"
	python3 scripts/test-summary.py --label "$2" "$1/meson-logs/testlog.json" >>"$summary"
	return $status
}

suite() {
	summary=$(mktemp)
	trap 'rm -f "$summary"' EXIT
	failed=0

	echo "== gcc build"
	CC=gcc build build
	run_suite build "gcc" || failed=1

	echo "== clang build with AddressSanitizer and UndefinedBehaviorSanitizer"
	CC=clang build build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		run_suite build-asan "clang+asan+ubsan" || failed=1

	echo
	python3 scripts/test-summary.py --total "$summary" || failed=1
	return $failed
}

case "${1:-}" in
demo)
	install_missing
	demo
	;;
test)
	install_missing
	suite
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
