#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The tutorial's workload under the tutorial's profiles, through 'kseccomp run': it serves
# under fine-grained.json and audit.json; violation.json denies execve, so it cannot start.
# Usage: live-http-echo.sh KSECCOMP HTTP_ECHO PROFILES_DIR. Prints TAP.
set -u
k=$1 echo=$2 profiles=$3
. "$(dirname "$0")/tap.sh"
get() { # PORT PATH
	python3 -c 'import sys, urllib.request
for _ in range(50):
    try:
        print(urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=2).read().decode(), end="")
        break
    except Exception:
        import time; time.sleep(0.1)' "$1" "$2"
}
if [ ! -r /proc/sys/kernel/seccomp/actions_avail ]; then
	echo "1..0 # SKIP the kernel has no seccomp"
	exit 0
fi
port=$((20000 + $$ % 20000))
"$k" run --profile "$profiles/fine-grained.json" -- "$echo" -listen ":$port" -text "just made some syscalls!" >/dev/null 2>&1 &
pid=$!
check "fine-grained.json: http-echo answers" "just made some syscalls!" "$(get $port /)"
check "and /health" '{"status":"ok"}' "$(get $port /health)"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
port=$((port + 1))
"$k" run --profile "$profiles/audit.json" -- "$echo" "-listen=:$port" "-text=audited" >/dev/null 2>&1 &
pid=$!
check "audit.json: http-echo answers" "audited" "$(get $port /)"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
"$k" run --profile "$profiles/violation.json" -- "$echo" -text x >/dev/null 2>&1
check "violation.json: denies execve, so http-echo cannot start (126)" 126 $?
tap_done
