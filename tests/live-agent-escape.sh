#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Terminal escape injection through the SCMP_ACT_NOTIFY agent's log: a process named
# ESC ] 0 ; pwned BEL (the xterm sequence that sets the window title) calls mkdir under a
# NOTIFY profile whose listenerMetadata holds a terminal sequence too. The agent's text log
# must show both escaped, with no raw control byte; its JSON log carries the exact text.
# Usage: live-agent-escape.sh KSECCOMP WORKDIR. Prints TAP.
set -u
k=$1 work=$2
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/agent.sh"
[ -r /proc/sys/kernel/seccomp/actions_avail ] || skip_all "the kernel has no seccomp"
grep -qw user_notif /proc/sys/kernel/seccomp/actions_avail ||
	skip_all "the kernel has no seccomp notifications"

rm -rf "$work"
mkdir -p "$work"
sock=$work/agent.sock
cleanup() {
	kill_agent
	rm -rf "$work"
}
trap cleanup EXIT

raw_controls() { # FILE: how many lines hold a byte that is neither printable ASCII nor tab
	LC_ALL=C tr -d '\n\t' <"$1" | LC_ALL=C grep -c '[^[:print:]]'
}

title=$(printf '\033]0;pwned\007')
cp /bin/mkdir "$work/$title"
cat >"$work/notify.json" <<EOF2
{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "$sock",
 "listenerMetadata": "m\u001b[2J\u009b31m",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}
EOF2

start_agent text.log
"$k" run --profile "$work/notify.json" -- "$work/$title" "$work/d1"
check "the process named ESC]0;pwned BEL makes its mkdir through the agent" "0 yes" \
	"$? $([ -d "$work/d1" ] && echo yes || echo no)"
stop_agent
check "the text log names it escaped" "1" \
	"$(grep -c ' comm=\\e\]0;pwned\\a [a-z0-9_]* mkdir' "$work/text.log")"
check "and the metadata" "1" "$(grep -c 'metadata "m\\e\[2J\\u009b31m"' "$work/text.log")"
check "the text log holds no raw control byte" "0" "$(raw_controls "$work/text.log")"

start_agent json.log -o json
"$k" run --profile "$work/notify.json" -- "$work/$title" "$work/d2"
stop_agent
check "the JSON log carries the exact name" "1" \
	"$(grep -c '"comm":"\\u001b\]0;pwned\\u0007"' "$work/json.log")"

start_agent yaml.log -o yaml
"$k" run --profile "$work/notify.json" -- "$work/$title" "$work/d3"
stop_agent
check "the YAML log: a document per event, the call's name exact, the metadata too" \
	"call mkdir \"\\e]0;pwned\\a\" \"m\\e[2J\\x9b31m\"" "$(python3 -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d["event"] == "call"]
d = docs[0] if len(docs) == 1 else {}
esc = lambda s: "\"" + s.replace("\033", "\\e").replace("\007", "\\a").replace("\x9b", "\\x9b") + "\""
print(d.get("event"), d.get("syscall"), esc(d.get("comm", "")), esc(d.get("metadata", "")))
' "$work/yaml.log" 2>&1)"
check "the YAML log holds no raw control byte" "0" "$(raw_controls "$work/yaml.log")"
tap_done
