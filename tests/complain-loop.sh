#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The complain loop on the local node, with one executor: a pod's Localhost profile run in
# complain mode (apply --complain), the workload exercised while the kernel's records are
# followed through the audit netlink socket and replayed through the original profile
# (audit --against --fail-on-deny), then enforced.
#  - the tutorial's fine-grained.json: the calls it would deny are listed; with them added,
#    complain mode reports none, and enforced, the pod runs;
#  - the same profile without `listen`: complain mode runs the pod and catches listen before
#    enforcing; enforced, the pod indeed fails.
# Usage: complain-loop.sh KSECCOMP HTTP_ECHO RUNTIME WORKDIR. Prints TAP.
set -u
k=$1 echo_bin=$2 runtime=$3 work=$4
top=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/node.sh"
TAP_PREFIX="$runtime: "
[ "$(id -u)" = 0 ] || skip_all "needs root (the audit netlink socket, the runtimes)"
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

cp "$(dirname "$0")/fixtures/profiles/tutorial/fine-grained.json" "$work/profiles/"
python3 - "$work/profiles/fine-grained.json" "$work/profiles/no-listen.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
for rule in p["syscalls"]:
    rule["names"] = [n for n in rule["names"] if n != "listen"]
json.dump(p, open(sys.argv[2], "w"), indent=2)
EOF
"$k" node load "$work/profiles" --as loop >/dev/null
echo_image "$echo_bin"

http_get() { # URL: the body, retrying while the server starts
	python3 -c 'import sys, time, urllib.request
for _ in range(50):
    try:
        print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode().strip()); break
    except Exception:
        time.sleep(0.1)' "$1"
}
pod() { # NAME PROFILE PORT
	cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  restartPolicy: Never
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: loop/$2
  containers:
  - name: web
    image: hashicorp/http-echo:1.0
    args: ["-listen=:$3", "-text=$1"]
    securityContext:
      allowPrivilegeEscalation: false
EOF
}
# NAME PROFILE PORT: apply --complain, exercise, replay; sets $replay_status
complain_run() {
	"$k" audit --source netlink --pod "$1" --against "$work/kubelet/seccomp/loop/$2" \
		--fail-on-deny -o json >"$work/$1.denials" 2>"$work/$1.err" &
	follower=$!
	audit_joined "$follower"
	pod "$1" "$2" "$3" >"$work/m/$1.yaml"
	"$k" apply --complain -f "$work/m/$1.yaml" >/dev/null
	pod_wait "$1" 3 Running 20
	check "$2 in complain mode: the pod runs" Running "$(pod_field "$1" 3)"
	check "$2 in complain mode: it answers" "$1" "$(http_get "http://127.0.0.1:$3/")"
	check "$2 in complain mode: describe says so" yes \
		"$("$k" describe pod "$1" | grep -q 'Localhost .*(complain mode)' && echo yes || echo no)"
	sleep 1
	kill -INT "$follower"
	wait "$follower"
	replay_status=$?
	follower=
	"$k" delete pod "$1" --now >/dev/null
}

# 1. fine-grained.json: complain mode lists the calls it would deny (glibc's, which the
# workload survives: EPERM and ENOSYS); added to the profile, complain mode reports none;
# enforced, the pod runs
complain_run first fine-grained.json 25791
check "fine-grained.json: audit --against --fail-on-deny exits 1" 1 "$replay_status"
python3 - "$work/profiles/fine-grained.json" "$work/first.denials" "$work/profiles/fixed.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
seen = [json.loads(line)["syscall"] for line in open(sys.argv[2]) if line.strip()]
p["syscalls"][0]["names"] += sorted(set(seen))
json.dump(p, open(sys.argv[3], "w"), indent=2)
EOF
"$k" node load "$work/profiles" --as loop >/dev/null
complain_run good fixed.json 25792
check "with them added: no would-be denial (exit 0)" 0 "$replay_status"
check "with them added: and it says so" yes \
	"$(grep -q 'would deny none of the' "$work/good.err" && echo yes || cat "$work/good.err" "$work/good.denials")"
pod enforced fixed.json 25795 >"$work/m/enforced.yaml"
"$k" apply -f "$work/m/enforced.yaml" >/dev/null
pod_wait enforced 3 Running 20
check "enforced: Running" Running "$(pod_field enforced 3)"
check "enforced: it answers" enforced "$(http_get "http://127.0.0.1:25795/")"
"$k" delete pod enforced --now >/dev/null

# 2. without listen: caught in complain mode, before enforcing; enforced, it fails
complain_run caught no-listen.json 25793
check "no-listen.json: audit --against --fail-on-deny exits 1" 1 "$replay_status"
check "no-listen.json: it names listen, denied by the default action" yes \
	"$(grep -q '"comm": "http-echo", .*"syscall": "listen", .*"action": "ERRNO(1)", "by": "defaultAction"' "$work/caught.denials" &&
		echo yes || cat "$work/caught.denials" "$work/caught.err")"
pod broken no-listen.json 25794 >"$work/m/broken.yaml"
"$k" apply -f "$work/m/broken.yaml" >/dev/null
pod_wait broken 3 Error 20
check "no-listen.json enforced: the pod fails, as predicted" Error "$(pod_field broken 3)"
tap_done
