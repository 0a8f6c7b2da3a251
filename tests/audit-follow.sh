#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `kseccomp audit --follow FILE` through log rotation, as logrotate does it: rename (the
# old file renamed while its writer still appends to it, a new file created at the path)
# and copytruncate (the file cut to zero in place, then written again from the start:
# once shorter than before, once already longer again before the reader looks). Records
# are written before, during and after each rotation; each must be reported exactly once.
# Usage: audit-follow.sh KSECCOMP WORKDIR. Prints TAP.
set -u
k=$1 work=$2
. "$(dirname "$0")/tap.sh"

rm -rf "$work"
mkdir -p "$work"
log=$work/kern.log
follower=
cleanup() {
	[ -n "$follower" ] && kill "$follower" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

record() { # SERIAL...: append one syslog-format record per serial to $log (or $to)
	for s in "$@"; do
		printf 'Nov 23 14:00:%02d node1 kernel: audit: type=1326 audit(1700000000.%03d:%d): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined pid=%d comm="ksc-follow" exe="/bin/ksc-follow" sig=0 arch=c000003e syscall=39 compat=0 ip=0x7f0000001000 code=0x7ffc0000\n' \
			$((s % 60)) $((s % 1000)) "$s" "$((10000 + s))" >>"${to:-$log}"
	done
}
seen() { # the serials reported so far, one per line
	grep -o '"serial": [0-9]*' "$work/out" | sed 's/.*: //'
}
wait_for() { # COUNT: until that many records are reported (30 s at most: a loaded machine)
	i=0
	while [ "$(seen | wc -l)" -lt "$1" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5 # and the reader is back at the end of the file, waiting
}
exactly_once() { # FIRST LAST: every serial in FIRST..LAST reported once, nothing else
	seq "$1" "$2" >"$work/want"
	seen | sort -n >"$work/got"
	if cmp -s "$work/want" "$work/got"; then
		echo ok
	else
		echo "want $1..$2 once each, got:" $(uniq -c "$work/got" | awk '{ print $2 "x" $1 }')
	fi
}

record 1 2 3
"$k" audit --follow -o json "$log" >"$work/out" 2>"$work/err" &
follower=$!
wait_for 3
check "the records already in the file" "ok" "$(exactly_once 1 3)"

# a line written in two parts is one record
printf 'Nov 23 14:00:04 node1 kernel: audit: type=1326 audit(1700000000.004:4): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined pid=10004 comm="ksc-follow" exe="/bin/ksc-follow" ' >>"$log"
sleep 0.5
printf 'sig=0 arch=c000003e syscall=39 compat=0 ip=0x7f0000001000 code=0x7ffc0000\n' >>"$log"
record 5
wait_for 5
check "appended records, one of them written in two parts" "ok" "$(exactly_once 1 5)"

# rename rotation: the writer still holds the old file for a while (rsyslog until its HUP)
record 6
mv "$log" "$log.1"
to=$log.1 record 7 8
record 9 10
to=$log.1 record 11
record 12
wait_for 12
check "rename rotation: the old file drained, the new one read from its start" "ok" \
	"$(exactly_once 1 12)"
record 13 14
wait_for 14
check "and the new file followed on" "ok" "$(exactly_once 1 14)"

# copytruncate, the file shorter than what was read when the reader looks
cp "$log" "$log.2"
: >"$log"
sleep 0.5
record 15
wait_for 15
check "copytruncate: read again from the start" "ok" "$(exactly_once 1 15)"

# copytruncate, written past the old size again before the reader looks
cp "$log" "$log.3"
{
	: >"$log"
	record 16 17 18 19 20 21
}
wait_for 21
check "copytruncate rewritten past the old end at once: read again from the start" "ok" \
	"$(exactly_once 1 21)"
record 22
wait_for 22
check "and followed on" "ok" "$(exactly_once 1 22)"

kill "$follower"
wait "$follower" 2>/dev/null
follower=
check "nothing reported as unreadable" "" "$(grep 'could not be read' "$work/err")"

# -o yaml while following: each record a document of its own, out as it is read (the
# follower is still running when they are counted)
log=$work/yaml.log
record 31 32
"$k" audit --follow -o yaml "$log" >"$work/out.yaml" 2>"$work/err" &
follower=$!
yaml_docs() { # COUNT: until that many documents are out (30 s at most: a loaded machine)
	i=0
	while [ "$(grep -c '^---$' "$work/out.yaml")" -lt "$1" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "$(grep -c '^---$' "$work/out.yaml") $(grep -c '^serial: ' "$work/out.yaml")"
}
check "-o yaml --follow: the records in the file, a document each" "2 2" "$(yaml_docs 2)"
record 33
check "-o yaml --follow: an appended record, out while following" "3 3" "$(yaml_docs 3)"
check "-o yaml: the serials, in order" "31 32 33" \
	"$(grep '^serial: ' "$work/out.yaml" | sed 's/serial: //' | tr '\n' ' ' | sed 's/ $//')"
kill "$follower"
wait "$follower" 2>/dev/null
follower=
tap_done
