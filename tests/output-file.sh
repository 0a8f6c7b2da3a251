#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every verb that writes an output file (compile -o, profile default/fmt/merge/bundle -o,
# audit --generate, record -o, dump --save) against every kind of file the output can be, as
# root, for real: a character device (a private copy of /dev/null made with mknod, so that a
# regression replaces it and not the machine's) stays that device; a FIFO with a reader
# gives the reader the output and stays a FIFO; a symlink to a regular file has the file
# replaced (keeping its mode) and stays a link; /dev/stdout on a pipe writes into the pipe;
# a directory is refused. Also fmt -w through a link.
# Usage: output-file.sh KSECCOMP SOURCE_ROOT WORKDIR. Prints TAP.
set -u
k=$1 srcroot=$2 work=$3
. "$(dirname "$0")/tap.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (mknod, and the attack is root's: -o /dev/null)"
rm -rf "$work"
mkdir -p "$work"
sleeper=
cleanup() {
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

p=$srcroot/tests/fixtures/profiles/tutorial/audit.json
p2=$srcroot/tests/fixtures/profiles/tutorial/fine-grained.json
bundle=$srcroot/tests/cli/fixtures/bundle/ok
auditlog=$srcroot/tests/cli/fixtures/audit/tutorial-syslog.log

# a process under a filter, for dump
"$k" run --profile "$p" -- sleep 300 &
sleeper=$!
i=0
while [ $i -lt 50 ] && [ -z "$(cat /proc/$sleeper/task/*/children 2>/dev/null)" ]; do
	sleep 0.1
	i=$((i + 1))
done
filtered=$(cat /proc/$sleeper/task/*/children 2>/dev/null | tr -d ' ')

# write VERB OUT: the verb writes its output to OUT, a path ending in .0.bpf (dump --save
# PREFIX writes PREFIX.0.bpf)
write() {
	case $1 in
	compile) "$k" compile --output-file "$2" "$p" ;;
	default) "$k" profile default --output-file "$2" ;;
	fmt) "$k" profile fmt --output-file "$2" "$p" ;;
	merge) "$k" profile merge --output-file "$2" "$p2" "$p2" ;;
	bundle) "$k" profile bundle "$bundle" --name n --namespace ns --output-file "$2" ;;
	generate) "$k" audit --generate "$2" "$auditlog" ;;
	record) "$k" record --backend ptrace --output-file "$2" -- true ;;
	dump) "$k" dump --save "${2%.0.bpf}" "$filtered" >/dev/null ;;
	esac
}

for verb in compile default fmt merge bundle generate record dump; do
	TAP_PREFIX="$verb: "
	d=$work/$verb
	mkdir -p "$d/ref" "$d/dev" "$d/fifo" "$d/link" "$d/std" "$d/dir/out.0.bpf"
	if [ "$verb" = dump ] && [ -z "$filtered" ]; then
		skip "output to every kind of file" "no process under a filter to dump"
		continue
	fi
	write "$verb" "$d/ref/out.0.bpf" >/dev/null 2>&1
	check "a regular output file is written" "0 yes" "$? $([ -s "$d/ref/out.0.bpf" ] && echo yes)"
	ref=$d/ref/out.0.bpf

	# a character device: 1:3, /dev/null's numbers
	mknod "$d/dev/out.0.bpf" c 1 3
	write "$verb" "$d/dev/out.0.bpf" >/dev/null 2>&1
	check "a character device is written through" "0" "$?"
	check "and stays that device" "character special file 1:3" \
		"$(stat -c '%F %t:%T' "$d/dev/out.0.bpf")"

	# a FIFO with a reader
	mkfifo "$d/fifo/out.0.bpf"
	cat "$d/fifo/out.0.bpf" >"$d/fifo/got" &
	reader=$!
	write "$verb" "$d/fifo/out.0.bpf" >/dev/null 2>&1
	code=$?
	# the reader ends when the writer closes; after a regression that replaced the FIFO it
	# waits on the old one forever
	i=0
	while [ $i -lt 20 ] && kill -0 "$reader" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
	check "a FIFO with a reader: written" "0" "$code"
	check "the reader got the output" "same" "$(cmp -s "$d/fifo/got" "$ref" && echo same)"
	check "and the FIFO stays a FIFO" "fifo" "$(stat -c %F "$d/fifo/out.0.bpf")"

	# a symlink to a regular file
	printf 'old\n' >"$d/link/real"
	chmod 0600 "$d/link/real"
	ln -s real "$d/link/out.0.bpf"
	write "$verb" "$d/link/out.0.bpf" >/dev/null 2>&1
	check "through a symlink: written" "0" "$?"
	check "the link stays a link to the same file" "real" "$(readlink "$d/link/out.0.bpf")"
	check "the file it names is replaced, keeping its mode 0600" "same 600" \
		"$(cmp -s "$d/link/real" "$ref" && echo same) $(stat -c %a "$d/link/real")"

	# /dev/stdout on a pipe: a private link to /proc/self/fd/1, as /dev/stdout is (a
	# regression replaces this link, not the machine's /dev/stdout), and a link to it
	ln -s /proc/self/fd/1 "$d/std/stdout"
	ln -s stdout "$d/std/out.0.bpf"
	if [ "$verb" = dump ]; then
		"$k" dump --save "$d/std/out" "$filtered" | cat >"$d/std/got"
		check "stdout on a pipe (through two links): written" "0" "$?"
		check "into the pipe" "yes" \
			"$([ "$(wc -c <"$d/std/got")" -gt "$(wc -c <"$ref")" ] && echo yes)"
	else
		write "$verb" "$d/std/out.0.bpf" 2>/dev/null | cat >"$d/std/got"
		check "stdout on a pipe (through two links): written into the pipe" "same" \
			"$(cmp -s "$d/std/got" "$ref" && echo same)"
		write "$verb" "$d/std/stdout" 2>/dev/null | cat >"$d/std/got2"
		check "the /proc/self/fd/1 link itself: the same" "same" \
			"$(cmp -s "$d/std/got2" "$ref" && echo same)"
		write "$verb" "$d/std/stdout" >"$d/std/got3" 2>/dev/null
		check "stdout on a regular file: written into it" "same" \
			"$(cmp -s "$d/std/got3" "$ref" && echo same)"
	fi
	check "the links stay links" "/proc/self/fd/1 stdout" \
		"$(readlink "$d/std/stdout") $(readlink "$d/std/out.0.bpf")"

	# a directory
	out=$(write "$verb" "$d/dir/out.0.bpf" 2>&1)
	check "a directory is refused" "1" "$?"
	check "saying so" "1" "$(echo "$out" | grep -c "out.0.bpf: is a directory")"
	check "and it stays a directory" "directory" "$(stat -c %F "$d/dir/out.0.bpf")"
done
TAP_PREFIX=

# fmt -w through a link: the file is rewritten, the link stays
mkdir -p "$work/fmtw"
cp "$p2" "$work/fmtw/real.json"
ln -s real.json "$work/fmtw/link.json"
"$k" profile fmt -w "$work/fmtw/link.json" 2>/dev/null
check "fmt -w through a link: written" "0" "$?"
check "the link stays, the file is canonical" "real.json 0" \
	"$(readlink "$work/fmtw/link.json") $("$k" profile fmt --check "$work/fmtw/real.json" >/dev/null; echo $?)"

# the machine's own /dev/null and /dev/stdout, as in the report: the same nodes afterwards
# (the private copies above are the real test; this runs only when that passed, and puts
# them back if they were replaced all the same)
if [ "$failed" = 0 ] && [ -c /dev/null ] && [ -L /dev/stdout ]; then
	before=$(stat -c '%i %F %t:%T' /dev/null)
	"$k" compile --output-file /dev/null "$p"
	code=$?
	after=$(stat -c '%i %F %t:%T' /dev/null)
	if [ ! -c /dev/null ]; then
		rm -f /dev/null && mknod -m 0666 /dev/null c 1 3
	fi
	check "compile --output-file /dev/null: /dev/null is the same character device afterwards" \
		"0 $before" "$code $after"
	link=$(readlink /dev/stdout)
	"$k" compile --output-file /dev/stdout "$p" | cat >"$work/stdout.bpf"
	if [ ! -L /dev/stdout ]; then
		rm -f /dev/stdout && ln -s "$link" /dev/stdout
	fi
	check "compile --output-file /dev/stdout | cat: the output in the pipe, /dev/stdout still a link" \
		"same $link" "$(cmp -s "$work/stdout.bpf" "$work/compile/ref/out.0.bpf" && echo same) $(readlink /dev/stdout)"
fi
check "no temporary file is left" "0" "$(find "$work" -name '.kseccomp.*' | wc -l)"

tap_done
