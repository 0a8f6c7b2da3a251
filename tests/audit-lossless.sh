#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Lossless audit: 50,000 logged calls read through the audit netlink socket arrive every one,
# with no loss reported; through /dev/kmsg, under the kernel's default printk rate limit,
# most are dropped and the loss is reported (and fails --generate). A profile generated from
# the netlink source, while a program ran under a filter that logs everything, runs that
# program 5 times out of 5. -o json reads back as input.
# Usage: audit-lossless.sh KSECCOMP SYSCALL_LOOP WORKDIR. Prints TAP.
set -u
k=$1 loop=$2 work=$3
. "$(dirname "$0")/tap.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (the audit netlink socket, /dev/kmsg)"
"$k" audit --source netlink --pid 1 >/dev/null 2>"$work.probe" &
probe=$!
sleep 0.5
if kill -0 "$probe" 2>/dev/null; then
	kill -INT "$probe"
	wait "$probe"
else
	wait "$probe"
	reason=$(cat "$work.probe")
	rm -f "$work.probe"
	skip_all "the audit netlink socket cannot be read here: $reason"
fi
rm -f "$work.probe"

rm -rf "$work"
mkdir -p "$work"
follower=
old_interval=$(cat /proc/sys/kernel/printk_ratelimit)
old_burst=$(cat /proc/sys/kernel/printk_ratelimit_burst)
cleanup() {
	[ -n "$follower" ] && kill "$follower" 2>/dev/null
	echo "$old_interval" >/proc/sys/kernel/printk_ratelimit
	echo "$old_burst" >/proc/sys/kernel/printk_ratelimit_burst
	rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/log-getppid.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_LOG"}]}
EOF
cat >"$work/log-all.json" <<'EOF'
{"defaultAction": "SCMP_ACT_LOG"}
EOF

# FILE COUNT: until FILE has COUNT lines (60 s at most)
wait_lines() {
	i=0
	while [ "$(wc -l <"$1")" -lt "$2" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
# stop the follower as a user does (SIGINT) and give its exit status
stop_follower() {
	kill -INT "$follower"
	wait "$follower"
	status=$?
	follower=
	return $status
}

# 1. netlink: 50,000 records on 4 threads, every one of them, no loss reported
"$k" audit --source netlink -o json --comm syscall-loop >"$work/nl.json" 2>"$work/nl.err" &
follower=$!
audit_joined "$follower"
check "the follower joined the audit multicast group" 0 $?
"$k" run --profile "$work/log-getppid.json" -- "$loop" 50000 4
check "the program ran under its logging filter" 0 $?
wait_lines "$work/nl.json" 50000
stop_follower
check "netlink: the follower exits 0 on SIGINT" 0 $?
check "netlink: 50,000 logged calls, 50,000 records" 50000 \
	"$(grep -c '"syscall": "getppid", "nr": 110, "action": "LOG"' "$work/nl.json")"
check "netlink: no loss reported" "" "$(grep -i lost "$work/nl.err")"
check "netlink: serial numbers all distinct" 50000 \
	"$(grep -o '"serial": [0-9]*' "$work/nl.json" | sort -u | wc -l)"

# -o json reads back as input, to the same lines
"$k" audit -o json "$work/nl.json" >"$work/again.json" 2>/dev/null
check "-o json reads back as input, unchanged" "" \
	"$(cmp "$work/nl.json" "$work/again.json" 2>&1)"

# 2. /dev/kmsg under the kernel's default printk rate limit (10 messages per 5 s): the loss
# is seen (serial numbers skipped) and reported, and --generate fails for it
echo 5 >/proc/sys/kernel/printk_ratelimit
echo 10 >/proc/sys/kernel/printk_ratelimit_burst
since=$(date +%s)
"$k" audit --source kmsg --follow -o json --comm syscall-loop --since "$since" \
	>"$work/kmsg.json" 2>"$work/kmsg.err" &
follower=$!
sleep 1 # it reads the ring buffer from its start first
"$k" run --profile "$work/log-getppid.json" -- "$loop" 50000 4
sleep 1
stop_follower
check "kmsg: the follower exits 0 on SIGINT" 0 $?
got=$(grep -c '"action": "LOG"' "$work/kmsg.json")
check "kmsg: most records never reach the kernel log ($got of 50000)" yes \
	"$([ "$got" -lt 50000 ] && echo yes || echo "no: $got")"
check "kmsg: the loss is reported with a count" yes \
	"$(grep -q 'warning: at least [0-9]* records were lost' "$work/kmsg.err" && echo yes ||
		cat "$work/kmsg.err")"
# read back from the ring later, the loss shows once a record comes after it: printk's
# next interval (5 s) lets one through, with the notice of what it suppressed
sleep 5.5
"$k" run --profile "$work/log-getppid.json" -- "$loop" 1
sleep 0.5
"$k" audit --source kmsg --since "$since" --comm syscall-loop --generate "$work/lossy.json" \
	>/dev/null 2>"$work/gen-kmsg.err"
check "kmsg: --generate over lost records exits 1" 1 $?
check "kmsg: and says the profile may miss syscalls" yes \
	"$(grep -q 'lossy.json may miss syscalls: records were lost' "$work/gen-kmsg.err" &&
		echo yes || cat "$work/gen-kmsg.err")"
echo "$old_interval" >/proc/sys/kernel/printk_ratelimit
echo "$old_burst" >/proc/sys/kernel/printk_ratelimit_burst

# 3. --generate from the netlink source, following until interrupted: python3 under a filter
# that logs every call, then 5 runs under the generated profile, each clean
py=/usr/bin/python3
if [ -x "$py" ]; then
	prog='import hashlib, json, os, subprocess, tempfile
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "f")
    with open(p, "w") as f:
        json.dump({"k": list(range(100))}, f)
    print(hashlib.sha256(open(p, "rb").read()).hexdigest()[:8], len(os.listdir("/")) > 0)'
	want=$("$py" -c "$prog")
	"$k" audit --source netlink --generate "$work/py.json" >/dev/null 2>"$work/gen.err" &
	follower=$!
	audit_joined "$follower"
	"$k" run --profile "$work/log-all.json" -- "$py" -c "$prog" >"$work/py-log.out"
	check "python3 ran under the profile that logs every call" "$want" "$(cat "$work/py-log.out")"
	sleep 1
	stop_follower
	check "--generate --follow: written when interrupted, exit 0" 0 $?
	check "--generate --follow: no loss reported" "" "$(grep -i lost "$work/gen.err")"
	ok=0
	for i in 1 2 3 4 5; do
		out=$("$k" run --profile "$work/py.json" -- "$py" -c "$prog" 2>"$work/py-run.err")
		[ $? = 0 ] && [ "$out" = "$want" ] && ok=$((ok + 1))
	done
	check "python3 under the generated profile: 5 runs of 5" 5 "$ok"
else
	skip "--generate from the netlink source" "no /usr/bin/python3"
fi
tap_done
