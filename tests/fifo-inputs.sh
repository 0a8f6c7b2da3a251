#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Inputs that are not regular files. A FIFO that no one writes to blocks a reader's open()
# and read() forever, and a device such as /dev/zero never ends: every verb that reads a
# profile, a manifest or a policy by path is run on one, under a time limit, and must refuse
# it at once (exit 1, "FILE: not a regular file (a FIFO)"), not hang. Standard input ("-")
# stays allowed, bounded by the size limit. Then a pod on the local node whose Localhost
# profile is a FIFO: it must end in CreateContainerError, not stay ContainerCreating.
# Usage: fifo-inputs.sh KSECCOMP WORKDIR. Prints TAP.
set -u
k=$1 work=$2
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/node.sh"
command -v timeout >/dev/null 2>&1 || skip_all "no timeout(1) (coreutils)"

rm -rf "$work"
mkdir -p "$work/root/seccomp" "$work/bundle"
cleanup() {
	delete_pods
	rm -rf "$work"
}
trap cleanup EXIT

fifo=$work/fifo.json
mkfifo "$fifo" "$work/root/seccomp/fifo.json" "$work/bundle/fifo.json"
printf '{"defaultAction": "SCMP_ACT_ALLOW"}\n' >"$work/ok.json"
cat >"$work/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: fifo-profile
spec:
  restartPolicy: Never
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: fifo.json
  containers:
  - name: main
    image: test/busybox:1
    command: ["true"]
EOF

# refused WHAT MESSAGE KSECCOMP-ARGS...: exit 1 within 10 s, and the output says MESSAGE
# (default: the FIFO's name and what it is).
refused() {
	what=$1 want=$2
	shift 2
	timeout -k 2 10 "$k" "$@" </dev/null >"$work/out" 2>"$work/err"
	status=$?
	[ $status = 124 ] || [ $status = 137 ] && status="hung (killed after 10 s)"
	check "$what: refused at once" "1" "$status"
	check "$what: the message says why" "yes" \
		"$(cat "$work/out" "$work/err" |
			grep -qF "${want:-$fifo: not a regular file (a FIFO)}" && echo yes ||
			{ cat "$work/err" >&2; echo no; })"
}

refused "profile validate" "" profile validate "$fifo"
refused "profile show" "" profile show "$fifo"
refused "profile fmt" "" profile fmt "$fifo"
refused "profile lint" "" profile lint "$fifo"
refused "profile diff" "" profile diff "$work/ok.json" "$fifo"
refused "profile merge" "" profile merge "$work/ok.json" "$fifo"
refused "profile bundle (a FIFO in the directory)" \
	"$work/bundle/fifo.json: not a regular file (a FIFO)" profile bundle "$work/bundle" \
	--output-file "$work/bundle.yaml"
refused "compile" "" compile --output-file "$work/out.bpf" "$fifo"
refused "sim" "" sim "$fifo" mkdir
refused "disasm" "" disasm "$fifo"
refused "run --profile" "" run --profile "$fifo" -- true
refused "run --type Localhost" "$work/root/seccomp/fifo.json: not a regular file (a FIFO)" \
	run --type Localhost --localhost-profile fifo.json \
	--root-dir "$work/root" -- true
refused "kube validate" "" kube validate -f "$fifo"
refused "kube resolve" "" kube resolve -f "$fifo"
refused "kube check" "" kube check --level baseline -f "$fifo"
refused "kube inspect" "" kube inspect -c main -f "$fifo"
refused "apply -f" "" apply -f "$fifo" --runtime host --state-dir "$work/state" \
	--root-dir "$work/root"
refused "agent --policy" "" agent --listen "$work/agent.sock" --policy "$fifo"
refused "profile validate of a character device" \
	"/dev/zero: not a regular file (a character device)" profile validate /dev/zero

# a Localhost profile that is a FIFO, seen through the manifest
refused "kube resolve, Localhost profile a FIFO" \
	"open $work/root/seccomp/fifo.json: not a regular file (a FIFO)" \
	kube resolve -f "$work/pod.yaml" \
	--root-dir "$work/root"
refused "kube inspect, Localhost profile a FIFO" "not a regular file (a FIFO)" \
	kube inspect -c main -f "$work/pod.yaml" \
	--root-dir "$work/root"

# standard input is still read, and a device on it stops at the size limit
check "profile validate - (a pipe) still works" "0" \
	"$(cat "$work/ok.json" | timeout 10 "$k" profile validate - >/dev/null 2>&1; echo $?)"
timeout -k 2 20 "$k" profile validate - </dev/zero >/dev/null 2>"$work/err"
check "profile validate - </dev/zero: stops at the size limit" "1 yes" \
	"$? $(grep -q 'file is larger than' "$work/err" && echo yes || echo no)"

# --- a pod on the local node whose Localhost profile is a FIFO -------------------------------
busybox=$(command -v busybox || echo /bin/busybox)
if [ ! -x "$busybox" ]; then
	skip "a local pod with a FIFO profile" "no busybox (Debian: busybox-static)"
	tap_done
	exit
fi
export KSECCOMP_STATE_DIR="$work/state" KSECCOMP_ROOT_DIR="$work/root" \
	KSECCOMP_IMAGE_STORE="$work/images" KSECCOMP_RUNTIME=host
mkdir -p "$work/rootfs/bin"
cp "$busybox" "$work/rootfs/bin/busybox"
ln -s busybox "$work/rootfs/bin/true"
"$k" image import test/busybox:1 "$work/rootfs" >/dev/null
timeout -k 2 20 "$k" apply -f "$work/pod.yaml" --runtime host >/dev/null 2>"$work/err"
check "apply of a pod whose Localhost profile is a FIFO" "0" "$?"
state=
i=0
while [ $i -lt 100 ]; do
	state=$(timeout 10 "$k" get pods fifo-profile 2>/dev/null | awk 'NR == 2 { print $3 }')
	case $state in
	CreateContainerError) break ;;
	esac
	sleep 0.1
	i=$((i + 1))
done
check "the pod ends in CreateContainerError, not ContainerCreating" "CreateContainerError" "$state"
check "describe says the profile is a FIFO" "yes" \
	"$(timeout 10 "$k" describe pod fifo-profile | grep -q 'not a regular file (a FIFO)' &&
		echo yes || echo no)"
timeout 30 "$k" delete pod fifo-profile --now >/dev/null 2>&1
check "and it is deleted" "0" "$?"

tap_done
