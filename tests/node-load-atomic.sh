#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# 'node load' never lets a reader see a partial profile: while two versions of a large
# profile are loaded over each other 200 times, a reader that opens the file in a loop sees
# one version or the other, whole, every time.
# Usage: node-load-atomic.sh KSECCOMP WORKDIR. Prints TAP.
set -u
k=$1 work=$2
rm -rf "$work"
mkdir -p "$work/a/p" "$work/b/p"
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
names = ["read", "write", "openat", "close", "mmap", "futex", "exit_group"] * 300
for d, act in (("a", "SCMP_ACT_ALLOW"), ("b", "SCMP_ACT_LOG")):
    json.dump({"defaultAction": "SCMP_ACT_ERRNO",
               "syscalls": [{"names": [n], "action": act} for n in names]},
              open("%s/%s/p/big.json" % (w, d), "w"), indent=2)
PY
"$k" node load --root-dir "$work/root" "$work/a/p" >/dev/null || { echo "not ok 1 - first load"; echo "1..1"; exit 1; }
target="$work/root/seccomp/p/big.json"
(
	i=0
	while [ $i -lt 200 ]; do
		if [ $((i % 2)) = 0 ]; then src=b; else src=a; fi
		"$k" node load --root-dir "$work/root" "$work/$src/p" >/dev/null || exit 1
		i=$((i + 1))
	done
) &
writer=$!
bad=0 reads=0
while kill -0 "$writer" 2>/dev/null; do
	# one open of the file, compared with both versions
	cat "$target" >"$work/seen" 2>/dev/null
	if ! cmp -s "$work/seen" "$work/a/p/big.json" && ! cmp -s "$work/seen" "$work/b/p/big.json"; then
		bad=$((bad + 1))
	fi
	reads=$((reads + 1))
done
wait "$writer"
status=$?
n=0
n=$((n + 1)); [ "$status" = 0 ] && echo "ok $n - 200 loads succeeded" || echo "not ok $n - a load failed"
n=$((n + 1))
if [ "$bad" = 0 ]; then
	echo "ok $n - $reads reads during the loads each saw a whole profile"
else
	echo "not ok $n - $bad of $reads reads saw neither version"
fi
leftovers=$(find "$work/root" -name '.*' -type f | wc -l)
n=$((n + 1)); [ "$leftovers" = 0 ] && echo "ok $n - no temporary files left" || echo "not ok $n - $leftovers temporary files left"
echo "1..$n"
[ "$status" = 0 ] && [ "$bad" = 0 ] && [ "$leftovers" = 0 ]
