#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The /init of tests/vm-record.sh's guest: a Debian kernel that loads fentry programs, booted
# with an initramfs of a static busybox, kseccomp with the libraries it links, tap.sh and
# the probes in /probe. It proves, in that kernel, that kseccomp record --backend ebpf
# records right by each way it attaches: --attach fentry loads (the programs on
# x64_sys_call and ia32_sys_call pass the verifier) and says so, --attach auto takes it; for
# fentry and the tracepoint alike, the storm's rare calls are none of them lost, an i386
# process and int 0x80 are recorded as i386 (fentry: through ia32_sys_call); both record the
# same syscalls of `ls /`; the tracepoint says a number beyond every table; recording a
# cgroup, a process that enters it from outside is told apart by its command. Rates are
# printed, not checked (the guest is emulated). Prints TAP on the console, then powers the
# machine off.
# Usage: none; the kernel runs it as init.
export PATH=/bin
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs run /run
mount -t tmpfs tmp /tmp
. /tap.sh
k=/bin/kseccomp work=/tmp

names() { # PROFILE: its syscall names, one per line (the JSON profile's lowercase strings)
	sed -n 's/^ *"\([a-z0-9_]*\)",\{0,1\}$/\1/p' "$1" | sort -u
}
has() { # PROFILE NAME: yes when the profile allows NAME
	names "$1" | grep -q -x "$2" && echo yes || echo no
}

echo "# guest: Linux $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
[ -r /sys/kernel/btf/vmlinux ] || echo "# the kernel has no BTF"

# fentry: loads, and says so in the summary
"$k" record --backend ebpf --attach fentry -- true >/dev/null 2>"$work/fentry.err"
check "--attach fentry: record -- true exits 0" "0" "$?"
check "and its summary says ebpf/fentry" "yes" \
	"$(grep -q 'with ebpf/fentry ' "$work/fentry.err" && echo yes || echo no)"
if ! grep -q 'with ebpf/fentry ' "$work/fentry.err"; then
	# libbpf's account of it (the verifier's log, if it got that far)
	KSECCOMP_DEBUG_BPF=1 "$k" record --backend ebpf --attach fentry -- true 2>&1 |
		tail -n 60 | sed 's/^/#   /'
fi
"$k" record --backend ebpf -- true >/dev/null 2>"$work/auto.err"
check "--attach auto takes fentry on this kernel" "yes" \
	"$(grep -q 'with ebpf/fentry ' "$work/auto.err" && echo yes || echo no)"

for m in fentry tracepoint; do
	TAP_PREFIX="$m: "
	# the storm: no rare call lost
	"$k" record --backend ebpf --attach "$m" --output-file "$work/$m-storm.json" -- \
		/probe/storm 4 2 >"$work/$m-storm.out" 2>"$work/$m-storm.err"
	check "the storm is recorded" "0" "$?"
	echo "# ${TAP_PREFIX}$(awk '$1 == "calls/s" { print $2 }' "$work/$m-storm.out") syscalls a second while recorded"
	rare=$(sed 1d "$work/$m-storm.out")
	check "the storm made its 4 rare calls" "4" "$(echo "$rare" | grep -c .)"
	missing=""
	for c in $rare; do
		[ "$(has "$work/$m-storm.json" "$c")" = yes ] || missing="$missing $c"
	done
	check "no rare call lost in the storm" "" "$missing"
	check "nothing reported lost" "no" \
		"$(grep -q 'could not\|beyond every' "$work/$m-storm.err" && echo yes || echo no)"

	# i386: an i386 process, and int 0x80 from a 64-bit one (getppid, 64 on i386; on
	# x86_64, 64 is semget). With fentry both go through ia32_sys_call.
	if [ -x /probe/try-syscall-32 ]; then
		"$k" record --backend ebpf --attach "$m" -q --output-file "$work/$m-i386.json" -- \
			/probe/try-syscall-32 64 >/dev/null 2>&1
		check "an i386 process: SCMP_ARCH_X86, getppid, not semget" "yes yes no" \
			"$(grep -q '"SCMP_ARCH_X86"' "$work/$m-i386.json" && echo yes || echo no) $(has "$work/$m-i386.json" getppid) $(has "$work/$m-i386.json" semget)"
	else
		skip "an i386 process" "no i386 probe (gcc-multilib)"
	fi
	"$k" record --backend ebpf --attach "$m" -q --output-file "$work/$m-int80.json" -- \
		/probe/int80 >/dev/null 2>&1
	check "int 0x80: SCMP_ARCH_X86, getppid, not semget" "yes yes no" \
		"$(grep -q '"SCMP_ARCH_X86"' "$work/$m-int80.json" && echo yes || echo no) $(has "$work/$m-int80.json" getppid) $(has "$work/$m-int80.json" semget)"

	# a number beyond every table: counted and said by the tracepoint. No dispatcher sees
	# it: do_syscall_64() answers it ENOSYS through __x64_sys_ni_syscall(), which ftrace
	# cannot attach to (nor does that call sys_ni_syscall(), which it can).
	if [ "$m" = tracepoint ]; then
		"$k" record --backend ebpf --attach "$m" --output-file "$work/$m-beyond.json" -- \
			/probe/try-syscall 9000 >/dev/null 2>"$work/$m-beyond.err"
		said=$(grep -q 'warning: 1 call with a number beyond every syscall table' \
			"$work/$m-beyond.err" && echo yes || echo no)
		check "a number beyond every table is said" "yes" "$said"
		[ "$said" = yes ] || sed 's/^/#   /' "$work/$m-beyond.err"
	else
		skip "a number beyond every table is said" "it reaches no syscall dispatcher"
	fi

	# nothing of kseccomp's own: the launched child waits for recording without a syscall
	# (a static program that reads nothing, recorded 10 times, never with a read)
	reads=0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		"$k" record --backend ebpf --attach "$m" -q --output-file "$work/$m-own.json" -- \
			/probe/try-syscall 39 >/dev/null 2>&1
		[ "$(has "$work/$m-own.json" read)" = yes ] && reads=$((reads + 1))
	done
	check "nothing the recorder's child makes before the execve (10 recordings)" \
		"0 with read" "$reads with read"

	# a deterministic program, for the two methods to agree on
	"$k" record --backend ebpf --attach "$m" -q --output-file "$work/$m-ls.json" -- \
		ls / >/dev/null 2>&1
	check "ls / is recorded, getdents64 with it" "0 yes" "$? $(has "$work/$m-ls.json" getdents64)"
done
TAP_PREFIX=""
fentry_ls=$(names "$work/fentry-ls.json" | tr '\n' ' ')
tracepoint_ls=$(names "$work/tracepoint-ls.json" | tr '\n' ' ')
check "fentry and the tracepoint record the same syscalls of ls /" "$tracepoint_ls" "$fentry_ls"
echo "# ls /: $(echo "$fentry_ls" | wc -w) syscalls"

# a container's sessions, by each method: the cgroup's first process is its own, a process
# entering it from outside is told apart by its command (the programs with sessions pass
# this kernel's verifier too: 6.12's lost a bound 6.18's keeps)
for m in fentry tracepoint; do
	TAP_PREFIX="$m: "
	cg=/sys/fs/cgroup/sessions-$m
	mkdir -p "$cg"
	"$k" record --backend ebpf --attach "$m" --cgroup "$cg" --exclude-exec \
		--output-file "$work/$m-sessions.json" 2>"$work/$m-sessions.err" &
	rec=$!
	sleep 1
	sh -c 'echo $$ >"$1/cgroup.procs"; sleep 1' sh "$cg" &
	sleep 0.3
	# (busybox's sh runs its own applets without an execve: a probe, exec'd for real)
	sh -c 'echo $$ >"$1/cgroup.procs"; exec /probe/try-syscall 309' sh "$cg" >/dev/null
	reap $rec 50
	check "--cgroup with sessions: exit 0" "0" "$?"
	check "the entering command told apart, and left out" yes \
		"$(grep -q "exec'd '/probe/try-syscall 309': [0-9]* syscalls.*getcpu.*; left out" \
			"$work/$m-sessions.err" && echo yes || cat "$work/$m-sessions.err")"
	check "the first process's own calls kept (clock_nanosleep), not its getcpu" "yes no" \
		"$(has "$work/$m-sessions.json" clock_nanosleep) $(has "$work/$m-sessions.json" getcpu)"
	rmdir "$cg" 2>/dev/null
done
TAP_PREFIX=""
tap_done
# the console drains before the machine goes
sleep 1
poweroff -f
