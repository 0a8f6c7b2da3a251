#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# CLI golden tests: run kseccomp on fixed inputs and compare its stdout, stderr and exit
# status with the files that say what a user must see. Prints TAP.
#
# Usage: run-golden.sh KSECCOMP_BINARY CASES_ROOT [CASE...]
#
# CASES_ROOT is tests/cli. Each case is a directory CASES_ROOT/cases/NAME/ holding:
#
#   cmd     one line: the arguments after `kseccomp`, read by sh (quotes, $SCRATCH work).
#           It runs with CASES_ROOT as the current directory, so fixtures/... (this
#           suite's files) and ../fixtures/profiles/... (the shared profiles) are stable
#           paths, and so are the messages that name them.
#   stdin   optional: fed to the command; without it stdin is /dev/null.
#   setup   optional: sh commands run first (in CASES_ROOT, with $SCRATCH set to a fresh
#           empty directory), e.g. to copy a profile there for `fmt -w`.
#   check   optional: sh commands run after the command (same directory and $SCRATCH);
#           their stdout is appended to the command's stdout and their stderr to its
#           stderr, so that `cat "$SCRATCH/x.json"` makes a rewritten file part of the
#           comparison.
#   stdout, stderr, status
#           what must come out: the exact bytes, and the exit status as a number.
#   todo    optional: a known bug (first line: what is wrong). The files above say what
#           SHOULD come out; the case is reported as TODO (an expected failure) until the
#           bug is fixed, when it passes unexpectedly and the suite fails: delete `todo`.
#
# The scratch directory's name is replaced by the literal text $SCRATCH in what the
# command and `check` print. Commands run with LC_ALL=C, so that libc messages
# (strerror, getopt) are the same everywhere.
#
# With UPDATE=1 in the environment, the expected stdout, stderr and status of every
# selected case are rewritten from what kseccomp does now (cases with a `todo` file are
# left alone). Review the result before committing it: `git diff tests/cli/cases`. Only
# bless an output that is what a user should see.
#
# Exit status: 0 all cases passed, 1 some failed, 2 usage error.

LC_ALL=C
export LC_ALL
unset LANGUAGE

if [ $# -lt 2 ]; then
	echo "usage: run-golden.sh KSECCOMP_BINARY CASES_ROOT [CASE...]" >&2
	exit 2
fi
bin=$1
root=$2
shift 2
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ] || [ -d "$bin" ]; then
	echo "run-golden.sh: $bin is not an executable" >&2
	exit 2
fi
if [ ! -d "$root/cases" ]; then
	echo "run-golden.sh: $root/cases is not a directory" >&2
	exit 2
fi
root=$(cd "$root" && pwd) || exit 2
KSECCOMP=$bin
export KSECCOMP

work=$(mktemp -d "${TMPDIR:-/tmp}/kseccomp-golden.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prefix every line with "# " (TAP diagnostics).
comment() {
	sed 's/^/# /'
}

# diff_files NAME EXPECTED ACTUAL: a unified diff with stable labels.
diff_files() {
	diff -u "$2" "$3" | sed -e "1s|^--- .*|--- expected/$1|" -e "2s|^+++ .*|+++ actual/$1|"
}

# run_case DIR OUT: run one case, leaving stdout, stderr and status in OUT.
run_case() {
	dir=$1
	out=$2
	mkdir "$out" "$out/scratch" || return 1
	SCRATCH=$out/scratch
	export SCRATCH
	: >"$out/stdout"
	: >"$out/stderr"

	if [ -f "$dir/setup" ]; then
		(cd "$root" && sh -e "$dir/setup") >"$out/setup.log" 2>&1 </dev/null
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "setup exited with status $rc"
			cat "$out/setup.log"
			return 1
		fi
	fi

	args=
	if [ -f "$dir/cmd" ]; then
		IFS= read -r args <"$dir/cmd" || [ -n "$args" ]
	fi
	input=/dev/null
	[ -f "$dir/stdin" ] && input=$dir/stdin
	(cd "$root" && eval "exec \"\$KSECCOMP\" $args") <"$input" >"$out/stdout" 2>"$out/stderr"
	echo $? >"$out/status"

	if [ -f "$dir/check" ]; then
		(cd "$root" && sh -e "$dir/check") <"/dev/null" >>"$out/stdout" 2>>"$out/stderr"
		rc=$?
		[ $rc -eq 0 ] || echo "check exited with status $rc" >>"$out/stderr"
	fi

	# The scratch directory has a different name on every run.
	# (sed only where the name occurs: it may add a final newline that was missing.)
	pattern=$(printf '%s\n' "$SCRATCH" | sed 's/[].[^$\\*]/\\&/g')
	for f in stdout stderr; do
		grep -F -q "$SCRATCH" "$out/$f" || continue
		sed "s|$pattern|\$SCRATCH|g" "$out/$f" >"$out/$f.tmp" &&
			cat "$out/$f.tmp" >"$out/$f" && rm -f "$out/$f.tmp"
	done
	rm -rf "$SCRATCH"
	unset SCRATCH
	return 0
}

if [ $# -gt 0 ]; then
	for name in "$@"; do
		if [ ! -d "$root/cases/$name" ]; then
			echo "run-golden.sh: no case $name in $root/cases" >&2
			exit 2
		fi
	done
	list=$*
else
	list=
	for dir in "$root"/cases/*/; do
		[ -d "$dir" ] || continue
		dir=${dir%/}
		list="$list ${dir##*/}"
	done
fi

n=0
failed=0
for name in $list; do
	n=$((n + 1))
	dir=$root/cases/$name
	out=$work/$n
	todo=
	if [ -f "$dir/todo" ]; then
		IFS= read -r todo <"$dir/todo" || [ -n "$todo" ]
		[ -n "$todo" ] || todo="known bug"
	fi

	if [ "${UPDATE:-0}" = 1 ] && [ -n "$todo" ]; then
		echo "ok $n - $name # SKIP not updated: has a todo file ($todo)"
		continue
	fi
	if ! run_case "$dir" "$out" >"$work/error" 2>&1; then
		echo "not ok $n - $name"
		comment <"$work/error"
		failed=$((failed + 1))
		continue
	fi

	if [ "${UPDATE:-0}" = 1 ]; then
		changed=
		for f in stdout stderr status; do
			if ! cmp -s "$out/$f" "$dir/$f"; then
				cp "$out/$f" "$dir/$f"
				changed="$changed $f"
			fi
		done
		if [ -n "$changed" ]; then
			echo "ok $n - $name # updated:$changed"
		else
			echo "ok $n - $name"
		fi
		continue
	fi

	report=$work/report
	: >"$report"
	for f in stdout stderr status; do
		if [ ! -f "$dir/$f" ]; then
			echo "missing expected file $f (UPDATE=1 writes it)" >>"$report"
		elif ! cmp -s "$dir/$f" "$out/$f"; then
			diff_files "$f" "$dir/$f" "$out/$f" >>"$report"
		fi
	done
	if [ -n "$todo" ]; then
		if [ -s "$report" ]; then
			echo "not ok $n - $name # TODO $todo"
			comment <"$report"
		else
			echo "ok $n - $name # TODO $todo"
			echo "# fixed: remove $dir/todo"
			failed=$((failed + 1))
		fi
	elif [ -s "$report" ]; then
		echo "not ok $n - $name"
		echo "# cmd: kseccomp $(cat "$dir/cmd" 2>/dev/null)"
		comment <"$report"
		failed=$((failed + 1))
	else
		echo "ok $n - $name"
	fi
done

if [ $n -eq 0 ]; then
	echo "1..0 # SKIP no cases in $root/cases"
	exit 0
fi
echo "1..$n"
[ $failed -eq 0 ] || exit 1
exit 0
