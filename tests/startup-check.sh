#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `kseccomp profile check` against the runtime itself: every tutorial profile (audit.json,
# violation.json, fine-grained.json), with and without no_new_privs, predicted and then
# started for real on the local node with one executor (runc, crun: the runtime run directly;
# containerd: over the CRI, running runc). The prediction (starts or not) must be what
# happens, and a predicted failure's message must be the runtime's.
# Usage: startup-check.sh KSECCOMP HTTP_ECHO RUNTIME WORKDIR. Prints TAP.
set -u
k=$1 echo_bin=$2 runtime=$3 work=$4
top=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/node.sh"
TAP_PREFIX="$runtime: "
[ "$(id -u)" = 0 ] || skip_all "needs root (the audit netlink socket, the runtimes)"
require_executor

node_setup profiles m
cleanup() {
	delete_pods
	stop_node
	rm -rf "$work"
}
trap cleanup EXIT

cp "$(dirname "$0")"/fixtures/profiles/tutorial/*.json "$work/profiles/"
"$k" node load "$work/profiles" --as tutorial >/dev/null
echo_image "$echo_bin"
# containerd runs runc
oci=$runtime
[ "$runtime" = containerd ] && oci=runc
# the version installed here, as the executors predict with
version=$("$oci" --version 2>/dev/null | awk 'NR == 1 { print $3 }' | sed 's/+.*//')

status_of() { # POD: the STATUS column
	"$k" get pods "$1" 2>/dev/null | awk 'NR == 2 { print $3 }'
}
settle() { # POD: until it has failed (15 s at most); prints the status
	i=0
	while [ $i -lt 150 ]; do
		s=$(status_of "$1")
		case "$s" in
		Error | StartError | CreateContainerError | Completed | CrashLoopBackOff)
			echo "$s"
			return
			;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	echo "${s:-none}"
}

answers() { # PORT TEXT: whether the server answers TEXT within 8 s
	python3 -c 'import sys, time, urllib.request
for _ in range(80):
    try:
        if urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=1).read().decode().strip() == sys.argv[2]:
            sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit(1)' "$1" "$2"
}

port=25850
for profile in audit.json violation.json fine-grained.json; do
	for nnp in no yes; do
		port=$((port + 1))
		name=$(echo "${profile%.json}-$nnp" | tr . -)
		flag=
		ctx=
		if [ $nnp = yes ]; then
			flag=--no-new-privs
			ctx='securityContext: {allowPrivilegeEscalation: false}'
		fi
		"$k" profile check --runtime "$oci@$version" $flag -o json \
			"$work/profiles/$profile" >"$work/$name.json"
		predicted=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("starts" if d["starts"] else "fails")' "$work/$name.json")
		message=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
# containerd reports the words of runc, except where its start finds the init dead
key = "containerdError" if sys.argv[2] == "containerd" and "containerdError" in d else "error"
print(d.get(key) or d.get("refusal") or "")' "$work/$name.json" "$runtime")
		cat >"$work/m/$name.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $name
spec:
  restartPolicy: Never
  securityContext:
    seccompProfile: {type: Localhost, localhostProfile: tutorial/$profile}
  containers:
  - name: web
    image: hashicorp/http-echo:1.0
    args: ["-listen=:$port", "-text=$name"]
    $ctx
EOF
		# apply refuses what is predicted not to start; --force starts it to see
		"$k" apply -f "$work/m/$name.yaml" >/dev/null 2>&1
		refused=$?
		check "$profile, no_new_privs $nnp: apply refuses it exactly when predicted to fail" \
			"$([ "$predicted" = fails ] && echo 1 || echo 0)" "$refused"
		[ "$refused" = 0 ] || "$k" apply --force -f "$work/m/$name.yaml" >/dev/null
		# the monitor says Running while the runtime starts: started is its server answering
		if answers "$port" "$name"; then
			real=starts
		else
			real=fails
			settle "$name" >/dev/null # and its failure is recorded
		fi
		check "$profile, no_new_privs $nnp: predicted: $predicted; it $real" \
			"$predicted" "$real"
		silent=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["exitCode"] if d.get("silent") else "")' "$work/$name.json")
		if [ "$predicted" = fails ] && [ -n "$silent" ]; then
			check "$profile, no_new_privs $nnp: the runtime crashes, with the exit code predicted" \
				"Exit Code: $silent" \
				"$("$k" describe pod "$name" | grep -o 'Exit Code: *[0-9]*' | tr -s ' ')"
		elif [ "$predicted" = fails ]; then
			said=$( ("$k" describe pod "$name"; "$k" logs "$name") 2>&1)
			# runc finds its init dead one of two ways, by timing: at the exec fifo
			# ("cannot start a stopped process") or in the state it reads first
			also=$message
			case $message in
			*"cannot start a stopped process"*) also="cannot start a container that has stopped" ;;
			esac
			check "$profile, no_new_privs $nnp: the runtime says what was predicted" yes \
				"$(printf '%s\n' "$said" | grep -qF -e "$message" -e "$also" && echo yes ||
					printf 'predicted "%s"; the runtime said: %s' "$message" \
						"$(printf '%s\n' "$said" | grep -iE 'error|fail|permitted' | head -3)")"
		fi
		"$k" delete pod "$name" --now >/dev/null 2>&1
	done
done
tap_done
