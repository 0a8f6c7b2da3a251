#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Instructions per parse, counted by callgrind (which load on the machine does not disturb):
# the JSON reader and libyaml of this build, and the JSON path of an older build of the same
# bench program (bench-profile-parse.c built against an older libkseccomp.a, see
# BENCHMARKS.md). A parse's count is the difference between 11 parses and 1, over 10.
#
# Usage: bench/parse-instructions.sh BENCH [OLD_BENCH] FILE...
set -eu

bench=$1
shift
old=
case ${1:-} in
*.json) ;;
*) old=$1; shift ;;
esac

count() { # BENCH WAY N FILE
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" --only "$2" -n "$3" "$4" 2>&1 |
		sed -n 's/.*refs: *//p' | tr -d ,
}

per_parse() { # BENCH WAY FILE
	a=$(count "$1" "$2" 1 "$3")
	b=$(count "$1" "$2" 11 "$3")
	echo $(((b - a) / 10))
}

printf '%-60s %12s %12s %12s\n' file "JSON reader" libyaml "old JSON"
for f in "$@"; do
	j=$(per_parse "$bench" json "$f")
	y=$(per_parse "$bench" libyaml "$f")
	o=-
	[ -n "$old" ] && o=$(per_parse "$old" json "$f")
	printf '%-60s %12s %12s %12s' "$(basename "$f")" "$j" "$y" "$o"
	awk -v j="$j" -v y="$y" -v o="$o" 'BEGIN {
		printf "   libyaml/reader %.1fx", y / j
		if (o != "-") printf "   old/reader %.1fx", o / j
		printf "\n" }'
done
