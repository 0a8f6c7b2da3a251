#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# A private containerd for the demo and the tests: its own config (the CRI plugin on), root,
# state and socket under DIR, never the system's instance. Pods run on the host network (no
# CNI), with a sandbox image imported from the project's own archive, so nothing is pulled.
#
#   scripts/containerd.sh start DIR [ARCHIVE...]   start it (and import the image archives
#                                                  into the k8s.io namespace); prints the
#                                                  endpoint, unix://DIR/containerd.sock
#   scripts/containerd.sh stop DIR                 stop it by its pid, then its shims and
#                                                  their containers, and unmount under DIR
#
# Two runtime handlers: runc, and crun (through DIR/crun, which gives crun the mount namespace
# it needs here). The default is runc, or $KSC_CONTAINERD_OCI_RUNTIME.
#
# The sandbox image is localhost/kseccomp/pause:1 (scripts/image-archive.py makes it from
# busybox). Without CAP_SYS_RESOURCE (a VM or a container) the CRI plugin must not lower
# oom_score_adj: restrict_oom_score_adj is on.
set -eu

usage() {
	echo "usage: $0 start DIR [ARCHIVE...] | stop DIR" >&2
	exit 2
}

[ $# -ge 2 ] || usage
cmd=$1 dir=$2
shift 2
case $dir in
/*) ;;
*) dir=$(pwd)/$dir ;;
esac
sock=$dir/containerd.sock

stop() {
	if [ -f "$dir/containerd.pid" ]; then
		pid=$(cat "$dir/containerd.pid")
		if kill "$pid" 2>/dev/null; then
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			kill -9 "$pid" 2>/dev/null || true
		fi
		rm -f "$dir/containerd.pid"
	fi
	# Its shims outlive it: each names our socket in its command line. Killing a shim
	# leaves its container to runc, whose state is under our state directory.
	for p in $(pgrep -f "containerd-shim-runc-v2 .*-address $sock" 2>/dev/null || true); do
		kill -9 "$p" 2>/dev/null || true
	done
	# A killed container takes a moment to exit: wait (at most 5 s) until each is gone.
	pids=""
	for rt in runc crun; do
		[ -d "$dir/state/$rt" ] || continue
		bin=runc
		[ $rt = runc ] || bin=$dir/crun
		for ns in "$dir/state/$rt"/*; do
			[ -d "$ns" ] || continue
			for c in "$ns"/*; do
				[ -d "$c" ] || continue
				pids="$pids $("$bin" --root "$ns" state "$(basename "$c")" 2>/dev/null |
					sed -n 's/^ *"pid": *\([0-9][0-9]*\),*$/\1/p')"
				"$bin" --root "$ns" kill "$(basename "$c")" KILL 2>/dev/null || true
				"$bin" --root "$ns" delete --force "$(basename "$c")" 2>/dev/null || true
			done
		done
	done
	i=0
	for p in $pids; do
		while [ "$p" -gt 0 ] && kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
	# Mounts under DIR (rootfs overlays, shm), deepest first.
	if [ -d "$dir" ]; then
		awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
			while read -r m; do umount -l "$m" 2>/dev/null || true; done
	fi
}

start() {
	command -v containerd >/dev/null || {
		echo "$0: containerd is not installed" >&2
		exit 1
	}
	stop
	mkdir -p "$dir/root" "$dir/state" "$dir/cni/bin" "$dir/cni/conf" "$dir/opt"
	# The runc state directory of the CRI's shims is under state/: the shim adds the
	# namespace to its Root option, so runc's root is state/runc/k8s.io, which stop() walks.
	cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$sock"

[ttrpc]
  address = "$sock.ttrpc"

[debug]
  level = "info"

[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/kseccomp/pause:1"
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$dir/cni/bin"
    conf_dir = "$dir/cni/conf"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "${KSC_CONTAINERD_OCI_RUNTIME:-runc}"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$dir/state/runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.crun]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.crun.options]
        BinaryName = "$dir/crun"
        Root = "$dir/state/crun"
EOF
	# The crun handler: crun wants the cgroup v2 hierarchy to itself, or none. On a
	# hybrid host each call runs in a mount namespace of its own without the unified
	# mount, and crun manages no cgroups.
	cat >"$dir/crun" <<'EOF'
#!/bin/sh
exec unshare -m sh -c 'mount --make-rprivate / &&
	{ ! mountpoint -q /sys/fs/cgroup/unified || umount -l /sys/fs/cgroup/unified; } &&
	exec crun --cgroup-manager=disabled "$@"' crun "$@"
EOF
	chmod 755 "$dir/crun"
	containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
	echo $! >"$dir/containerd.pid"
	i=0
	while ! ctr --address "$sock" version >/dev/null 2>&1; do
		if ! kill -0 "$(cat "$dir/containerd.pid")" 2>/dev/null || [ $i -ge 150 ]; then
			echo "$0: containerd did not start; its log:" >&2
			tail -n 20 "$dir/containerd.log" >&2
			stop
			exit 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	for archive in "$@"; do
		ctr --address "$sock" -n k8s.io images import --no-unpack=false "$archive" \
			>>"$dir/import.log" 2>&1 || {
			echo "$0: ctr images import $archive failed:" >&2
			tail -n 5 "$dir/import.log" >&2
			exit 1
		}
	done
	echo "unix://$sock"
}

case $cmd in
start) start "$@" ;;
stop) stop ;;
*) usage ;;
esac
