#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A running pod of the local node recorded with the eBPF backend by `record --pod NAME`,
# with one executor: its container found through the node's state (with containerd, the
# container's own process among the pod's pid records, not its monitor) and recorded by its
# cgroup from then on, while a client talks to it, until the pod is deleted.
# Usage: record-node.sh KSECCOMP HTTP_ECHO RUNTIME WORKDIR. Prints TAP.
set -u
k=$1 echo_bin=$2 runtime=$3 work=$4
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/tap.sh"
. "$top/tests/node.sh"
TAP_PREFIX="$runtime: "
[ "$(id -u)" = 0 ] || skip_all "needs root (the ebpf backend, the runtimes)"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "the kernel has no BTF"
require_executor

node_setup profiles m
cleanup() {
	delete_pods
	stop_node
	rm -rf "$work"
}
trap cleanup EXIT
echo_image "$echo_bin"
port=$((5700 + $$ % 200))

http_get() { # URL: the body, retrying while the server starts
	python3 -c 'import sys, time, urllib.request
for _ in range(50):
    try:
        print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode().strip()); break
    except Exception:
        time.sleep(0.1)' "$1"
}
pod() { # SECCOMP-TYPE [LOCALHOST-PROFILE]
	cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  restartPolicy: Never
  securityContext:
    seccompProfile:
      type: $1
EOF
	[ -n "${2:-}" ] && echo "      localhostProfile: $2"
	cat <<EOF
  containers:
  - name: web
    image: hashicorp/http-echo:1.0
    args: ["-listen=:$port", "-text=recorded"]
EOF
}

# record the pod, unconfined, while a client talks to it, until it is deleted
pod Unconfined >"$work/m/unconfined.yaml"
"$k" apply -f "$work/m/unconfined.yaml" >/dev/null
pod_wait web 3 Running 20
check "the pod runs unconfined" Running "$(pod_field web 3)"
check "and answers" recorded "$(http_get "http://127.0.0.1:$port/")"
"$k" record --pod web --output-file "$work/profiles/web.json" 2>"$work/record.err" &
rec=$!
sleep 1 # the recorder finds the container and loads
check "it answers while recorded" recorded "$(http_get "http://127.0.0.1:$port/")"
check "its health check too" "OK" "$(http_get "http://127.0.0.1:$port/health" | tr '[:lower:]' '[:upper:]' | grep -o OK)"
"$k" delete pod web --now >/dev/null 2>&1
i=0
while kill -0 $rec 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "the recorder ends when the pod's container does" no \
	"$(kill -0 $rec 2>/dev/null && echo yes || echo no)"
kill $rec 2>/dev/null
wait $rec
check "record --pod exits 0" 0 "$?"
sed 's/^/# /' "$work/record.err"
check "it names the container and how it attached" yes \
	"$(grep -q 'recorded [0-9]* syscalls of container web (web, pod /web) with ebpf/' "$work/record.err" &&
		echo yes || echo no)"
check "the profile has the server's calls (accept4)" yes \
	"$(python3 -c 'import json, sys
print("yes" if any("accept4" in r["names"] for r in json.load(open(sys.argv[1]))["syscalls"]) else "no")' \
		"$work/profiles/web.json" 2>&1)"
tap_done
