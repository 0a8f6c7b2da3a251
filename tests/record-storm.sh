#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The eBPF recorder under load, by each way it can attach: a storm of over a million
# syscalls a second on four threads, with one rare call hidden in each thread, loses none of
# them; the profile holds every syscall strace sees the same program make. --attach auto
# takes fentry where this kernel loads it and the tracepoint otherwise; --attach fentry
# says why it cannot where it cannot. What cannot be recorded is counted and said: argument
# values beyond the table (--args; the rule then stays unconditional) and, by the
# tracepoint, numbers beyond every syscall table.
# Usage: record-storm.sh KSECCOMP STORM WORKDIR. Prints TAP.
set -u
k=$1 storm=$2 work=$3
. "$(dirname "$0")/tap.sh"
[ "$(id -u)" -eq 0 ] || skip_all "the ebpf backend needs root"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "the kernel has no BTF"
command -v strace >/dev/null 2>&1 || skip_all "no strace (scripts/setup.sh installs it)"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

names() { # PROFILE: its syscall names, one per line
	python3 -c 'import json, sys
for r in json.load(open(sys.argv[1])).get("syscalls", []):
    print("\n".join(r["names"]))' "$1" | sort -u
}

# which methods this kernel loads
"$k" record --backend ebpf --attach fentry -q -- true >/dev/null 2>"$work/fentry.err"
if [ $? -eq 0 ]; then
	methods="tracepoint fentry"
	auto=fentry
	skip "--attach fentry explains a kernel that refuses it" "this kernel loads fentry programs"
else
	methods=tracepoint
	auto=tracepoint
	check "--attach fentry explains a kernel that refuses it" "yes" \
		"$(grep -q 'x64_sys_call.*(.*fentry.*--attach tracepoint works' "$work/fentry.err" && echo yes || echo no)"
	echo "# fentry is not available here: $(head -n 1 "$work/fentry.err")"
fi
"$k" record --backend ebpf -- true 2>"$work/auto.err" >/dev/null
check "--attach auto takes $auto here" "yes" \
	"$(grep -q "with ebpf/$auto " "$work/auto.err" && echo yes || echo no)"

# what strace sees the storm make (a short one: strace stops at every call)
# (its output to a file, as when recorded: a terminal or /dev/null would cost an ioctl)
strace -f -qq -o "$work/strace.out" "$storm" 4 0.2 >"$work/strace-storm.out"
strace_names=$(sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p; s/^[0-9]* *<... \([a-z_0-9]*\) resumed>.*/\1/p' \
	"$work/strace.out" | sort -u)
check "strace sees the storm's rare calls" "4" \
	"$(echo "$strace_names" | grep -c -x 'getpgid\|getsid\|getpriority\|sched_getscheduler')"

for m in $methods; do
	TAP_PREFIX="$m: "
	"$k" record --backend ebpf --attach "$m" --output-file "$work/$m.json" -- \
		"$storm" 4 3 >"$work/$m.out" 2>"$work/$m.err"
	check "the storm is recorded" "0" "$?"
	rate=$(awk '$1 == "calls/s" { print $2 }' "$work/$m.out")
	echo "# ${TAP_PREFIX}$rate syscalls a second while recorded"
	check "over a million syscalls a second while recorded" "yes" \
		"$([ "${rate:-0}" -gt 1000000 ] && echo yes || echo no)"
	recorded=$(names "$work/$m.json")
	missing=""
	for c in $(sed 1d "$work/$m.out"); do
		echo "$recorded" | grep -q -x "$c" || missing="$missing $c"
	done
	check "no rare call lost in the storm" "" "$missing"
	missing=""
	for c in $strace_names; do
		echo "$recorded" | grep -q -x "$c" || missing="$missing $c"
	done
	check "recall against strace: every syscall it saw is in the profile" "" "$missing"
	check "nothing reported lost" "no" \
		"$(grep -q 'could not\|beyond every' "$work/$m.err" && echo yes || echo no)"

	# more distinct argument values than the table holds (socket's family, 5000 of them)
	"$k" record --backend ebpf --attach "$m" --args --output-file "$work/args.json" -- \
		python3 -c 'import socket
for f in range(5000):
    try:
        socket.socket(f, socket.SOCK_STREAM).close()
    except OSError:
        pass' >/dev/null 2>"$work/args.err"
	check "--args beyond the table: recorded" "0" "$?"
	check "the lost argument values are counted and said" "yes" \
		"$(grep -q 'warning: [0-9]* argument values could not be noted' "$work/args.err" && echo yes || echo no)"
	check "and socket's rule is unconditional" "socket" \
		"$(python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))
print(" ".join(n for r in p["syscalls"] if not r.get("args") for n in r["names"] if n == "socket"))' \
			"$work/args.json")"

	# a number beyond every table: counted and said, not in the profile. The tracepoint
	# only: no dispatcher fentry attaches to sees such a call (see record.bpf.c).
	if [ "$m" = fentry ]; then
		skip "a number beyond every table is said" "it reaches no syscall dispatcher"
	else
		"$k" record --backend ebpf --attach "$m" --output-file "$work/beyond.json" -- \
			python3 -c 'import ctypes; ctypes.CDLL(None).syscall(9000)' >/dev/null 2>"$work/beyond.err"
		check "a number beyond every table is said" "yes" \
			"$(grep -q 'warning: 1 call with a number beyond every syscall table' "$work/beyond.err" && echo yes || echo no)"
	fi
done
TAP_PREFIX=""

# --cgroup: the processes of a cgroup v2 and of the cgroups below it, until it empties; a
# sibling cgroup's are not recorded
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ -z "$cgroot" ] || ! mkdir -p "$cgroot/kseccomp-storm-$$/pod/ctr" "$cgroot/kseccomp-storm-$$/other"; then
	skip "--cgroup: the storm in a cgroup below the recorded one" "no writable cgroup v2 hierarchy"
else
	cg=$cgroot/kseccomp-storm-$$
	"$k" record --backend ebpf --cgroup "$cg/pod" --output-file "$work/cgroup.json" \
		2>"$work/cgroup.err" &
	rec=$!
	sleep 1 # the recorder loads and arms
	# unrelated: a sibling cgroup's process makes a call nothing in the pod makes
	python3 -c 'import ctypes, os, sys
open(sys.argv[1] + "/cgroup.procs", "w").write(str(os.getpid()))
ctypes.CDLL(None).syscall(309, 0, 0, 0) # getcpu
' "$cg/other"
	sh -c 'echo $$ >"$1/cgroup.procs"; exec "$2" 4 1' sh "$cg/pod/ctr" "$storm" >"$work/cgroup.out"
	# the recorder ends by itself once the cgroup is empty again
	wait_gone $rec 50
	check "--cgroup: the recorder ends when the cgroup empties" "no" \
		"$(kill -0 $rec 2>/dev/null && echo yes || echo no)"
	kill $rec 2>/dev/null
	wait $rec
	check "--cgroup: a profile written" "yes" \
		"$([ -s "$work/cgroup.json" ] && echo yes || echo no)"
	recorded=$(names "$work/cgroup.json" 2>/dev/null)
	missing=""
	for c in $(sed 1d "$work/cgroup.out"); do
		echo "$recorded" | grep -q -x "$c" || missing="$missing $c"
	done
	check "--cgroup: the storm in a cgroup below the recorded one, no rare call lost" "" "$missing"
	check "--cgroup: a sibling cgroup's processes are not recorded" "no" \
		"$(echo "$recorded" | grep -q -x getcpu && echo yes || echo no)"
	rmdir "$cg/pod/ctr" "$cg/pod" "$cg/other" "$cg" 2>/dev/null
fi

# Sessions: in a cgroup recorded from empty, its first process's tree is its own (a call of
# a child it forks included); a process that enters from outside, as an exec does, is told
# apart by the command it exec's, what it forks staying with it; --exclude-exec leaves that
# out and keeps the probe the manifest names (an argument with spaces, one argument).
if [ -n "$cgroot" ] && mkdir -p "$cgroot/kseccomp-sessions-$$"; then
	cg=$cgroot/kseccomp-sessions-$$
	call='import ctypes, sys; ctypes.CDLL(None).syscall(int(sys.argv[1]), 0, 0, 0)'
	cat >"$work/probes.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: x
    readinessProbe:
      exec:
        command: ["python3", "-c", "$call", "100"]
EOF
	"$k" record --backend ebpf --cgroup "$cg" --exclude-exec --probes-from "$work/probes.yaml" \
		--output-file "$work/sessions.json" 2>"$work/sessions.err" &
	rec=$!
	sleep 1 # the recorder loads and arms
	# the container: its first process, a child of which calls getcpu (309)
	sh -c 'echo $$ >"$1/cgroup.procs"; sleep 0.5; python3 -c "$2" 309; sleep 1.5' sh "$cg" "$call" &
	sleep 0.3
	# an exec: sh, whose python child calls syslog (103, a no-op: SYSLOG_ACTION_CLOSE)
	sh -c 'echo $$ >"$1/cgroup.procs"; exec sh -c "python3 -c \"\$0\" 103; :" "$2"' sh "$cg" "$call"
	# the probe: times (100)
	sh -c 'echo $$ >"$1/cgroup.procs"; exec python3 -c "$2" 100' sh "$cg" "$call"
	reap $rec 50
	check "sessions: record exits 0" 0 "$?"
	sed 's/^/# /' "$work/sessions.err"
	recorded=" $(names "$work/sessions.json" 2>/dev/null | tr '\n' ' ')"
	check "sessions: the own tree's child's getcpu is in the profile" yes \
		"$(echo "$recorded" | grep -q ' getcpu ' && echo yes || echo "$recorded")"
	check "sessions: the probe's times is kept with --exclude-exec" yes \
		"$(echo "$recorded" | grep -q ' times ' && echo yes || echo "$recorded")"
	check "sessions: the exec'd command's child's syslog is left out" no \
		"$(echo "$recorded" | grep -q ' syslog ' && echo yes || echo no)"
	check "sessions: the summary names the exec'd sh, syslog among its calls, left out" yes \
		"$(grep "exec'd 'sh -c " "$work/sessions.err" | grep -q "not made by the container itself: .*syslog.*; left out (--exclude-exec)" && echo yes || echo no)"
	check "sessions: and the probe, marked, kept" yes \
		"$(grep "exec'd 'python3 -c \"import ctypes, sys; " "$work/sessions.err" | grep -q "\.\.\.\" 100' (a probe): [0-9]* syscalls, not made by the container itself: times; in the profile" && echo yes || echo no)"
	rmdir "$cg" 2>/dev/null
fi
"$k" record --backend ptrace --cgroup /sys/fs/cgroup -q >/dev/null 2>"$work/usage.err"
check "--cgroup with ptrace is a usage error" "2" "$?"
"$k" record --cgroup "$work" -q >/dev/null 2>"$work/notcg.err"
check "--cgroup of a directory that is no cgroup: exit 1" "1" "$?"
check "and says so" "yes" "$(grep -q 'not a cgroup v2 directory' "$work/notcg.err" && echo yes || echo no)"
tap_done
