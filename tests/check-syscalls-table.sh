#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The committed src/lib/syscalls-table.c must be exactly what tools/gen-syscalls.py makes of
# data/syscalls.csv. Usage: tests/check-syscalls-table.sh SOURCE_ROOT. Prints TAP.

set -u

root=${1:?usage: check-syscalls-table.sh SOURCE_ROOT}
python=${PYTHON:-python3}

what="src/lib/syscalls-table.c is what tools/gen-syscalls.py makes of data/syscalls.csv"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

echo "1..1"
if ! "$python" "$root/tools/gen-syscalls.py" "$root/data/syscalls.csv" "$tmp/syscalls-table.c" \
	>"$tmp/gen.log" 2>&1; then
	echo "not ok 1 - $what (tools/gen-syscalls.py failed)"
	sed 's/^/# /' "$tmp/gen.log"
	exit 1
fi
if ! diff -u "$root/src/lib/syscalls-table.c" "$tmp/syscalls-table.c" >"$tmp/diff"; then
	echo "not ok 1 - $what"
	echo "# regenerate: tools/gen-syscalls.py data/syscalls.csv src/lib/syscalls-table.c"
	sed 's/^/# /' "$tmp/diff"
	exit 1
fi
echo "ok 1 - $what"
