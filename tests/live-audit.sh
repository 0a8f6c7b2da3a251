#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The kernel's own records: a program run under an SCMP_ACT_LOG profile leaves type=1326
# records in /dev/kmsg, which 'kseccomp audit' names (i386 calls with the i386 table), and
# a profile generated from them lets the program run under defaultAction SCMP_ACT_ERRNO.
# A process whose name is a terminal escape sequence is shown escaped.
# The kernel rate-limits these printk's (10 per 5 s by default): the test lifts the limit
# for its run and restores it.
# Usage: live-audit.sh KSECCOMP TRY_SYSCALL_32 WORKDIR. Prints TAP.
set -u
k=$1 probe32=$2 work=$3
. "$(dirname "$0")/tap.sh"
check() { # DESCRIPTION CONDITION-EXIT-STATUS [DIAGNOSTIC]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP reading /dev/kmsg and lifting the printk rate limit need root"
	exit 0
fi
if [ ! -r /proc/sys/kernel/seccomp/actions_avail ] || ! grep -qw log /proc/sys/kernel/seccomp/actions_avail; then
	echo "1..0 # SKIP the kernel has no SECCOMP_RET_LOG"
	exit 0
fi
rm -rf "$work"
mkdir -p "$work"
old_interval=$(cat /proc/sys/kernel/printk_ratelimit)
old_burst=$(cat /proc/sys/kernel/printk_ratelimit_burst)
trap 'echo "$old_interval" >/proc/sys/kernel/printk_ratelimit; echo "$old_burst" >/proc/sys/kernel/printk_ratelimit_burst' EXIT
echo 0 >/proc/sys/kernel/printk_ratelimit
echo 100000 >/proc/sys/kernel/printk_ratelimit_burst

echo '{"defaultAction": "SCMP_ACT_LOG"}' >"$work/audit.json"
# a name of our own, so that its records stand out (comm is the first 15 bytes)
cp /bin/ls "$work/ksc-audit-ls"
start=$(date +%s)
"$k" run --profile "$work/audit.json" -- "$work/ksc-audit-ls" / >"$work/under-log.out" 2>&1
check "ls runs under SCMP_ACT_LOG" $?
sleep 1
"$k" audit --since "$start" --comm ksc-audit-ls -o summary >"$work/summary" 2>"$work/summary.err"
grep -q ' x86_64 *getdents64 *LOG' "$work/summary"
check "its getdents64 calls are in the kernel log, named" $? "$(cat "$work/summary" "$work/summary.err")"
grep -q ' x86_64 *openat *LOG' "$work/summary"
check "and its openat calls" $?

"$k" audit --since "$start" --comm ksc-audit-ls --generate "$work/generated.json" 2>"$work/gen.err"
check "a profile is generated from them" $? "$(cat "$work/gen.err")"
"$k" profile validate "$work/generated.json" >/dev/null 2>&1
check "it is valid" $?
"$k" run --profile "$work/generated.json" -- "$work/ksc-audit-ls" / >"$work/under-generated.out" 2>&1
status=$?
check "ls runs under it, defaultAction SCMP_ACT_ERRNO (exit $status)" $status "$(cat "$work/under-generated.out")"
cmp -s "$work/under-log.out" "$work/under-generated.out"
check "and lists the same" $?
"$k" run --profile "$work/generated.json" -- /bin/sh -c 'mkdir /tmp/should-not-exist-$$' >/dev/null 2>&1
test $? -ne 0
check "what ls never did is denied (a shell cannot even start)" $?

# Terminal escape injection: a process named ESC ] 0 ; pwned BEL (the xterm sequence that
# sets the window title) makes the kernel hex-encode comm and exe in its record
# (audit_log_untrustedstring()); decoded, they must be shown escaped, never raw, except in
# JSON, which carries the exact name.
title=$(printf '\033]0;pwned\007')
cp /bin/ls "$work/$title"
start=$(date +%s)
"$k" run --profile "$work/audit.json" -- "$work/$title" / >/dev/null 2>&1
check "the process named ESC]0;pwned BEL runs under SCMP_ACT_LOG" $?
sleep 1
# controls but newline and tab, and bytes that are not ASCII (the escaping is ASCII)
raw_controls() { # FILE: prints the count of lines with such bytes
	LC_ALL=C tr -d '\n\t' <"$1" | LC_ALL=C grep -c '[^[:print:]]'
}
dmesg 2>/dev/null | grep -q 'comm=1B5D303B70776E656407'
check "the kernel wrote its record with comm hex-encoded" $?
"$k" audit --since "$start" --comm "$title" >"$work/title.table" 2>"$work/title.err"
grep -q ' \\e\]0;pwned\\a .*/\\e\]0;pwned\\a$' "$work/title.table"
check "audit's table names it escaped, comm and exe" $? "$(head -3 "$work/title.table" | cat -v)"
test "$(raw_controls "$work/title.table")" = 0 && test "$(raw_controls "$work/title.err")" = 0
check "and holds no raw control byte (no ESC, no BEL)" $? "$(head -3 "$work/title.table" | od -c | head)"
"$k" audit --since "$start" --comm "$title" -o summary >"$work/title.summary" 2>&1
grep -q ' \\e\]0;pwned\\a ' "$work/title.summary" && test "$(raw_controls "$work/title.summary")" = 0
check "the summary too" $? "$(head -3 "$work/title.summary" | od -c | head)"
"$k" audit --since "$start" --comm "$title" -o json >"$work/title.json" 2>/dev/null
grep -q '"comm": "\\u001b\]0;pwned\\u0007", "exe": "[^"]*/\\u001b\]0;pwned\\u0007"' "$work/title.json"
check "JSON carries the exact name" $? "$(head -1 "$work/title.json")"
"$k" audit --since "$start" -o json >"$work/all.json" 2>/dev/null
python3 -c '
import json, sys
names = {json.loads(l)["comm"] for l in open(sys.argv[1])}
sys.exit(0 if "\033]0;pwned\007" in names else 1)' "$work/all.json"
check "which decodes to the real bytes" $?

if i386_runs "$probe32"; then
	cp "$probe32" "$work/ksc-audit-32"
	echo '{"defaultAction": "SCMP_ACT_LOG", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"]}' >"$work/audit-32.json"
	start=$(date +%s)
	# 64 is getppid on i386 (and semget on x86_64, where tools that ignore arch= look)
	"$k" run --profile "$work/audit-32.json" -- "$work/ksc-audit-32" 64 >/dev/null 2>&1
	sleep 1
	"$k" audit --since "$start" --comm ksc-audit-32 -o json >"$work/i386.json" 2>/dev/null
	grep -q '"arch": "x86", "syscall": "getppid", "nr": 64' "$work/i386.json"
	check "an i386 call is named with the i386 table: getppid, not semget" $? "$(head -3 "$work/i386.json")"
else
	skip "i386" "$i386_reason"
fi
echo "1..$n"
[ "$failed" = 0 ]
