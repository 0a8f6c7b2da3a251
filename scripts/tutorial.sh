#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The Kubernetes tutorial "Restrict a Container's Syscalls with seccomp", replayed on the
# local node: kseccomp in place of kind and kubectl. Every step checks the outcome the
# tutorial shows (the pod's status, what the kernel enforces, the audit records) and the
# script exits non-zero when one differs.
#
# Usage: scripts/tutorial.sh [--tap] [--runtime host|runc|crun|containerd] KSECCOMP HTTP_ECHO
#   --tap      print the checks as TAP (for the test suite), the rest as comments
#   --runtime  the executor (default: runc when installed and root, else host); containerd:
#              a private containerd (scripts/containerd.sh) driven over the CRI as the
#              kubelet drives it, the images imported with its own `ctr images import`
#
# Everything lives in a private directory (state, kubelet root, images, the private
# containerd) removed at the end; the node's real /var/lib/kubelet is not touched.
set -u

tap=0 runtime=""
while [ $# -gt 0 ]; do
	case $1 in
	--tap) tap=1 ;;
	--runtime) runtime=$2; shift ;;
	--runtime=*) runtime=${1#--runtime=} ;;
	--) shift; break ;;
	-*) echo "tutorial.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
if [ $# -ne 2 ]; then
	echo "usage: $0 [--tap] [--runtime R] KSECCOMP HTTP_ECHO" >&2
	exit 2
fi
k=$1 echo_bin=$2
top=$(cd "$(dirname "$0")/.." && pwd)
pods=$top/examples/pods profiles=$top/examples/profiles

n=0 failed=0
say() { # text for people; a comment in TAP
	if [ $tap = 1 ]; then printf '%s\n' "$*" | sed 's/^/# /'; else printf '%s\n' "$*"; fi
}
step() {
	say ""
	say "== $*"
}
check() { # DESCRIPTION WANT GOT
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		[ $tap = 1 ] && echo "ok $n - $1"
		[ $tap = 0 ] && echo "   ok: $1"
	else
		failed=$((failed + 1))
		if [ $tap = 1 ]; then
			echo "not ok $n - $1"
			echo "#   got: $3"
			echo "#  want: $2"
		else
			echo "   FAILED: $1"
			echo "     got: $3"
			echo "    want: $2"
		fi
	fi
}
run() { # show a command as the tutorial would, run it, show its output
	say "\$ $*"
	out=$("$@" 2>&1)
	status=$?
	[ -n "$out" ] && say "$out"
	return $status
}
kseccomp() { "$k" "$@"; }

if [ ! -r /proc/sys/kernel/seccomp/actions_avail ]; then
	[ $tap = 1 ] && echo "1..0 # SKIP the kernel has no seccomp" && exit 0
	echo "tutorial.sh: this kernel has no seccomp" >&2
	exit 1
fi
if [ -z "$runtime" ]; then
	if [ "$(id -u)" = 0 ] && command -v runc >/dev/null 2>&1; then runtime=runc; else runtime=host; fi
fi
if [ "$runtime" != host ] && [ "$(id -u)" != 0 ]; then
	[ $tap = 1 ] && echo "1..0 # SKIP the $runtime executor needs root" && exit 0
	echo "tutorial.sh: the $runtime executor needs root" >&2
	exit 1
fi
bin=$runtime
[ "$runtime" = containerd ] && bin=containerd-shim-runc-v2
if [ "$runtime" != host ] && ! command -v "$bin" >/dev/null 2>&1 &&
	[ ! -x "/usr/sbin/$bin" ]; then
	[ $tap = 1 ] && echo "1..0 # SKIP $runtime is not installed" && exit 0
	echo "tutorial.sh: $runtime is not installed" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kseccomp-tutorial.XXXXXX")
export KSECCOMP_STATE_DIR="$work/state" KSECCOMP_ROOT_DIR="$work/kubelet" \
	KSECCOMP_IMAGE_STORE="$work/images" KSECCOMP_RUNTIME="$runtime"
root=$(id -u)
restore_printk=""
cleanup() {
	for p in $(ls "$work/state/pods" 2>/dev/null); do
		"$k" delete pod "$p" --now >/dev/null 2>&1
	done
	[ "$runtime" = containerd ] && "$top/scripts/containerd.sh" stop "$work/ctd" >/dev/null 2>&1
	[ -n "$restore_printk" ] && eval "$restore_printk"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

http_get() { # URL: the body, retrying while the server starts
	python3 -c 'import sys, time, urllib.request
for _ in range(50):
    try:
        print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode(), end="")
        break
    except Exception:
        time.sleep(0.1)' "$1"
}
curl_show() { # what `curl URL` prints in the tutorial
	say "\$ curl $1"
	body=$(http_get "http://$1")
	say "$body"
}
pod_field() { # POD COLUMN(2=READY 3=STATUS 4=RESTARTS)
	"$k" get pods "$1" 2>/dev/null | awk -v c="$2" 'NR == 2 { print $c }'
}
wait_status() { # POD STATUS [SECONDS]: until the STATUS column says it
	i=0
	while [ $i -lt $((${3:-10} * 10)) ]; do
		[ "$(pod_field "$1" 3)" = "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
container_pid() { # POD PORT: its server's process, once it answers (from its cgroup)
	http_get "http://localhost:$2/health" >/dev/null
	if [ "$runtime" = containerd ]; then
		# containerd's own account: the running container of the pod, and its pid
		id=$("$k" cri ps -o json | python3 -c 'import json, sys
for c in json.load(sys.stdin):
    if c["labels"].get("io.kubernetes.pod.name") == sys.argv[1]:
        print(c["id"]); break' "$1")
		[ -n "$id" ] && "$k" cri inspect "$id" | python3 -c 'import json, sys
print(json.load(sys.stdin)["info"]["pid"])'
		return
	fi
	"$k" get pods "$1" -o json | python3 -c 'import json, sys
items = json.load(sys.stdin)["items"]
for c in items[0]["status"]["containerStatuses"]:
    for p in c.get("processes", []):
        print(p); sys.exit(0)'
}
seccomp_mode() { # PID: 0 none, 2 filter
	awk '/^Seccomp:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}
describe_seccomp() { # POD: the Seccomp: line of its container
	"$k" describe pod "$1" | awk '/^    Seccomp:/ { $1 = ""; sub(/^ /, ""); print; exit }'
}
delete_pod() { # POD: delete --wait --now, then nothing of it is left
	run kseccomp delete pod "$1" --wait --now
	check "$1: deleted, gone from get pods" "" "$("$k" get pods "$1" 2>/dev/null | tail -n +2)"
	check "$1: no process or cgroup left" "" \
		"$(ls -d /sys/fs/cgroup/unified/kseccomp*/"$1" /sys/fs/cgroup/kseccomp*/"$1" 2>/dev/null)"
	if [ "$runtime" = containerd ]; then
		check "$1: containerd keeps no container or sandbox of it" "none" \
			"$(python3 -c 'import json, sys
left = [x["id"] for arg in sys.argv[2:] for x in json.loads(arg)
        if x["labels"].get("io.kubernetes.pod.name") == sys.argv[1]]
print(" ".join(left) or "none")' "$1" "$("$k" cri ps -a -o json)" "$("$k" cri pods -o json)" 2>&1)"
	fi
}
audit_count() { # POD SINCE: the kernel's seccomp records for the pod's processes
	"$k" audit --since "$2" --pod "$1" -o json 2>/dev/null | wc -l | tr -d ' '
}

say "kseccomp replays the Kubernetes seccomp tutorial on this machine (executor: $runtime)."
say "State, kubelet root and images live in $work."

step "Download example seccomp profiles, load them onto the node"
say "(kind mounts ./profiles at /var/lib/kubelet/seccomp/profiles; kseccomp installs them there)"
run kseccomp node load "$profiles" --as profiles
check "the three profiles are on the node" "3" "$("$k" node ls 2>/dev/null | grep -c 'profiles/')"
run kseccomp node ls

step "The workload's image: the project's own http-echo, as hashicorp/http-echo:1.0"
if [ "$runtime" = containerd ]; then
	say "(a private containerd, its images imported with ctr: nothing is pulled)"
	python3 "$top/scripts/image-archive.py" "$work/pause.tar" localhost/kseccomp/pause:1 \
		--busybox "$(command -v busybox)" -- /bin/sleep 2147483647
	python3 "$top/scripts/image-archive.py" "$work/http-echo.tar" \
		docker.io/hashicorp/http-echo:1.0 --file "$echo_bin:/http-echo" -- /http-echo
	CONTAINER_RUNTIME_ENDPOINT=$("$top/scripts/containerd.sh" start "$work/ctd" \
		"$work/pause.tar" "$work/http-echo.tar")
	export CONTAINER_RUNTIME_ENDPOINT
	run kseccomp cri version
	check "a private containerd answers over the CRI" "yes" \
		"$("$k" cri version 2>&1 | grep -q '^RuntimeName: *containerd' && echo yes || echo no)"
else
	run kseccomp image import hashicorp/http-echo:1.0 "$echo_bin"
fi

step "Create a Pod that uses the container runtime default seccomp profile"
run kseccomp apply -f "$pods/default-pod.yaml"
wait_status default-pod Running
run kseccomp get pod default-pod
check "default-pod is Running" "Running" "$(pod_field default-pod 3)"
check "default-pod's container runs under RuntimeDefault" "RuntimeDefault" "$(describe_seccomp default-pod)"
pid=$(container_pid default-pod 5678)
if [ -n "$pid" ]; then
	check "the kernel enforces a filter on default-pod (Seccomp: 2)" 2 "$(seccomp_mode "$pid")"
fi
delete_pod default-pod

step "Create Pod with a seccomp profile for syscall auditing"
if [ "$root" = 0 ]; then
	# audit records reach the kernel log through printk, whose rate limit would drop most
	# of them: lift it for this step, as the tutorial's node shows every record
	restore_printk="echo $(cat /proc/sys/kernel/printk_ratelimit) >/proc/sys/kernel/printk_ratelimit; echo $(cat /proc/sys/kernel/printk_ratelimit_burst) >/proc/sys/kernel/printk_ratelimit_burst"
	echo 0 >/proc/sys/kernel/printk_ratelimit
	echo 100000 >/proc/sys/kernel/printk_ratelimit_burst
fi
since=$(date +%s)
run kseccomp apply -f "$pods/audit-pod.yaml"
wait_status audit-pod Running
run kseccomp get pod audit-pod
check "audit-pod is Running" "Running" "$(pod_field audit-pod 3)"
curl_show localhost:5678
check "curl localhost:5678 answers" "just made some syscalls!" "$body"
if [ "$root" = 0 ]; then
	say "\$ kseccomp audit --since $since --pod audit-pod | tail   # the tutorial: tail -f /var/log/syslog"
	records=$("$k" audit --since "$since" --pod audit-pod 2>&1)
	say "$(printf '%s\n' "$records" | head -1)"
	say "$(printf '%s\n' "$records" | tail -n 8)"
	check "the kernel logged audit-pod's syscalls, named (accept4, the curl's)" "yes" \
		"$(printf '%s\n' "$records" | grep -q ' accept4 .*LOG' && echo yes || echo no)"
	check "audit records carry the pod and container" "yes" \
		"$(printf '%s\n' "$records" | grep -q 'pod=audit-pod container=test-container' && echo yes || echo no)"
	say "\$ kseccomp audit --since $since --pod audit-pod -o summary | head"
	say "$("$k" audit --since "$since" --pod audit-pod -o summary 2>&1 | head -n 12)"
	eval "$restore_printk"
	restore_printk=""
fi
delete_pod audit-pod

step "Create Pod with a seccomp profile that causes violation"
say "(kseccomp checks first that the runtime can start the container under its profile:"
say " violation.json denies even the runtime's own calls, so apply refuses it and says why)"
run kseccomp apply -f "$pods/violation-pod.yaml"
check "apply refuses violation-pod before anything runs" 1 "$status"
check "and names the runtime's calls as the reason" yes \
	"$(printf '%s\n' "$out" | grep -q "pod violation-pod, container test-container: .*cannot start it" && echo yes || echo no)"
say "(the tutorial's cluster takes it: --force does too, to watch it fail)"
run kseccomp apply --force -f "$pods/violation-pod.yaml"
wait_status violation-pod CrashLoopBackOff 15
run kseccomp get pod violation-pod
check "violation-pod is in CrashLoopBackOff" "CrashLoopBackOff" "$(pod_field violation-pod 3)"
check "violation-pod was restarted once, at once" "1" "$(pod_field violation-pod 4)"
check "violation-pod is not ready" "0/1" "$(pod_field violation-pod 2)"
delete_pod violation-pod

step "Create Pod with a seccomp profile that only allows necessary syscalls"
since=$(date +%s)
run kseccomp apply -f "$pods/fine-pod.yaml"
wait_status fine-pod Running
run kseccomp get pod fine-pod
check "fine-pod is Running" "Running" "$(pod_field fine-pod 3)"
curl_show localhost:5678
check "curl localhost:5678 answers" "just made some syscalls!" "$body"
if [ "$root" = 0 ]; then
	sleep 0.5
	say "\$ kseccomp audit --since $since --pod fine-pod"
	check "no audit records for fine-pod" "0" "$(audit_count fine-pod "$since")"
fi
delete_pod fine-pod

step "Beyond the tutorial: a Localhost profile missing from the node"
run kseccomp apply -f "$pods/missing-profile-pod.yaml"
wait_status missing-profile-pod CreateContainerError
run kseccomp get pod missing-profile-pod
check "missing-profile-pod: CreateContainerError" "CreateContainerError" "$(pod_field missing-profile-pod 3)"
msg=$("$k" describe pod missing-profile-pod | awk '/Message:/ { sub(/^ *Message: */, ""); print; exit }')
say "$msg"
check "with containerd's message" "yes" \
	"$(printf '%s' "$msg" | grep -q 'cannot load seccomp profile .*does-not-exist.json' && echo yes || echo no)"
delete_pod missing-profile-pod

step "Beyond the tutorial: a privileged container runs Unconfined"
run kseccomp apply -f "$pods/privileged-pod.yaml"
wait_status privileged-pod Running
run kseccomp get pod privileged-pod -o wide
check "privileged-pod is Running (violation.json is not applied)" "Running" "$(pod_field privileged-pod 3)"
check "describe says Unconfined (privileged)" "Unconfined (privileged)" "$(describe_seccomp privileged-pod)"
pid=$(container_pid privileged-pod 5680)
check "its server answers, and the kernel enforces no filter on it (Seccomp: 0)" 0 \
	"$([ -n "$pid" ] && seccomp_mode "$pid" || echo "no server")"
check "and it never restarted" 0 "$(pod_field privileged-pod 4)"
delete_pod privileged-pod

step "Beyond the tutorial: the kubelet's seccompDefault"
run kseccomp apply -f "$pods/no-profile-pod.yaml"
wait_status no-profile-pod Running
check "without seccompDefault a pod that sets nothing runs Unconfined" "Unconfined" "$(describe_seccomp no-profile-pod)"
pid=$(container_pid no-profile-pod 5681)
[ -n "$pid" ] && check "and the kernel agrees (Seccomp: 0)" 0 "$(seccomp_mode "$pid")"
delete_pod no-profile-pod
run kseccomp apply --seccomp-default -f "$pods/no-profile-pod.yaml"
wait_status no-profile-pod Running
say "\$ kseccomp describe pod no-profile-pod | grep Seccomp"
say "$("$k" describe pod no-profile-pod | grep Seccomp)"
check "with seccompDefault: RuntimeDefault" "RuntimeDefault (seccompDefault)" "$(describe_seccomp no-profile-pod)"
pid=$(container_pid no-profile-pod 5681)
[ -n "$pid" ] && check "and the kernel agrees (Seccomp: 2)" 2 "$(seccomp_mode "$pid")"
say "\$ kseccomp kube inspect --seccomp-default -f no-profile-pod.yaml -c test-container | head -4"
say "$("$k" kube inspect --seccomp-default -f "$pods/no-profile-pod.yaml" -c test-container | head -4)"
check "kube inspect shows the runtime's default profile" "yes" \
	"$("$k" kube inspect --seccomp-default -f "$pods/no-profile-pod.yaml" -c test-container | grep -q '"defaultAction": "SCMP_ACT_ERRNO"' && echo yes || echo no)"
delete_pod no-profile-pod

if [ $tap = 1 ]; then
	echo "1..$n"
else
	echo
	echo "== $n checks, $failed failed"
fi
[ $failed = 0 ]
