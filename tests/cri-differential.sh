#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kseccomp's predictions against a private containerd, case by case (cri-differential.py),
# with the differences known today listed in cri-differential-known.txt.
# Usage: cri-differential.sh KSECCOMP WORKDIR. Prints TAP.
set -u
k=$1 work=$2
top=$(cd "$(dirname "$0")/.." && pwd)

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root (containerd)"
for tool in containerd ctr containerd-shim-runc-v2 runc python3; do
	command -v "$tool" >/dev/null || skip "no $tool"
done
busybox=$(command -v busybox) || skip "no busybox (busybox-static)"

rm -rf "$work"
mkdir -p "$work"
ctd=$work/ctd
trap '"$top/scripts/containerd.sh" stop "$ctd" >/dev/null 2>&1' EXIT INT TERM
python3 "$top/scripts/image-archive.py" "$work/pause.tar" localhost/kseccomp/pause:1 \
	--busybox "$busybox" -- /bin/sleep 2147483647 &&
	python3 "$top/scripts/image-archive.py" "$work/busybox.tar" localhost/kseccomp/busybox:1 \
		--busybox "$busybox" -- /bin/sh || {
	echo "not ok 1 - the test images"
	exit 1
}
endpoint=$("$top/scripts/containerd.sh" start "$ctd" "$work/pause.tar" "$work/busybox.tar") || {
	echo "not ok 1 - a private containerd starts"
	exit 1
}
mkdir -p "$work/cases"
python3 "$top/tests/cri-differential.py" "$k" "$endpoint" "$work/cases" \
	"$top/tests/cri-differential-known.txt"
