#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every verb that reads a profile finishes on one of RULES rules (100,000 by default) within
# a generous deadline, with the outcome it has on small profiles. Not a timing assertion:
# each verb takes a second or two here, and took minutes when show, lint, diff and merge
# compared every rule with every other; a deadline of TIMEOUT seconds (30) catches that
# coming back without failing on a slow or busy machine. The profiles are bench-large-
# profile's (bench/, BENCHMARKS.md "Large profiles").
# Usage: large-profile.sh KSECCOMP BENCH-LARGE-PROFILE WORKDIR [RULES [TIMEOUT]]. Prints TAP.
set -u
k=$1 gen=$2 work=$3 rules=${4:-100000} deadline=${5:-30}
. "$(dirname "$0")/tap.sh"

command -v timeout >/dev/null || skip_all "no timeout(1)"
rm -rf "$work"
mkdir -p "$work/root/seccomp" "$work/bundle"
p=$work/root/seccomp/large.json
"$gen" gen "$rules" "$p" 0 || skip_all "cannot write the profile"
"$gen" gen "$rules" "$work/variant.json" 1 || skip_all "cannot write the variant"
cp "$p" "$work/bundle/large.json"
cat >"$work/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: large
spec:
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: large.json
  containers:
  - name: c
    image: busybox
EOF

# run WANT_STATUS WANT_TEXT DESCRIPTION ARGS...: the verb ends within the deadline with
# WANT_STATUS, and WANT_TEXT (a fixed string) is in its output.
run() {
	want=$1 text=$2 what=$3
	shift 3
	timeout "$deadline" "$k" "$@" >"$work/out" 2>&1
	got=$?
	if [ "$got" = 124 ]; then
		check "$what: finishes within ${deadline} s on $rules rules" "done" "timed out"
		return
	fi
	if [ "$got" = "$want" ] && grep -qF -- "$text" "$work/out"; then
		check "$what: finishes within ${deadline} s on $rules rules" "$want" "$got"
	else
		check "$what: finishes within ${deadline} s on $rules rules (exit $want, '$text')" \
			"$want $text" "$got $(head -c 300 "$work/out" | tr '\n' ' ')"
	fi
}

run 0 ": ok" "profile validate" profile validate "$p"
run 0 '"syscalls": [' "profile fmt" profile fmt "$p"
run 0 "Syscalls per action" "profile show" profile show "$p"
run 0 '"actions": [' "profile show -o json" profile show -o json "$p"
run 1 "[shadowed-rule]" "profile lint" profile lint "$p"
run 1 "syscalls decided differently" "profile diff" profile diff "$p" "$work/variant.json"
run 0 '"syscalls": [' "profile merge" profile merge "$p" "$work/variant.json"
run 1 "more than a ConfigMap holds" "profile bundle" profile bundle "$work/bundle"
run 1 "" "compile --backend native" compile --backend native -o "$work/native.bpf" "$p"
run 1 "instructions; the kernel takes at most 4096" "compile --backend libseccomp" \
	compile --backend libseccomp -o "$work/libseccomp.bpf" "$p"
run 1 "" "sim" sim "$p" read
run 0 "OK" "kube resolve (a Localhost profile)" \
	kube resolve --root-dir "$work/root" -f "$work/pod.yaml"
rm -rf "$work"
tap_done
