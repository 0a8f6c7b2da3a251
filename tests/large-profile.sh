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

# run STATUS TEXT DESCRIPTION ARGS...: the verb ends within the deadline with STATUS, its
# output matching TEXT (an extended regular expression; empty: anything).
# run_or_refused OK_TEXT REFUSED_TEXT DESCRIPTION ARGS...: the same with status 0 and OK_TEXT,
# or status 1 and REFUSED_TEXT, where the size decides (a ConfigMap's 1 MiB, the kernel's
# 4096 instructions).
outcome() {
	timeout "$deadline" "$k" "$@" >"$work/out" 2>&1
	status=$?
}
report() { # WHAT RESULT: "ok", or what was wanted
	if [ "$status" = 124 ]; then
		check "$1: finishes within ${deadline} s on $rules rules" "done" "timed out"
	elif [ "$2" = ok ]; then
		check "$1: finishes within ${deadline} s on $rules rules" ok ok
	else
		check "$1: finishes within ${deadline} s on $rules rules" "$2" \
			"exit $status: $(head -c 300 "$work/out" | tr '\n' ' ')"
	fi
}
matches() { [ -z "$1" ] || grep -qE -- "$1" "$work/out"; }
run() {
	want=$1 text=$2 what=$3
	shift 3
	outcome "$@"
	res="exit $want and /$text/"
	if [ "$status" = "$want" ] && matches "$text"; then res=ok; fi
	report "$what" "$res"
}
run_or_refused() {
	ok_text=$1 refused_text=$2 what=$3
	shift 3
	outcome "$@"
	res="exit 0 and /$ok_text/, or exit 1 and /$refused_text/"
	if { [ "$status" = 0 ] && matches "$ok_text"; } ||
		{ [ "$status" = 1 ] && matches "$refused_text"; }; then
		res=ok
	fi
	report "$what" "$res"
}

# One size verdict: compile's (the native program, which runc's is never shorter than).
# Every verb that judges the profile says the same.
outcome compile --backend native --output-file "$work/native.bpf" "$p"
over=0
if [ "$status" = 1 ] && matches "the kernel takes at most 4096"; then over=1; fi
if [ $over = 1 ]; then
	run 1 "never shorter; the kernel takes at most 4096" "profile validate: the same size verdict" \
		profile validate "$p"
	run 1 "error \\[size-over-limit\\]" "profile lint: the same size verdict" profile lint "$p"
	run 1 "error loading seccomp filter: invalid argument" "profile check: the same size verdict" \
		profile check "$p"
	run 1 "error loading seccomp filter: invalid argument" \
		"kube resolve: the same size verdict" kube resolve --root-dir "$work/root" -f "$work/pod.yaml"
else
	run 0 ": ok" "profile validate" profile validate "$p"
fi
run 0 '"syscalls": \[' "profile fmt" profile fmt "$p"
run 0 "Syscalls per action" "profile show" profile show "$p"
run 0 '"actions": \[' "profile show -o json" profile show -o json "$p"
run_or_refused "\\[shadowed-rule\\]" "\\[shadowed-rule\\]" "profile lint" profile lint "$p"
run 1 "syscalls decided differently" "profile diff" profile diff "$p" "$work/variant.json"
run 0 '"syscalls": \[' "profile merge" profile merge "$p" "$work/variant.json"
run_or_refused "kind: ConfigMap" "more than a ConfigMap holds" "profile bundle" \
	profile bundle "$work/bundle"
run_or_refused "" "the kernel takes at most 4096|grew too large" "compile --backend native" \
	compile --backend native --output-file "$work/native.bpf" "$p"
run_or_refused "" "the kernel takes at most 4096" "compile --backend libseccomp" \
	compile --backend libseccomp --output-file "$work/libseccomp.bpf" "$p"
run_or_refused "^(ALLOW|KILL|ERRNO|TRACE|LOG)" "the kernel takes at most 4096|grew too large" \
	"sim" sim "$p" read
# the generated rules may deny the runtime's own calls after the filter: then the container
# does not start, as profile check says
run_or_refused "the container starts" "the container does not start" "profile check" \
	profile check "$p"
run_or_refused "OK" "StartError: failed to (create|start) containerd task" \
	"kube resolve (a Localhost profile)" kube resolve --root-dir "$work/root" -f "$work/pod.yaml"
rm -rf "$work"
tap_done
