#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A pod of the local node recorded with the eBPF backend by `record --pod NAME`, with one
# executor: its container found through the node's state (with containerd, the container's
# own process among the pod's pid records, not its monitor) and recorded by its cgroup, while
# a client talks to it, until the pod is deleted. Running, it is recorded from then on; with
# --wait, started after the recorder, from its first process, and that recording is proved:
# installed as the pod's Localhost profile, the pod runs under it five times (Running,
# answering, never restarted), and once more in complain mode with no call the profile
# would deny (audit --against).
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
follower=
cleanup() {
	[ -n "$follower" ] && kill "$follower" 2>/dev/null
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
    livenessProbe:
      exec:
        command: ["cat", "/proc/uptime"]
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
wait_gone $rec
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

# --wait: recorded from its first process (the runtime's own calls after the filter too)
"$k" record --pod web --wait --output-file "$work/profiles/web.json" 2>"$work/wait.err" &
rec=$!
sleep 1 # the recorder loads before the pod exists
"$k" apply -f "$work/m/unconfined.yaml" >/dev/null
pod_wait web 3 Running 20
check "--wait: the pod answers while recorded" recorded "$(http_get "http://127.0.0.1:$port/")"
http_get "http://127.0.0.1:$port/health" >/dev/null
# a process that enters the container's cgroup from outside, as the runtime's exec puts one
# there, is told apart from the container's own processes
cpid=$(pgrep -o -f -- "-listen=:$port")
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
cgdir=$(awk -F: '$1 == "0" { print $3 }' "/proc/$cpid/cgroup" 2>/dev/null)
sh -c 'echo $$ >"$1/cgroup.procs" && exec ls /' sh "$cgroot$cgdir" >/dev/null
check "--wait: a process entering the container's cgroup runs" 0 "$?"
# and one that runs the pod's liveness probe's command, as the kubelet's exec would
sh -c 'echo $$ >"$1/cgroup.procs" && exec cat /proc/uptime' sh "$cgroot$cgdir" >/dev/null
sleep 0.3
"$k" delete pod web --now >/dev/null 2>&1
wait_gone $rec
check "--wait: the recorder ends when the pod's container does" no \
	"$(kill -0 $rec 2>/dev/null && echo yes || echo no)"
kill $rec 2>/dev/null
wait $rec
check "--wait: record exits 0" 0 "$?"
sed 's/^/# /' "$work/wait.err"
check "--wait: the summary names the entering ls apart, in the profile" yes \
	"$(grep -q "container web: exec'd 'ls /': [0-9]* syscalls.*; in the profile" "$work/wait.err" &&
		echo yes || echo no)"
check "--wait: and the probe's command, marked from the pod's manifest" yes \
	"$(grep -q "container web: exec'd 'cat /proc/uptime' (a probe): [0-9]* syscalls" "$work/wait.err" &&
		echo yes || echo no)"
# --wait, a container that starts and exits between two of the recorder's looks (held still
# meanwhile with SIGSTOP): said, exit 1, not waited for forever
cat >"$work/m/quick.yaml" <<EOF2
apiVersion: v1
kind: Pod
metadata:
  name: quick
spec:
  restartPolicy: Never
  containers:
  - name: quick
    image: hashicorp/http-echo:1.0
    args: ["-version"]
EOF2
"$k" record --pod quick --wait --output-file "$work/profiles/quick.json" 2>"$work/quick.err" &
rec=$!
sleep 1
kill -STOP $rec
"$k" apply -f "$work/m/quick.yaml" >/dev/null
pod_wait quick 3 Completed 20
check "--wait: a container that exits at once has completed while the recorder is stopped" \
	Completed "$(pod_field quick 3)"
kill -CONT $rec
reap $rec 50
check "--wait: a container that came and went unseen is an error, exit 1" 1 "$?"
check "...which names it and its exit" yes \
	"$(grep -q "^kseccomp: container quick of pod quick started and exited (exit code 0, Completed) between two looks" \
		"$work/quick.err" && echo yes || cat "$work/quick.err")"
"$k" delete pod quick --now >/dev/null 2>&1
[ -s "$work/profiles/web.json" ] || {
	tap_done
	exit
}

# the recording as the pod's Localhost profile: five runs, enforced
"$k" node load "$work/profiles" --as recorded >/dev/null
pod Localhost recorded/web.json >"$work/m/confined.yaml"
runs=0
for run in 1 2 3 4 5; do
	"$k" apply -f "$work/m/confined.yaml" >"$work/apply.out" 2>&1 || sed 's/^/# /' "$work/apply.out"
	pod_wait web 3 Running 20
	if [ "$(pod_field web 3)" = Running ] &&
		[ "$(http_get "http://127.0.0.1:$port/")" = recorded ] &&
		http_get "http://127.0.0.1:$port/health" >/dev/null &&
		[ "$(pod_field web 3)" = Running ] && [ "$(pod_field web 4)" = 0 ]; then
		runs=$((runs + 1))
	else
		"$k" describe pod web 2>&1 | sed 's/^/# /' | head -n 30
		break
	fi
	"$k" delete pod web --now >/dev/null 2>&1
done
"$k" delete pod web --now >/dev/null 2>&1
check "under the recorded profile: 5 of 5 runs Running, answering, not restarted" 5 "$runs"

# and in complain mode: no call the profile would deny
"$k" audit --source netlink --pod web --against "$work/kubelet/seccomp/recorded/web.json" \
	--fail-on-deny -o json >"$work/denials" 2>"$work/audit.err" &
follower=$!
audit_joined "$follower"
"$k" apply --complain -f "$work/m/confined.yaml" >/dev/null 2>&1
pod_wait web 3 Running 20
check "in complain mode: it answers" recorded "$(http_get "http://127.0.0.1:$port/")"
http_get "http://127.0.0.1:$port/health" >/dev/null
"$k" delete pod web --now >/dev/null 2>&1
sleep 0.5
kill "$follower" 2>/dev/null
wait "$follower"
follower=
check "in complain mode: no call the recorded profile would deny" "" "$(cat "$work/denials")"
tap_done
