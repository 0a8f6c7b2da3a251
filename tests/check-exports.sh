#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The shared library exports exactly the functions the public header declares, and the
# version script lists exactly those. Usage: check-exports.sh SRCROOT LIBKSECCOMP.so
set -eu
root=$1
lib=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Function names: an identifier followed by '(' on a declaration line of the header.
sed -n -e 's/^[a-z].*[ *]\(ksc_[a-z0-9_]*\)(.*/\1/p' -e 's/^\(ksc_[a-z0-9_]*\)(.*/\1/p' \
	"$root/include/kseccomp.h" | sort -u >"$tmp/header"
sed -n 's/^\t\(ksc_[a-z0-9_]*\);$/\1/p' "$root/src/lib/libkseccomp.sym" | sort -u >"$tmp/sym"
nm -D --defined-only "$lib" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u >"$tmp/exported"

n=0
status=0
check() { # NAME FILE_A FILE_B
	n=$((n + 1))
	if diff -u "$2" "$3" >"$tmp/diff"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		sed 's/^/# /' "$tmp/diff"
		status=1
	fi
}
check "version script lists the header's functions" "$tmp/header" "$tmp/sym"
check "the shared library exports exactly those" "$tmp/header" "$tmp/exported"
echo "1..$n"
exit $status
