#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kseccomp node sync against a directory laid out as the kubelet mounts a ConfigMap (each
# file a symlink into ..data, ..data swapped atomically to a new timestamped directory):
# install, unchanged, an invalid profile rejected with the old one kept, removal with and
# without --prune, ..data swapped during syncs (every pass installs one generation whole),
# kill -9 during syncs (never a partial file), inotify and polling, node status.
# Usage: node-sync.sh KSECCOMP WORKDIR. Prints TAP. Needs no privileges.
set -u
k=$1 work=$2
. "$(dirname "$0")/tap.sh"
rm -rf "$work"
mkdir -p "$work/cm" "$work/root"
sync_pid=
cleanup() {
	[ -n "$sync_pid" ] && kill -9 "$sync_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

cm=$work/cm root=$work/root target=$work/root/seccomp/profiles
profile() { # ERRNO: a valid profile that denies mkdir with that errno
	printf '{"defaultAction": "SCMP_ACT_ALLOW",\n "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": %s}]}\n' "$1"
}
# publish NAME=CONTENT_FILE...: a new generation, as the kubelet's atomic writer does: a new
# timestamped directory, ..data_tmp -> it, renamed over ..data, the files' symlinks, the
# previous generation removed
publish() {
	old=$(readlink "$cm/..data" 2>/dev/null || true)
	d=$(basename "$(mktemp -d "$cm/..2026_11_23_00_00_00.XXXXXXXX")")
	# One tee per distinct content: a generation of 300 files costs a few processes, not 300
	# (the test spends its time here otherwise). Paths hold no white space.
	for src in $(for spec in "$@"; do echo "${spec#*=}"; done | sort -u); do
		dsts=
		for spec in "$@"; do
			[ "${spec#*=}" = "$src" ] && dsts="$dsts $cm/$d/${spec%%=*}"
		done
		# shellcheck disable=SC2086
		tee $dsts <"$src" >/dev/null
	done
	ln -s "$d" "$cm/..data_tmp"
	mv -T "$cm/..data_tmp" "$cm/..data"
	for f in "$cm"/*.json; do
		[ -L "$f" ] && [ ! -e "$cm/$d/${f##*/}" ] && rm -f "$f"
	done
	for spec in "$@"; do
		[ -L "$cm/${spec%%=*}" ] || ln -s "..data/${spec%%=*}" "$cm/${spec%%=*}"
	done
	[ -n "$old" ] && rm -rf "${cm:?}/$old"
	return 0
}
installed_within_5s() { # TARGET SOURCE: wait until TARGET has SOURCE's bytes
	i=0
	while [ $i -lt 50 ] && ! cmp -s "$1" "$2"; do
		sleep 0.1
		i=$((i + 1))
	done
	cmp -s "$1" "$2"
}
sync_once() {
	"$k" node sync --from "$cm" --as profiles --root-dir "$root" --once "$@"
}
status_field() { # FIELD: from the status file, as JSON
	python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]]))' \
		"$root/seccomp/.kseccomp-sync/profiles.json" "$1"
}
mkdir "$work/src"
profile 1 >"$work/src/a1"
profile 2 >"$work/src/a2"
profile 3 >"$work/src/b1"
profile 4 >"$work/src/c1"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]}\n' >"$work/src/bad"

# --- install, then nothing to do ----------------------------------------------------------
publish a.json="$work/src/a1" b.json="$work/src/b1"
out=$(sync_once 2>&1)
check "--once installs every profile of the ConfigMap" "0" "$?"
check "the target holds exactly the ConfigMap's files" "a.json b.json" "$(ls "$target" | tr '\n' ' ' | sed 's/ $//')"
check "with the same bytes" "same same" \
	"$(cmp -s "$target/a.json" "$work/src/a1" && echo same) $(cmp -s "$target/b.json" "$work/src/b1" && echo same)"
check "it says what it installed" "2" "$(echo "$out" | grep -c '^installed ')"
check "the status names the generation and the installed files" "\"$(readlink "$cm/..data")\" [\"a.json\", \"b.json\"]" \
	"$(status_field generation) $(status_field installed)"
out=$(sync_once 2>&1)
check "a second pass changes nothing" "0 " "$? $out"
check "and says so in the status" '["a.json", "b.json"] []' "$(status_field unchanged) $(status_field installed)"
"$k" node status --as profiles --root-dir "$root" >/dev/null
check "node status: ready" "0" "$?"

# --- an invalid profile is rejected, the installed one kept ------------------------------
publish a.json="$work/src/a2" b.json="$work/src/bad" c.json="$work/src/c1"
out=$(sync_once 2>&1)
check "--once exits 1 when a profile is rejected" "1" "$?"
check "the valid changes are installed" "same same" \
	"$(cmp -s "$target/a.json" "$work/src/a2" && echo same) $(cmp -s "$target/c.json" "$work/src/c1" && echo same)"
check "the invalid one is not: the installed b.json stays" "same" "$(cmp -s "$target/b.json" "$work/src/b1" && echo same)"
check "the rejection says where and why" "1" \
	"$(echo "$out" | grep -c "b.json: rejected, the installed profile stays: b.json:1:[0-9]*: syscalls\[0\].action: .*SCMP_ACT_BOGUS")"
check "the status lists it with its reason" "b.json" \
	"$(python3 -c 'import json, sys; print(" ".join(r["name"] for r in json.load(open(sys.argv[1]))["rejected"] if r["reason"]))' "$root/seccomp/.kseccomp-sync/profiles.json")"
out=$("$k" node status --as profiles --root-dir "$root" 2>&1 >/dev/null)
check "node status: not ready while a profile is rejected" "1 kseccomp: the last pass rejected 1 profile" "$? $out"

# --- removal: kept without --prune, removed with it -------------------------------------
publish a.json="$work/src/a2"
out=$(sync_once 2>&1)
check "files gone from the ConfigMap stay without --prune" "0 a.json b.json c.json" \
	"$? $(ls "$target" | tr '\n' ' ' | sed 's/ $//')"
check "and are reported as kept" "2" "$(echo "$out" | grep -c '^kept .*--prune removes it')"
out=$(sync_once --prune 2>&1)
check "--prune removes them" "0 a.json" "$? $(ls "$target" | tr '\n' ' ' | sed 's/ $//')"
check "and says so" '["b.json", "c.json"]' "$(status_field removed)"

# --- ..data swapped during syncs: each pass installs one generation, whole ---------------
i=0
while [ $i -lt 40 ]; do
	profile 1 >"$work/src/x$i.1"
	profile 2 >"$work/src/x$i.2"
	i=$((i + 1))
done
specs() { # GEN: the 40 files of generation 1 or 2
	i=0
	while [ $i -lt 40 ]; do
		printf 'x%02d.json=%s ' "$i" "$work/src/x$i.$1"
		i=$((i + 1))
	done
}
# shellcheck disable=SC2046
publish $(specs 1)
sync_once --prune >/dev/null 2>&1
(
	j=0
	while [ $j -lt 60 ]; do
		# shellcheck disable=SC2046
		publish $(specs $((j % 2 + 1)))
		j=$((j + 1))
	done
) &
swapper=$!
mixed=0 passes=0 failed_passes=0
while kill -0 "$swapper" 2>/dev/null; do
	sync_once >/dev/null 2>&1 || failed_passes=$((failed_passes + 1))
	passes=$((passes + 1))
	ones=$(grep -l '"errnoRet": 1' "$target"/x*.json | wc -l)
	[ "$ones" -eq 0 ] || [ "$ones" -eq 40 ] || mixed=$((mixed + 1))
done
wait "$swapper"
check "..data swapped 60 times during $passes passes: every pass installed one generation" "0" "$mixed"
check "and none failed" "0" "$failed_passes"

# --- kill -9 during syncs: never a partial file -----------------------------------------
big() { # ERRNO: a valid profile of about 3 KB
	python3 -c 'import json, sys
names = ["mkdir"] + ["name_%d" % i for i in range(150)]
print(json.dumps({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": int(sys.argv[1])},
    {"names": names[1:], "action": "SCMP_ACT_LOG"}]}, indent=1))' "$1"
}
big 1 >"$work/src/big1"
big 2 >"$work/src/big2"
sum1=$(cksum <"$work/src/big1") sum2=$(cksum <"$work/src/big2")
bigspecs() {
	i=0
	while [ $i -lt 300 ]; do
		printf 'big%03d.json=%s ' "$i" "$work/src/big$1"
		i=$((i + 1))
	done
}
# how long a whole pass takes here: the kills spread over its second half, where it installs
# shellcheck disable=SC2046
publish $(bigspecs 2)
t0=$(date +%s%N)
sync_once --prune >/dev/null 2>&1
pass_ms=$((($(date +%s%N) - t0) / 1000000))
partial=0 r=0 interrupted=0
while [ $r -lt 20 ] || { [ $interrupted -lt 3 ] && [ $r -lt 100 ]; }; do
	# shellcheck disable=SC2046
	publish $(bigspecs $((r % 2 + 1)))
	# kseccomp itself, not a subshell: the kill must hit the sync
	"$k" node sync --from "$cm" --as profiles --root-dir "$root" --once --prune >/dev/null 2>&1 &
	victim=$!
	ms=$((pass_ms / 3 + pass_ms * (r % 10) / 12))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	kill -9 "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	# killed halfway: the target mixes generations, or a temporary file is left
	want=$((r % 2 + 1))
	got=$(cat "$target"/big*.json 2>/dev/null | grep -c "\"errnoRet\": $want")
	if [ "$(ls -A "$target" | grep -c '^\.')" -gt 0 ] || { [ "$got" -gt 0 ] && [ "$got" -lt 300 ]; }; then
		interrupted=$((interrupted + 1))
	fi
	# one read of each file (cksum's CRC and size), compared with both generations'
	torn=$(cksum "$target"/big*.json 2>/dev/null |
		awk -v g1="$sum1" -v g2="$sum2" '$1 " " $2 != g1 && $1 " " $2 != g2 {
			print $3 ": " $2 " bytes, neither generation" }')
	if [ -n "$torn" ]; then
		partial=$((partial + $(printf '%s\n' "$torn" | wc -l)))
		printf '%s\n' "$torn" | sed 's/^/# /'
	fi
	r=$((r + 1))
done
check "kill -9 in $r syncs of 300 profiles: every file is a whole profile" "0" "$partial"
check "and $interrupted kills landed halfway through a pass (a pass: $pass_ms ms)" "yes" \
	"$([ "$interrupted" -gt 0 ] && echo yes || echo no)"
sync_once --prune >/dev/null 2>&1
check "the next pass finishes the job and removes the killed passes' temporary files" "300 0" \
	"$(ls "$target" | grep -c '^big') $(ls -A "$target" | grep -c '^\.')"

# --- the daemon: inotify reacts at once; --poll every interval; SIGTERM ends it ------------
publish a.json="$work/src/a1"
"$k" node sync --from "$cm" --as profiles --root-dir "$root" --prune --interval 600 >/dev/null 2>&1 &
sync_pid=$!
sleep 0.5
publish a.json="$work/src/a2"
check "inotify: a ConfigMap update is installed at once, not after --interval" "same" \
	"$(installed_within_5s "$target/a.json" "$work/src/a2" && echo same)"
kill -TERM "$sync_pid"
wait "$sync_pid"
check "SIGTERM ends it with status 0" "0" "$?"
sync_pid=

"$k" node sync --from "$cm" --as profiles --root-dir "$root" --poll --interval 0.5 >/dev/null 2>&1 &
sync_pid=$!
sleep 0.3
publish a.json="$work/src/a1"
check "--poll: the update is installed within the interval" "same" \
	"$(installed_within_5s "$target/a.json" "$work/src/a1" && echo same)"
kill -TERM "$sync_pid"
wait "$sync_pid"
sync_pid=

# --- --metrics: the last pass as Prometheus metrics, read by a real parser -------------------
if /usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null; then
	"$k" node sync --from "$cm" --as profiles --root-dir "$root" --poll --interval 0.5 \
		--metrics 127.0.0.1:0 >/dev/null 2>"$work/metrics.err" &
	sync_pid=$!
	port="" i=0
	while [ -z "$port" ] && [ $i -lt 50 ]; do
		port=$(sed -n 's/.*serving metrics on port \([0-9]*\)$/\1/p' "$work/metrics.err")
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.6 # a pass
	out=$(/usr/bin/python3 - "$port" 2>&1 <<'EOF'
import sys, urllib.request
from prometheus_client.parser import text_string_to_metric_families
text = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10).read().decode()
fams = {f.name: f for f in text_string_to_metric_families(text)}
states = {s.labels["state"]: int(s.value) for s in fams["kseccomp_sync_profiles"].samples}
age = fams["kseccomp_sync_age_seconds"].samples[0].value
print("profiles", states["installed"] + states["unchanged"], "rejected", states["rejected"],
      "failed", int(fams["kseccomp_sync_failed"].samples[0].value),
      "up", int(fams["kseccomp_sync_up"].samples[0].value), "fresh", 0 <= age < 30)
EOF
)
	check "--metrics: the last pass, read by a Prometheus parser" \
		"profiles $(ls "$target" | wc -l) rejected 0 failed 0 up 1 fresh True" "$out"
	kill -TERM "$sync_pid"
	wait "$sync_pid"
	check "--metrics: SIGTERM still stops the sync, exit 0" 0 "$?"
	sync_pid=
	"$k" node sync --from "$cm" --once --metrics :0 >/dev/null 2>&1
	check "--metrics with --once: a usage error" 2 "$?"
else
	skip "--metrics: the last pass, read by a Prometheus parser" "no python3-prometheus-client"
fi

# --- a plain directory works too; node status without a sync ---------------------------
mkdir "$work/plain"
cp "$work/src/c1" "$work/plain/only.json"
"$k" node sync --from "$work/plain" --root-dir "$root" --once >/dev/null 2>&1
check "a plain directory: installed under its own name" "0 same" \
	"$? $(cmp -s "$root/seccomp/plain/only.json" "$work/src/c1" && echo same)"
out=$("$k" node status --as nothing --root-dir "$root" 2>&1)
check "node status without a pass: not ready, and why" "1" "$(echo "$out" | grep -c 'has not run a pass yet')"

tap_done
