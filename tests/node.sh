# SPDX-License-Identifier: Apache-2.0
# The local node for the shell tests. A test that runs pods exports KSECCOMP_STATE_DIR as
# $work/state (with k set to kseccomp), sources this after tap.sh
# (. "$(dirname "$0")/node.sh"), then calls
#   delete_pods   every pod of that node deleted at once (the test's cleanup: no monitor or
#                 container outlives the test)
delete_pods() {
	for p in $(ls "$work/state/pods" 2>/dev/null); do
		"$k" delete pod "$p" --now >/dev/null 2>&1
	done
}

# For the tests that run one executor ($runtime: host, runc, crun or containerd) with the
# http-echo image, $work set up and $top the source tree:
#   node_setup SUBDIR...  a fresh $work with these subdirectories, and the local node's
#                         state, kubelet root and image store in it for $runtime (exported)
#   require_executor      skip the whole test when the executor cannot run here
#   echo_image ECHO_BIN   hashicorp/http-echo:1.0 for the executor: imported into the local
#                         store, or for containerd a private instance (scripts/containerd.sh
#                         in $work/ctd) started with it, CONTAINER_RUNTIME_ENDPOINT exported
#   stop_node             the private containerd stopped (the test's cleanup, after
#                         delete_pods)
#   pod_field POD COLUMN  2 READY, 3 STATUS, 4 RESTARTS of `get pods`
#   pod_wait POD COLUMN VALUE [SECONDS]   until the column says it (10 s by default)
node_setup() {
	rm -rf "$work"
	mkdir -p "$work"
	for _d in "$@"; do
		mkdir -p "$work/$_d"
	done
	export KSECCOMP_STATE_DIR="$work/state" KSECCOMP_ROOT_DIR="$work/kubelet" \
		KSECCOMP_IMAGE_STORE="$work/images" KSECCOMP_RUNTIME="$runtime"
}
require_executor() {
	[ -r /proc/sys/kernel/seccomp/actions_avail ] || skip_all "the kernel has no seccomp"
	[ "$runtime" = host ] && return 0
	[ "$(id -u)" = 0 ] || skip_all "the $runtime executor needs root"
	_bin=$runtime
	[ "$runtime" = containerd ] && _bin=containerd-shim-runc-v2
	command -v "$_bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$_bin" ] ||
		skip_all "$runtime is not installed"
}
echo_image() {
	if [ "$runtime" != containerd ]; then
		"$k" image import hashicorp/http-echo:1.0 "$1" >/dev/null
		return
	fi
	python3 "$top/scripts/image-archive.py" "$work/pause.tar" localhost/kseccomp/pause:1 \
		--busybox "$(command -v busybox)" -- /bin/sleep 2147483647 >/dev/null
	python3 "$top/scripts/image-archive.py" "$work/http-echo.tar" \
		docker.io/hashicorp/http-echo:1.0 --file "$1:/http-echo" -- /http-echo >/dev/null
	CONTAINER_RUNTIME_ENDPOINT=$("$top/scripts/containerd.sh" start "$work/ctd" \
		"$work/pause.tar" "$work/http-echo.tar") || skip_all "the private containerd did not start"
	export CONTAINER_RUNTIME_ENDPOINT
}
stop_node() {
	[ "$runtime" = containerd ] && "$top/scripts/containerd.sh" stop "$work/ctd" >/dev/null 2>&1
	return 0
}
pod_field() {
	"$k" get pods "$1" 2>/dev/null | awk -v c="$2" 'NR == 2 { print $c }'
}
pod_wait() {
	_i=0
	while [ $_i -lt $((${4:-10} * 10)) ]; do
		[ "$(pod_field "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
