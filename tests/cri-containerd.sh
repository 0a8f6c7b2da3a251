# SPDX-License-Identifier: Apache-2.0
# A private containerd for a CRI test, sourced after tests/tap.sh with $top and $work set:
#   cri_containerd_start   skips the test without root, containerd, runc, python3 or busybox;
#                          makes the test images (localhost/kseccomp/pause:1 and
#                          localhost/kseccomp/busybox:1, scripts/image-archive.py), starts
#                          containerd under $work/ctd (scripts/containerd.sh) and sets
#                          $ctd and $endpoint; it is stopped on exit
#   cri_containerd_stop    stops it now
cri_containerd_stop() { "$top/scripts/containerd.sh" stop "$ctd" >/dev/null 2>&1; }

cri_containerd_start() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (containerd)"
	for tool in containerd ctr containerd-shim-runc-v2 runc python3; do
		command -v "$tool" >/dev/null || skip_all "no $tool"
	done
	busybox=$(command -v busybox) || skip_all "no busybox (busybox-static)"
	rm -rf "$work"
	mkdir -p "$work"
	ctd=$work/ctd
	trap cri_containerd_stop EXIT INT TERM
	python3 "$top/scripts/image-archive.py" "$work/pause.tar" localhost/kseccomp/pause:1 \
		--busybox "$busybox" -- /bin/sleep 2147483647 &&
		python3 "$top/scripts/image-archive.py" "$work/busybox.tar" \
			localhost/kseccomp/busybox:1 --busybox "$busybox" -- /bin/sh || {
		echo "not ok 1 - the test images"
		exit 1
	}
	endpoint=$("$top/scripts/containerd.sh" start "$ctd" "$work/pause.tar" \
		"$work/busybox.tar") || {
		echo "not ok 1 - a private containerd starts"
		exit 1
	}
}
