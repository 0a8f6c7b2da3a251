#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Measure, on this machine, the system calls an OCI runtime makes after it has installed the
# container's seccomp filter and up to (and including) the execve of the workload, and what
# the runtime does when each of them is denied.
#
#   scripts/measure-startup.sh [-n RUNS] [-r TIMES] [-o DIR] [--only LIST] [--kseccomp PATH] [-k]
#
#   -n RUNS          runs per configuration with the logging profile (default 20, at least 10)
#   -r TIMES         how many times each denial is tried (default 3)
#   -o DIR           also write DIR/<runtime>-<version>-{nnp,no-nnp}.tsv and DIR/variants.tsv
#   --only LIST      a comma-separated subset of: runc, crun, containerd (default: all three;
#                    containerd is skipped with a note when the project's kseccomp, containerd,
#                    busybox or python3 is missing)
#   --kseccomp PATH  the project's CLI (default: build/src/cli/kseccomp of this checkout);
#                    only the containerd configuration needs it
#   -k               keep the temporary directory (the raw records, straces, outputs)
#
# Needs root, gcc, jq, strace, runc and crun (Debian's). Everything it starts uses its own
# names: container ids kscm-<pid>-..., runc/crun --root directories, containerd root, state
# and socket, all under one mktemp directory, removed at the end with the containers.
#
# Method. The workload is a static binary that only calls write(1, "ok\n", 3) and exit_group
# (no libc), so that every other call is the runtime's. The container gets the profile
# {"defaultAction": "SCMP_ACT_LOG"}: every call a filtered thread makes after the filter is
# installed leaves a kernel audit record (type=1326) in /dev/kmsg, whose pid= is the thread
# group. Records of the container's process whose exe= is not the workload are the runtime's
# (they include the execve, which is checked on entry, before the new image). The kernel's
# printk rate limit is lifted for the measurement (restored on exit); a run is redone when
# its window of the log shows suppressed callbacks, lost audit records or a gap in the
# sequence numbers. Arguments come from strace (3 runs per direct configuration), from the
# line after the filter is installed to the workload's execve. Then each call seen is denied
# alone (defaultAction SCMP_ACT_ALLOW, the call SCMP_ACT_ERRNO with errnoRet 1), TIMES times,
# and the outcomes recorded ("varies: ..." when they differ); one required call and execve
# are also tried once with KILL_PROCESS, KILL_THREAD and errnoRet 38 (ENOSYS).
set -euo pipefail
export LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
runs=20 denials=3 outdir="" only="runc,crun,containerd" ksc_src="$top/build/src/cli/kseccomp" keep=0
straces=3 timeout_s=10
workload="ksc-startup-probe"

usage() { # [STATUS]
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0" | sed -n '1,/^Needs root/p' >&2
	exit "${1:-2}"
}
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-r) denials=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--kseccomp) ksc_src=$2; shift 2 ;;
	-k) keep=1; shift ;;
	-h | --help) usage 0 ;;
	*) usage ;;
	esac
done
case $runs$denials in '' | *[!0-9]*) usage ;; esac
[ "$denials" -ge 1 ] || usage
[ "$runs" -ge 10 ] || { echo "$0: -n: at least 10 runs" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root" >&2; exit 1; }
for t in gcc jq strace runc crun unshare timeout awk; do
	command -v $t >/dev/null || { echo "$0: $t is not installed" >&2; exit 1; }
done
[ -r "$top/data/syscalls.csv" ] || { echo "$0: $top/data/syscalls.csv is missing" >&2; exit 1; }
if [ -n "$outdir" ]; then
	mkdir -p "$outdir"
	outdir=$(cd "$outdir" && pwd)
fi

started=$(date +%s)
uid=kscm-$$
tmp=$(mktemp -d /tmp/kscm-startup.XXXXXX)
runc_root=$tmp/runc-root crun_root=$tmp/crun-root
bundle=$tmp/bundle
mkdir -p "$runc_root" "$crun_root" "$bundle/rootfs" "$tmp/runs" "$tmp/strace"
saved_rl=$(cat /proc/sys/kernel/printk_ratelimit)
saved_burst=$(cat /proc/sys/kernel/printk_ratelimit_burst)
reader="" ctd="" ksc="" apply_force="" ids="" tracer=""

say() { echo "# $*" >&2; }
redone=0

cleanup() {
	set +e
	for id in $ids; do forget "$id" >/dev/null 2>&1; done
	[ -z "$tracer" ] || kill "$tracer" 2>/dev/null
	if [ -n "$ctd" ]; then
		set -- "$tmp"/ks-pods/*
		[ ! -e "$1" ] || "$ksc" delete --now --state-dir "$tmp/ks-state" pod "${@##*/}" \
			>/dev/null 2>&1
		"$top/scripts/containerd.sh" stop "$ctd" >/dev/null 2>&1
	fi
	[ -n "$reader" ] && kill "$reader" 2>/dev/null && wait "$reader" 2>/dev/null
	echo "$saved_rl" >/proc/sys/kernel/printk_ratelimit
	echo "$saved_burst" >/proc/sys/kernel/printk_ratelimit_burst
	if [ $keep = 1 ]; then
		say "kept $tmp"
	else
		awk -v d="$tmp/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
			while read -r m; do umount -l "$m"; done
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- The workload and the bundle ------------------------------------------------------------

cat >"$tmp/probe.c" <<'EOF'
/* write(1, "ok\n", 3), then exit_group(0); exit_group(3) when the write fails. No libc. */
static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}
void _start(void)
{
	long code = sys3(1, 1, (long)"ok\n", 3) == 3 ? 0 : 3;
	for (;;) {
		sys3(231, code, 0, 0); /* exit_group */
		sys3(60, code, 0, 0);  /* exit, should exit_group be denied */
	}
}
EOF
gcc -static -nostdlib -O2 -o "$bundle/rootfs/$workload" "$tmp/probe.c"
(cd "$bundle" && runc spec)
jq --arg w "/$workload" '.process.terminal = false | .process.args = [$w]' \
	"$bundle/config.json" >"$tmp/base.json"

arches='["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
log_profile() {
	jq -n --argjson a "$arches" '{defaultAction: "SCMP_ACT_LOG", architectures: $a, syscalls: []}'
}
deny_profile() { # SYSCALL ACTION [ERRNO]
	jq -n --argjson a "$arches" --arg s "$1" --arg act "$2" --arg e "${3:-}" '
		{defaultAction: "SCMP_ACT_ALLOW", architectures: $a,
		 syscalls: [{names: [$s], action: $act} + (if $e == "" then {} else {errnoRet: ($e | tonumber)} end)]}'
}
write_config() { # NNP PROFILE-JSON
	jq --argjson n "$1" --argjson p "$2" '.process.noNewPrivileges = $n | .linux.seccomp = $p' \
		"$tmp/base.json" >"$bundle/config.json"
}

# x86_64 syscall numbers to names (data/syscalls.csv: name, x86, kver, x86_64, ...)
awk -F, '!/^#/ && $4 ~ /^[0-9]+$/ { print $4, $1 }' "$top/data/syscalls.csv" >"$tmp/sysnames"

# --- The kernel log ------------------------------------------------------------------------

echo 0 >/proc/sys/kernel/printk_ratelimit
echo 100000 >/proc/sys/kernel/printk_ratelimit_burst
# The reader: every record from now on, one write each; when the kernel overwrote records it
# had not read yet (EPIPE) it says so and goes on (the gap in sequence numbers shows too)
cat >"$tmp/kmsg-reader.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	static char buf[16384];
	int fd = open("/dev/kmsg", O_RDONLY);
	if (fd < 0 || lseek(fd, 0, SEEK_END) < 0)
		return 1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EPIPE) {
			static const char m[] = "0,0,0,-;kmsg-reader: records lost (EPIPE)\n";
			if (write(1, m, strlen(m)) < 0)
				return 1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || write(1, buf, n) != n)
			return 1;
	}
}
EOF
gcc -O2 -o "$tmp/kmsg-reader" "$tmp/kmsg-reader.c"
"$tmp/kmsg-reader" >"$tmp/kmsg" &
reader=$!

mark() { # TEXT: write a line to the kernel log and wait until the reader has it
	local m="$uid $1" i=0
	echo "$m" >/dev/kmsg
	until grep -qF ";$m" "$tmp/kmsg"; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "$0: the kernel log reader lost '$m'" >&2; exit 1; }
		sleep 0.025
	done
}
window() { # TAG: the kernel log between the marks of TAG
	awk -v b=";$uid begin $1" -v e=";$uid end $1" '
		index($0, b) && substr($0, index($0, b)) == b { on = 1; next }
		on && index($0, e) && substr($0, index($0, e)) == e { exit }
		on' "$tmp/kmsg"
}
# The seccomp records of a window: "seq pid syscall-name exe comm", one per line.
records() {
	awk -v names="$tmp/sysnames" '
		BEGIN { while ((getline l < names) > 0) { split(l, f, " "); nm[f[1]] = f[2] } }
		/^[0-9]+,[0-9]+,/ && / type=1326 / {
			split($0, h, ","); pid = ""; sc = ""; exe = ""; comm = ""; arch = ""
			if (match($0, / pid=[0-9]+/)) pid = substr($0, RSTART + 5, RLENGTH - 5)
			if (match($0, / syscall=[0-9]+/)) sc = substr($0, RSTART + 9, RLENGTH - 9)
			if (match($0, / arch=[0-9a-f]+/)) arch = substr($0, RSTART + 6, RLENGTH - 6)
			if (match($0, / exe="[^"]*"/)) exe = substr($0, RSTART + 6, RLENGTH - 7)
			if (match($0, / comm="[^"]*"/)) comm = substr($0, RSTART + 7, RLENGTH - 8)
			name = (arch == "c000003e" && (sc in nm)) ? nm[sc] : "arch" arch ":" sc
			gsub(/ /, "_", exe); gsub(/ /, "_", comm)
			print h[2], pid, name, exe, comm
		}'
}
# A window is valid when nothing was dropped: no suppressed printk callbacks, no lost audit
# records, no gap in the log's sequence numbers.
window_ok() { # FILE
	! grep -qE 'callbacks suppressed|audit_lost=|backlog limit exceeded|hold queue overflow|rate limit exceeded|records lost \(EPIPE\)' "$1" &&
		awk -F, '/^[0-9]+,[0-9]+,/ { if (prev != "" && $2 != prev + 1) bad = 1; prev = $2 }
			END { exit bad }' "$1"
}

# --- Running a container directly ----------------------------------------------------------

# crun in a mount namespace without the cgroup v2 mount, and no cgroups: unshare -m sh -c "$in_ns"
in_ns='mount --make-rprivate / &&
	{ ! mountpoint -q /sys/fs/cgroup/unified || umount -l /sys/fs/cgroup/unified; } &&
	exec "$0" "$@"'
crun_wrap() { unshare -m sh -c "$in_ns" crun --cgroup-manager=disabled "$@"; }
rt_cmd() { # RUNTIME ARGS...
	case $1 in
	runc) shift; runc --root "$runc_root" "$@" ;;
	crun) shift; crun_wrap --root "$crun_root" "$@" ;;
	esac
}
# cg_pids ID: the processes in the cgroup runc made for the container (crun makes none)
cg_pids() {
	cat "/sys/fs/cgroup/pids/$1/cgroup.procs" 2>/dev/null || true
}
# forget ID: kill and delete a direct container, and any process of it that is left (a
# killed runc init can stay a zombie leader with live threads: its cgroup still lists it)
forget() {
	local id=$1 rt p pids="" i
	rt=${id#"$uid"-}
	rt=${rt%%-*}
	[ -f "$tmp/pid.$id" ] && pids=$(cat "$tmp/pid.$id")
	rt_cmd "$rt" kill "$id" KILL >/dev/null 2>&1 || true
	pids="$pids $(cg_pids "$id")"
	for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
	i=0
	while [ -n "$(cg_pids "$id")" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rt_cmd "$rt" delete --force "$id" >/dev/null 2>&1 || true
	for p in /sys/fs/cgroup/*/"$id"; do [ ! -d "$p" ] || rmdir "$p" 2>/dev/null || true; done
	rm -f "$tmp/pid.$id"
}
# run_direct RUNTIME ID: run the bundle; sets rc, hung (after $timeout_s seconds, with
# $tmp/hang saying what is left of the container before the runtime is killed), and
# $tmp/out, $tmp/err
run_direct() {
	local rt=$1 id=$2 p i=0
	ids=$id
	rm -f "$tmp/pid.$id" "$tmp/hang"
	rc=0 hung=0
	case $rt in
	runc) runc --root "$runc_root" run --pid-file "$tmp/pid.$id" -b "$bundle" "$id" \
		</dev/null >"$tmp/out" 2>"$tmp/err" & ;;
	crun) unshare -m sh -c "$in_ns" crun --cgroup-manager=disabled --root "$crun_root" run \
		--pid-file "$tmp/pid.$id" -b "$bundle" "$id" </dev/null >"$tmp/out" 2>"$tmp/err" & ;;
	esac
	p=$!
	while kill -0 "$p" 2>/dev/null && [ $i -lt $((timeout_s * 20)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$p" 2>/dev/null; then
		hung=1
		hang_note "$rt" "$id" >"$tmp/hang"
		kill "$p" 2>/dev/null || true
		sleep 1
		kill -9 "$p" 2>/dev/null || true
	fi
	wait "$p" || rc=$?
}
# join_lines: an awk program that joins non-empty lines with " / "; a Go panic or fatal
# error is cut after the line that follows "panic:" or "fatal error:" (" / ..." then)
join_lines='NF { l[n++] = $0 }
	END {
		m = n
		for (i = 0; i < n; i++) if (l[i] ~ /^(panic|fatal error): /) { m = i + 2; break }
		if (m > n) m = n
		for (i = 0; i < m; i++) printf "%s%s", (i ? " / " : ""), l[i]
		if (m < n) printf " / ..."
	}'
# outcome ID: what the user saw, from $rc, $hung, $tmp/out and $tmp/err: stderr's
# lines joined (join_lines), logrus' time= dropped and
# its warnings left out (runc's "Failed to remove cgroup (will retry)" comes and goes)
outcome() {
	local msg
	msg=$(sed -E 's/^time="[^"]*" //' "$tmp/err" | { grep -v '^level=warning ' || true; } |
		sed "s|$tmp|<tmp>|g; s|$1|<id>|g" | tr '\t' ' ' | awk "$join_lines")
	if [ "$hung" = 1 ]; then
		echo hangs
	elif [ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = ok ] && [ -z "$msg" ]; then
		echo starts
	elif [ "$rc" = 3 ] && [ ! -s "$tmp/out" ] && [ -z "$msg" ]; then
		echo "starts (the workload's own write fails: it exits 3)"
	else
		echo "fails: ${msg:-(no message)} [exit $rc]"
	fi
}
# hang_note RUNTIME ID: the state a hung container is left in
hang_note() {
	local st p ps="" pids=""
	st=$(rt_cmd "$1" state "$2" 2>/dev/null | jq -r '"\(.status), pid \(.pid)"' 2>/dev/null || echo "none")
	[ -f "$tmp/pid.$2" ] && pids=$(cat "$tmp/pid.$2")
	pids=$({ echo "$pids"; cg_pids "$2"; } | awk 'NF' | sort -un)
	for p in $pids; do
		if [ -r "/proc/$p/status" ]; then
			ps="$ps; its process ($(cat "/proc/$p/comm" 2>/dev/null)):$(awk '/^(State|Threads):/ { printf " %s %s", $1, $2 }' "/proc/$p/status")"
		else
			ps="$ps; its process gone"
		fi
	done
	echo "$1 state: $st$ps"
}
# --- One run under the logging profile -----------------------------------------------------

# wait_workload TAG: wait (5 s at most) until the workload's exit_group is in the log
wait_workload() {
	local i=0
	while ! awk -v b=";$uid begin $1" 'index($0, b) && substr($0, index($0, b)) == b { on = 1; next } on' \
		"$tmp/kmsg" | records | awk -v w="/$workload" '$3 == "exit_group" && substr($4, length($4) - length(w) + 1) == w { f = 1 } END { exit !f }'; do
		i=$((i + 1))
		[ $i -lt 200 ] || return 1
		sleep 0.025
	done
}
# split_run TAG DIR/N: the window's records of the workload's process; DIR/N gets the
# runtime's calls in order, DIR/N.workload the workload's. Fails when the window is not valid.
split_run() {
	window "$1" >"$tmp/w.$1"
	window_ok "$tmp/w.$1" || { say "$1: dropped records in the window, redone"; return 1; }
	records <"$tmp/w.$1" >"$tmp/r.$1"
	local pids
	pids=$(awk -v w="/$workload" 'substr($4, length($4) - length(w) + 1) == w { print $2 }' "$tmp/r.$1" | sort -u)
	[ "$(echo "$pids" | wc -w)" = 1 ] || { say "$1: workload pids '$pids'"; return 1; }
	awk -v p="$pids" -v w="/$workload" '$2 == p && substr($4, length($4) - length(w) + 1) != w { print $3 }' \
		"$tmp/r.$1" >"$2"
	awk -v p="$pids" -v w="/$workload" '$2 == p && substr($4, length($4) - length(w) + 1) == w { print $3 }' \
		"$tmp/r.$1" >"$2.workload"
	awk -v p="$pids" '$2 == p { print $4, $5; exit }' "$tmp/r.$1" >"$2.exe"
	[ "$(tail -n 1 "$2")" = execve ] || { say "$1: the runtime's last call is not execve"; return 1; }
	echo "$pids" >"$2.pid"
}
log_run_direct() { # RUNTIME CFG N
	local rt=$1 cfg=$2 n=$3 try id tag
	for try in 1 2 3; do
		[ $try = 1 ] || redone=$((redone + 1))
		id=$uid-$rt-log-$cfg-$n-$try
		tag=$cfg-$n-$try
		mark "begin $tag"
		run_direct "$rt" "$id"
		local pid=""
		[ -f "$tmp/pid.$id" ] && pid=$(cat "$tmp/pid.$id")
		forget "$id"
		if [ "$rc" != 0 ] || [ "$(cat "$tmp/out")" != ok ]; then
			say "$tag: the container did not run (exit $rc): $(head -c 300 "$tmp/err")"
			mark "end $tag"
			continue
		fi
		wait_workload "$tag" || { say "$tag: no record of the workload"; mark "end $tag"; continue; }
		mark "end $tag"
		split_run "$tag" "$tmp/runs/$cfg/$n" || continue
		[ "$(cat "$tmp/runs/$cfg/$n.pid")" = "$pid" ] || { say "$tag: pid mismatch"; continue; }
		return 0
	done
	echo "$0: $cfg run $n: no valid run in 3 tries" >&2
	exit 1
}

# --- Arguments, from strace ----------------------------------------------------------------

install_re='^(prctl\(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, \{len=|seccomp\(SECCOMP_SET_MODE_FILTER, [^,]*, \{len=).*\) = 0$'
# post_filter DIR: the calls of one strace -ff run after the filter is installed, to the
# workload's execve, with those of threads the filtered thread started afterwards
post_filter() {
	local f="" c kids k
	for c in $(grep -lE "$install_re" "$1"/t.*); do
		grep -q "^execve(\"/$workload\"" "$c" && f=$c && break
	done
	[ -n "$f" ] || { say "no filter install before the workload in $1"; : >"$1.calls"; return 0; }
	awk -v re="$install_re" -v w="/$workload" '
		!on && $0 ~ re { on = 1; next }
		on && /^(---|\+\+\+)/ { next }
		on { print; if (index($0, "execve(\"" w "\"") == 1) exit }' "$f" >"$1.calls"
	kids=$(sed -nE 's/^clone3?\(.*\) = ([0-9]+)$/\1/p' "$1.calls")
	for k in $kids; do
		[ ! -f "$1/t.$k" ] || grep -vE '^(---|\+\+\+)' "$1/t.$k" >>"$1.calls" || true
	done
}
argre='^(prctl|openat|open|fcntl|capget|capset|setgroups|setresuid|setresgid|setuid|setgid|setfsuid|setfsgid|ioctl|mmap|mprotect|personality|clone|clone3|socket|seccomp)$'
# norm_args: strace lines to "name<TAB>arguments", addresses as ADDR, fds of fcntl and ioctl
# as FD, capability names in prctl as CAP_*; the calls of argre only
norm_args() {
	awk -v re="$argre" '
		{
			p = index($0, "("); name = substr($0, 1, p - 1)
			if (name !~ re) next
			rest = substr($0, p + 1); r = 0; s = rest
			while (match(s, /\) +=/)) { r += RSTART; s = substr(s, RSTART + 1) }
			if (r == 0) next
			a = substr(rest, 1, r - 1)
			gsub(/0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+/, "ADDR", a)
			if (name == "fcntl" || name == "ioctl") sub(/^[0-9]+/, "FD", a)
			if (name == "prctl") {
				n = split(a, f, ", "); a = ""
				for (j = 1; j <= n; j++) a = a (j > 1 ? ", " : "") (f[j] ~ /^CAP_/ ? "CAP_*" : f[j])
			}
			print name "\t" a
		}'
}
strace_direct() { # RUNTIME CFG
	local rt=$1 cfg=$2 j id d
	for j in $(seq 1 $straces); do
		id=$uid-$rt-strace-$cfg-$j
		d=$tmp/strace/$cfg/$j
		mkdir -p "$d"
		ids=$id
		case $rt in
		runc) timeout -k 2 60 strace -ff -qq -s 256 -o "$d/t" runc --root "$runc_root" run \
			--pid-file "$tmp/pid.$id" -b "$bundle" "$id" </dev/null >"$tmp/out" 2>"$tmp/err" || true ;;
		crun) timeout -k 2 60 unshare -m sh -c "$in_ns" strace -ff -qq -s 256 -o "$d/t" \
			crun --cgroup-manager=disabled --root "$crun_root" run --pid-file "$tmp/pid.$id" \
			-b "$bundle" "$id" </dev/null >"$tmp/out" 2>"$tmp/err" || true ;;
		esac
		forget "$id"
		post_filter "$d"
	done
}
# args_of CFG SYSCALL: the arguments if every strace run shows the same ones
args_of() {
	local j s first="" all="" distinct
	[[ $2 =~ $argre ]] || { echo "-"; return; }
	for j in $(seq 1 $straces); do
		[ -f "$tmp/strace/$1/$j.calls" ] || continue
		s=$(norm_args <"$tmp/strace/$1/$j.calls" | awk -F'\t' -v n="$2" '
			$1 == n { if (!($2 in c)) o[k++] = $2; c[$2]++ }
			END { for (i = 0; i < k; i++) printf "%s%s%s", (i ? " ; " : ""), o[i], (c[o[i]] > 1 ? " x" c[o[i]] : "") }')
		all="$all$s"$'\n'
		if [ "$j" = 1 ]; then first=$s; elif [ "$s" != "$first" ]; then first="<varies>"; fi
	done
	if [ -z "$(echo "$all" | tr -d '\n')" ]; then
		echo "(not seen under strace)"
	elif [ "$first" != "<varies>" ]; then
		echo "$first"
	else
		distinct=$(for j in $(seq 1 $straces); do norm_args <"$tmp/strace/$1/$j.calls"; done |
			awk -F'\t' -v n="$2" '$1 == n && !($2 in c) { c[$2] = 1; printf "%s%s", (k++ ? " ; " : ""), $2 }')
		echo "varies between runs: $distinct"
	fi
}

# --- The table -----------------------------------------------------------------------------

nruns() { find "$tmp/runs/$1" -maxdepth 1 -name '[0-9]*' ! -name '*.*' | wc -l; }
# order CFG: "syscall runs-seen min-calls max-calls", in the order the calls come (the mean
# position of each call's first appearance)
order() {
	local n
	n=$(nruns "$1")
	for f in "$tmp/runs/$1"/*; do
		case $f in */[0-9]*[!0-9]*) continue ;; esac
		echo "=== $f"
		cat "$f"
	done | awk -v N="$n" '
		/^=== / { run++; pos = 0; next }
		{
			pos++
			if (!(($0, run) in cnt)) { first[$0] += pos; seen[$0]++ }
			cnt[$0, run]++
		}
		END {
			for (s in seen) {
				mn = 1e9; mx = 0
				for (r = 1; r <= N; r++) { c = cnt[s, r] + 0; if (c < mn) mn = c; if (c > mx) mx = c }
				printf "%.3f %s %d %d %d\n", first[s] / seen[s], s, seen[s], mn, mx
			}
		}' | sort -k1,1n -k2,2 | awk '{ print $2, $3, $4, $5 }'
}

# --- Denials -------------------------------------------------------------------------------

deny_direct() { # RUNTIME CFG NNP SYSCALL ACTION [ERRNO]: one run; prints the outcome
	local rt=$1 cfg=$2 id note=""
	id=$uid-$rt-deny-$cfg-$4-$5${6:+-$6}
	write_config "$3" "$(deny_profile "$4" "$5" "${6:-}")"
	run_direct "$rt" "$id"
	local o
	o=$(outcome "$id")
	[ "$o" != hangs ] || note=$(cat "$tmp/hang")
	forget "$id"
	echo "$o${note:+	$note}"
}

# --- One configuration ---------------------------------------------------------------------

# finish CFG DENY-FUNCTION ARGS...: the denials, the variants and the table of CFG
finish() {
	local cfg=$1 n sc seen mn mx a o note req="" reps c f
	shift
	n=$(nruns "$cfg")
	printf 'syscall\truns_seen/N\targs_if_fixed\twhen_denied_EPERM\n' >"$tmp/$cfg.tsv"
	printf 'syscall\truns_seen/N\tcalls/run\twhen_denied_EPERM\n' >"$tmp/$cfg.txt"
	while read -r sc seen mn mx <&3; do
		a=$(args_of "$cfg" "$sc")
		# each denial is tried $reps times: calls of Go's runtime come and go with timing,
		# and which message a failure ends in can depend on it too
		reps=$denials
		o=$(for _ in $(seq 1 "$reps"); do "$@" "$sc" SCMP_ACT_ERRNO 1; done |
			awk -F'\t' -v reps="$reps" '
				!($1 in c) { o[k++] = $1; if ($2 != "") note[$1] = $2 }
				{ c[$1]++ }
				END {
					if (k == 1) { printf "%s", o[0]; if (o[0] in note) printf "\t%s", note[o[0]]; exit }
					printf "varies:"
					for (i = 0; i < k; i++) printf "%s %s (%d/%d)", (i ? ";" : ""), o[i], c[o[i]], reps
					for (i = 0; i < k; i++) if (o[i] in note) { printf "\t%s", note[o[i]]; exit }
				}')
		note=""
		case $o in *$'\t'*) note=${o#*$'\t'} o=${o%%$'\t'*} ;; esac
		[ -z "$note" ] || echo "$cfg	$sc	SCMP_ACT_ERRNO(1)	$note" >>"$tmp/notes"
		printf '%s\t%s/%s\t%s\t%s\n' "$sc" "$seen" "$n" "$a" "$o" >>"$tmp/$cfg.tsv"
		[ "$mn" = "$mx" ] && c=$mn || c=$mn-$mx
		printf '%s\t%s/%s\t%s\t%s\n' "$sc" "$seen" "$n" "$c" "$o" >>"$tmp/$cfg.txt"
		case $o in fails:* | hangs) [ -n "$req" ] || [ "$sc" = execve ] || req=$sc ;; esac
	done 3< <(order "$cfg")
	# one required call (the first whose denial fails), and execve, with the other actions
	for sc in ${req:-} execve; do
		for v in "SCMP_ACT_ERRNO 38" SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD; do
			# shellcheck disable=SC2086 # the action, then its errno if any
			o=$("$@" "$sc" $v)
			note=""
			case $o in *$'\t'*) note=${o#*$'\t'} o=${o%%$'\t'*} ;; esac
			v=${v/ /(}
			case $v in *'('*) v="$v)" ;; esac
			printf '%s\t%s\t%s\t%s\t%s\n' "$cfg" "$sc" "$v" "$o" "$note" >>"$tmp/variants.tsv"
		done
	done
	{
		echo "## $cfg ($n runs; the workload's own calls: $(for f in "$tmp/runs/$cfg"/*.workload; do
			sort -u "$f"; done | sort | uniq -c | awk -v n="$n" '{ printf "%s%s %s/%s", (k++ ? ", " : ""), $2, $1, n }'))"
		column -t -s $'\t' "$tmp/$cfg.txt"
		echo
		echo "sequence of run 1: $(uniq -c "$tmp/runs/$cfg/1" | awk '{ printf "%s%s", (k++ ? " " : ""), $2 ($1 > 1 ? "x" $1 : "") }')"
		echo
		echo "arguments (strace, $straces runs):"
		awk -F'\t' 'NR > 1 && $3 != "-" { print "  " $1 ": " $3 }' "$tmp/$cfg.tsv"
		echo
	}
	[ -z "$outdir" ] || cp "$tmp/$cfg.tsv" "$outdir/$cfg.tsv"
}

measure_direct() { # RUNTIME VERSION NNP
	local rt=$1 cfg i nnp=$3
	cfg=$rt-$2-$([ "$nnp" = true ] && echo nnp || echo no-nnp)
	say "$cfg: $runs runs under SCMP_ACT_LOG"
	mkdir -p "$tmp/runs/$cfg"
	write_config "$nnp" "$(log_profile)"
	for i in $(seq 1 "$runs"); do log_run_direct "$rt" "$cfg" "$i"; done
	say "$cfg: $straces runs under strace"
	strace_direct "$rt" "$cfg"
	say "$cfg: each call denied"
	finish "$cfg" deny_direct "$rt" "$cfg" "$nnp"
}

# --- containerd, over the CRI (the project's kseccomp drives it as the kubelet does) -------

ctd_pod() { # NAME PROFILE NNP: a one-container pod under the Localhost profile kscm/PROFILE
	local ape=true
	[ "$3" = true ] && ape=false
	cat <<EOP
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: localhost/kscm/probe:1
    securityContext:
      allowPrivilegeEscalation: $ape
      seccompProfile: {type: Localhost, localhostProfile: kscm/$2}
EOP
}
# ctd_procs: the processes in the cgroups of our containerd's containers (runc's state
# names them), "pid comm", for the state of a hung pod and to kill what runc init leaves
ctd_procs() {
	local st cg p
	for st in "$ctd"/state/runc/k8s.io/*/state.json; do
		[ -f "$st" ] || continue
		cg=$(jq -r '.cgroup_paths.pids // empty' "$st")
		[ -f "${cg:-/nonexistent}/cgroup.procs" ] || continue
		for p in $(cat "$cg/cgroup.procs"); do echo "$p $(cat "/proc/$p/comm" 2>/dev/null)"; done
	done
}
# run_ctd POD PROFILE NNP: apply the pod, wait until its container ends; sets rc, hung
# ($tmp/hang: what is left of it), $tmp/out (its log) and $tmp/err (the status' reason,
# then its message)
run_ctd() {
	local pod=$1 i=0 st="" p
	rc=0 hung=0
	ctd_pod "$pod" "$2" "$3" >"$tmp/pod.yaml"
	touch "$tmp/ks-pods/$pod"
	"$ksc" apply --runtime containerd --state-dir "$tmp/ks-state" --root-dir "$tmp/kubelet" \
		${apply_force:+"$apply_force"} -f "$tmp/pod.yaml" >/dev/null 2>"$tmp/apply.err" || {
		echo "$0: kseccomp apply of $pod failed: $(cat "$tmp/apply.err")" >&2
		kill -TERM $$
		exit 1
	}
	while :; do
		st=$("$ksc" get pods --state-dir "$tmp/ks-state" -o json 2>/dev/null | jq -c --arg p "$pod" \
			'.items[] | select(.metadata.name == $p) | .status.containerStatuses[0].state.terminated // empty')
		[ -z "$st" ] || break
		i=$((i + 1))
		[ $i -lt $((timeout_s * 10)) ] || break
		sleep 0.1
	done
	"$ksc" logs --state-dir "$tmp/ks-state" "$pod" >"$tmp/out" 2>/dev/null || true
	if [ -z "$st" ]; then
		hung=1
		{
			"$ksc" get pods --state-dir "$tmp/ks-state" -o json | jq -r --arg p "$pod" \
				'.items[] | select(.metadata.name == $p) | "container \(.status.containerStatuses[0].state | keys | join(","))"'
			ctd_procs | { grep -v ' sleep$' || true; } | while read -r p c; do
				echo "its process ($c):$(awk '/^(State|Threads):/ { printf " %s %s", $1, $2 }' "/proc/$p/status" 2>/dev/null)"
			done
		} | paste -sd';' | sed 's/;/; /g' >"$tmp/hang"
		: >"$tmp/err"
		# runc init's leader stays a zombie with live threads: nothing else ends it
		for p in $(ctd_procs | grep -v ' sleep$' | cut -d' ' -f1); do kill -9 "$p" 2>/dev/null || true; done
	else
		rc=$(echo "$st" | jq -r .exitCode)
		echo "$st" | jq -r '.reason, (.message // empty)' >"$tmp/err"
	fi
	"$ksc" delete --now --state-dir "$tmp/ks-state" pod "$pod" >/dev/null 2>&1 || true
	rm -f "$tmp/ks-pods/$pod"
}
# outcome_ctd: as outcome, for a pod: what kubectl describe shows (the reason, and the
# message of a StartError) and, for an Error, what the container wrote (kubectl logs);
# containerd's 64-hex ids as <id>
outcome_ctd() {
	local logs reason msg
	reason=$(sed -n 1p "$tmp/err")
	msg=$(sed -n '2,$p' "$tmp/err" | sed -E "s|$tmp|<tmp>|g; s/[0-9a-f]{64}/<id>/g" | tr '\n' ' ' | sed 's/ $//')
	logs=$(sed "s|$tmp|<tmp>|g" "$tmp/out" | tr '\t' ' ' | awk "$join_lines")
	if [ "$hung" = 1 ]; then
		echo hangs
	elif [ "$rc" = 0 ] && [ "$logs" = ok ]; then
		echo starts
	elif [ "$rc" = 3 ] && [ -z "$logs" ]; then
		echo "starts (the workload's own write fails: it exits 3)"
	elif [ "$reason" = StartError ] || [ -n "$msg" ]; then
		echo "fails: $reason: $msg [exit $rc]"
	else
		echo "fails: $reason${logs:+, logs: $logs} [exit $rc]"
	fi
}
log_run_ctd() { # CFG NNP N
	local cfg=$1 n=$3 try tag pod
	for try in 1 2 3; do
		[ $try = 1 ] || redone=$((redone + 1))
		tag=$cfg-$n-$try
		pod=log-$([ "$2" = true ] && echo nnp || echo no-nnp)-$n-$try
		mark "begin $tag"
		run_ctd "$pod" log.json "$2"
		if [ "$rc" != 0 ] || [ "$(cat "$tmp/out")" != ok ]; then
			say "$tag: the container did not run (exit $rc): $(cat "$tmp/err")"
			mark "end $tag"
			continue
		fi
		wait_workload "$tag" || { say "$tag: no record of the workload"; mark "end $tag"; continue; }
		mark "end $tag"
		split_run "$tag" "$tmp/runs/$cfg/$n" || continue
		return 0
	done
	echo "$0: $cfg run $n: no valid run in 3 tries" >&2
	exit 1
}
strace_ctd() { # CFG NNP: strace containerd and its children (shim, runc) while a pod runs
	local cfg=$1 j d sp
	for j in $(seq 1 $straces); do
		d=$tmp/strace/$cfg/$j
		mkdir -p "$d"
		strace -f -ff -qq -s 256 -o "$d/t" -p "$(cat "$ctd/containerd.pid")" 2>/dev/null &
		sp=$!
		tracer=$sp
		sleep 1
		run_ctd "strace-$([ "$2" = true ] && echo nnp || echo no-nnp)-$j" log.json "$2"
		kill -INT "$sp" 2>/dev/null || true
		wait "$sp" || true
		tracer=""
		post_filter "$d"
	done
}
deny_ctd() { # CFG NNP SYSCALL ACTION [ERRNO]: one pod; prints the outcome
	local prof o note=""
	prof=deny-$3-$4${5:+-$5}.json
	deny_profile "$3" "$4" "${5:-}" >"$tmp/kubelet/seccomp/kscm/$prof"
	run_ctd "$(echo "deny-$([ "$2" = true ] && echo nnp || echo no-nnp)-$3-${4#SCMP_ACT_}${5:+-$5}" |
		tr 'A-Z_' 'a-z-')" "$prof" "$2"
	o=$(outcome_ctd)
	[ "$o" != hangs ] || note=$(cat "$tmp/hang")
	echo "$o${note:+	$note}"
}
measure_containerd() {
	local why="" t ctd_v cfg nnp i
	for t in containerd ctr containerd-shim-runc-v2 python3 busybox; do
		command -v $t >/dev/null || why="$why no $t;"
	done
	[ -x "$ksc_src" ] || why="$why no kseccomp at $ksc_src (ninja -C build);"
	if [ -n "$why" ]; then
		echo "# containerd: skipped:$why"
		echo
		return 0
	fi
	# a copy: the build may be rewritten while this runs
	ksc=$tmp/kseccomp
	install -m 755 "$ksc_src" "$ksc"
	"$ksc" version >/dev/null
	# a kseccomp that predicts start-up failures refuses such pods unless forced
	apply_force=""
	if "$ksc" apply --help 2>&1 | grep -q -- '--force'; then apply_force=--force; fi
	ctd_v=$(containerd --version | awk '{ print $3 }' | sed 's/[+~].*//')
	python3 "$top/scripts/image-archive.py" "$tmp/pause.tar" localhost/kseccomp/pause:1 \
		--busybox "$(command -v busybox)" -- /bin/sleep 2147483647 >/dev/null
	python3 "$top/scripts/image-archive.py" "$tmp/probe.tar" localhost/kscm/probe:1 \
		--file "$bundle/rootfs/$workload:/$workload" -- "/$workload" >/dev/null
	ctd=$tmp/ctd
	mkdir -p "$tmp/kubelet/seccomp/kscm" "$tmp/ks-pods"
	CONTAINER_RUNTIME_ENDPOINT=$("$top/scripts/containerd.sh" start "$ctd" "$tmp/pause.tar" "$tmp/probe.tar")
	export CONTAINER_RUNTIME_ENDPOINT
	log_profile >"$tmp/kubelet/seccomp/kscm/log.json"
	for nnp in true false; do
		cfg=containerd-$ctd_v-runc-$runc_v-$([ "$nnp" = true ] && echo nnp || echo no-nnp)
		say "$cfg: $runs pods under SCMP_ACT_LOG"
		mkdir -p "$tmp/runs/$cfg"
		for i in $(seq 1 "$runs"); do log_run_ctd "$cfg" "$nnp" "$i"; done
		say "$cfg: $straces pods with containerd under strace"
		strace_ctd "$cfg" "$nnp"
		say "$cfg: each call denied"
		finish "$cfg" deny_ctd "$cfg" "$nnp"
	done
}

# --- Main ----------------------------------------------------------------------------------

runc_v=$(runc --version | awk 'NR == 1 { print $3 }' | sed 's/[+~].*//')
crun_v=$(crun --version | awk 'NR == 1 { print $3 }')
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), kernel $(uname -r), runc $(runc --version | awk 'NR == 1 { print $3 }')" \
	"($(runc --version | awk '/^commit:/ { print $2 }')), crun $crun_v, $runs runs per configuration"
echo
printf 'config\tsyscall\taction\toutcome\tnote\n' >"$tmp/variants.tsv"
for what in ${only//,/ }; do
	case $what in
	runc) for nnp in true false; do measure_direct runc "$runc_v" $nnp; done ;;
	crun) for nnp in true false; do measure_direct crun "$crun_v" $nnp; done ;;
	containerd) measure_containerd ;;
	*) echo "$0: --only: unknown $what" >&2; exit 2 ;;
	esac
done
echo "## one required call and execve under other actions"
column -t -s $'\t' "$tmp/variants.tsv"
if [ -s "$tmp/notes" ]; then
	echo
	echo "## hangs"
	cat "$tmp/notes"
fi
# DIR/variants.tsv keeps the rows of the configurations this run did not measure
if [ -n "$outdir" ]; then
	if [ -f "$outdir/variants.tsv" ]; then
		cut -f1 "$tmp/variants.tsv" | sort -u >"$tmp/measured"
		awk -F'\t' 'NR == FNR { m[$1] = 1; next } FNR > 1 && !($1 in m)' \
			"$tmp/measured" "$outdir/variants.tsv" >>"$tmp/variants.tsv"
	fi
	cp "$tmp/variants.tsv" "$outdir/variants.tsv"
fi
echo
echo "# took $(($(date +%s) - started)) s; $redone runs redone (records dropped from the kernel log, or none of the workload)"
