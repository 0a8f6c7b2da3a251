#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerate src/lib/libkseccomp.sym from the public header: every function it declares,
# whether the declaration starts with its return type or (clang-format's style for long
# ones) with the name. tests/check-exports.sh checks the result against the library.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
{
	echo "/* The public ABI: exactly the functions of include/kseccomp.h (tests/check-exports.sh). */"
	echo "KSECCOMP_0 {"
	echo "global:"
	sed -n -e 's/^[a-z].*[ *]\(ksc_[a-z0-9_]*\)(.*/\1/p' -e 's/^\(ksc_[a-z0-9_]*\)(.*/\1/p' \
		"$root/include/kseccomp.h" | sort -u | sed 's/^/	/; s/$/;/'
	echo "local:"
	echo "	*;"
	echo "};"
} >"$root/src/lib/libkseccomp.sym"
