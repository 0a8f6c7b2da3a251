# SPDX-License-Identifier: Apache-2.0
# TAP for the shell tests. A test sources it (. "$(dirname "$0")/tap.sh"), then calls
#   check DESCRIPTION WANT GOT   ok when GOT is WANT, else not ok with both
#   skip DESCRIPTION REASON      an ok that says why it did not run
#   skip_all REASON              the whole test skipped (exits 0)
#   tap_done                     the plan; returns non-zero if a check failed (last command)
#   audit_joined PID             wait (10 s at most) until PID has joined the kernel's audit
#                                multicast group: a `kseccomp audit --source netlink`
#                                follower that will see every record from then on
#   i386_runs PROBE              true when the kernel runs PROBE (an i386 try-syscall or the
#                                int80 probe); false with the reason in $i386_reason otherwise
# TAP_PREFIX, when set, starts every description ("runc: ").
n=0 failed=0
check() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - ${TAP_PREFIX:-}$1"
	else
		echo "not ok $n - ${TAP_PREFIX:-}$1"
		echo "#   got: $3"
		echo "#  want: $2"
		failed=$((failed + 1))
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - ${TAP_PREFIX:-}$1 # SKIP $2"
}
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}
tap_done() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
i386_runs() {
	i386_reason="no i386 probe (gcc-multilib)"
	[ -n "$1" ] && [ -x "$1" ] || return 1
	# getppid in both probes' calling conventions: 64 (i386), and int80 makes it by itself.
	# A kernel without ia32 emulation (CONFIG_IA32_EMULATION off, ia32_emulation=0, some
	# hypervisors) refuses the i386 ELF with ENOEXEC and kills int 0x80 with SIGSEGV.
	if "$1" 64 >/dev/null 2>&1; then
		return 0
	fi
	i386_reason="this kernel does not run i386 code (no ia32 emulation)"
	return 1
}
audit_joined() {
	# its netlink socket of protocol 9 (NETLINK_AUDIT), port PID, group bit 1 set
	_i=0
	while [ $_i -lt 100 ]; do
		awk -v pid="$1" '$2 == 9 && $3 == pid && $4 ~ /1$/ { f = 1 } END { exit !f }' \
			/proc/net/netlink && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
wait_gone() { # PID [TENTHS]: wait up to TENTHS tenths of a second (100) for PID to end;
	# 0 once it has, 1 if it still runs
	_i=0
	while kill -0 "$1" 2>/dev/null; do
		[ $_i -lt "${2:-100}" ] || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 0
}

reap() { # PID [TENTHS]: a child given up to TENTHS tenths of a second (100) to end by
	# itself, then SIGTERM'd; its exit status
	wait_gone "$@"
	kill "$1" 2>/dev/null
	wait "$1"
}
