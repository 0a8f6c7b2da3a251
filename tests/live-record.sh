#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kseccomp record with one backend, proved by running: each program is recorded, then run 5
# times under the profile with denials logged (run --log-denials), and must succeed with no
# denial in the kernel's audit records. Also: i386 processes, --args, --append, --pid, and
# the runtime baseline checked against what real runc does after installing a filter.
# Usage: live-record.sh KSECCOMP HTTP_ECHO TRY_SYSCALL_32 BACKEND WORKDIR [INT80]. Prints TAP.
set -u
k=$1 echo_bin=$2 try32=$3 backend=$4 work=$5 int80=${6:-}
. "$(dirname "$0")/tap.sh"
TAP_PREFIX="$backend: "
[ -r /proc/sys/kernel/seccomp/actions_avail ] || skip_all "the kernel has no seccomp"
root=$([ "$(id -u)" = 0 ] && echo yes || echo no)
if [ "$backend" = ebpf ]; then
	[ $root = yes ] || skip_all "the ebpf backend needs root"
	[ -r /sys/kernel/btf/vmlinux ] || skip_all "the kernel has no BTF"
fi
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
if [ $root = yes ]; then
	old_interval=$(cat /proc/sys/kernel/printk_ratelimit)
	old_burst=$(cat /proc/sys/kernel/printk_ratelimit_burst)
	trap 'echo "$old_interval" >/proc/sys/kernel/printk_ratelimit; echo "$old_burst" >/proc/sys/kernel/printk_ratelimit_burst; rm -rf "$work"' EXIT
	echo 0 >/proc/sys/kernel/printk_ratelimit
	echo 100000 >/proc/sys/kernel/printk_ratelimit_burst
fi

get() { # URL: the body, retrying while the server starts
	python3 -c 'import sys, time, urllib.request
for _ in range(100):
    try:
        print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode(), end="")
        break
    except Exception:
        time.sleep(0.05)' "$1"
}
names() { # PROFILE: its syscall names, one line
	python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))
print(" ".join(sorted({n for r in p["syscalls"] for n in r["names"]})))' "$1"
}
denials() { # SINCE COMM: the syscalls of ERRNO records (run --log-denials logs them) of COMM
	"$k" audit --since "$1" --comm "$2" --action ERRNO -o json 2>/dev/null |
		python3 -c 'import json, sys
print(" ".join(sorted({json.loads(l)["syscall"] for l in sys.stdin})))'
}

# prove NAME COMM CMD...: record, then 5 confined runs with no denial
prove() {
	label=$1 comm=$2
	shift 2
	"$k" record --backend "$backend" -q --output-file "$work/$label.json" -- "$@" >"$work/$label.out" 2>&1
	check "$label: recorded (exit 0)" 0 $?
	since=$(date +%s)
	ok=0
	for i in 1 2 3 4 5; do
		"$k" run --log-denials --profile "$work/$label.json" -- "$@" >"$work/$label.run" 2>&1 &&
			ok=$((ok + 1))
	done
	check "$label: 5 confined runs succeed" 5 "$ok$([ $ok = 5 ] || echo " (last: $(tail -c 300 "$work/$label.run" | tr '\n' ' '))")"
	if [ $root = yes ]; then
		sleep 0.2
		check "$label: no denial in the kernel's records" "" "$(denials "$since" "$comm")"
	fi
}

prove ls ls ls -la /usr/bin
prove tar tar tar -cf "$work/t.tar" -C /usr/include linux
prove sh-pipeline sh sh -c 'echo hello | tr a-z A-Z | wc -c; date; id'
busybox=$(command -v busybox || echo /bin/busybox)
if [ -x "$busybox" ]; then
	prove busybox busybox "$busybox" sh -c 'ls / | sort | head -3; echo abc | sed s/b/B/; seq 3 | wc -l'
fi
# Debian's interpreter itself (a python3 on PATH may be a wrapper script, such as pyenv's)
python=/usr/bin/python3
[ -x $python ] || python=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
prove python3 python3 $python -c 'import json, hashlib, subprocess; print(json.dumps(hashlib.sha256(b"x").hexdigest())); subprocess.run(["true"])'

# servers: record while a client talks to them, then serve under the profile
serve() { # LABEL COMM PORT PATH WANT CMD...: record a server, then prove it serves
	label=$1 comm=$2 port=$3 path=$4 want=$5
	shift 5
	# timeout(1) passes its SIGINT on to the server: stopped once it has answered, or
	# after 15 s at most
	"$k" record --backend "$backend" -q --output-file "$work/$label.json" -- timeout -s INT 15 "$@" \
		>/dev/null 2>&1 &
	rec=$!
	got=$(get "http://127.0.0.1:$port$path")
	check "$label: answers while recorded" "$want" "$got"
	sleep 0.2
	pkill -INT -P $rec -x timeout
	wait $rec
	since=$(date +%s)
	ok=0
	for i in 1 2 3 4 5; do
		"$k" run --log-denials --profile "$work/$label.json" -- "$@" >/dev/null 2>&1 &
		pid=$!
		[ "$(get "http://127.0.0.1:$port$path")" = "$want" ] && ok=$((ok + 1))
		kill $pid 2>/dev/null
		wait $pid 2>/dev/null
	done
	check "$label: answers in 5 confined runs" 5 $ok
	if [ $root = yes ]; then
		sleep 0.2
		check "$label: no denial in the kernel's records" "" "$(denials "$since" "$comm")"
	fi
}
port=$((30000 + $$ % 10000))
serve http-echo http-echo $port / "recorded" "$echo_bin" -listen ":$port" -text recorded
mkdir -p "$work/www" && echo "static file" >"$work/www/index.txt"
serve python-http python3 $((port + 1)) /index.txt "static file" \
	$python -m http.server --bind 127.0.0.1 --directory "$work/www" $((port + 1))

# the allowed-syscall count next to RuntimeDefault's
"$k" record --backend "$backend" --output-file "$work/count.json" -- ls / 2>"$work/count.err" >/dev/null
check "the summary compares with RuntimeDefault" "yes" \
	"$(grep -q 'recorded [0-9]* syscalls with '"$backend"'\(/[a-z]*\)\? (RuntimeDefault allows [0-9]*)' "$work/count.err" && echo yes || echo no)"

# i386: its own arch, names from the i386 table
if i386_runs "$try32"; then
	"$k" record --backend "$backend" -q --output-file "$work/i386.json" -- "$try32" 64 >/dev/null 2>&1
	check "an i386 process: SCMP_ARCH_X86 in architectures" "yes" \
		"$(grep -q SCMP_ARCH_X86\" "$work/i386.json" && echo yes || echo no)"
	check "and syscall 64 named as i386's getppid" "yes" \
		"$(names "$work/i386.json" | grep -qw getppid && echo yes || echo no)"
	check "not as x86_64's semget" "no" \
		"$(names "$work/i386.json" | grep -qw semget && echo yes || echo no)"
else
	skip "an i386 process" "$i386_reason"
fi
# int 0x80 from a 64-bit process: an i386 call, as seccomp filters it
if i386_runs "$int80"; then
	"$k" record --backend "$backend" -q --output-file "$work/int80.json" -- "$int80" >/dev/null 2>&1
	check "int 0x80 in a 64-bit process: recorded as i386's getppid, not x86_64's semget" \
		"yes no" "$(grep -q SCMP_ARCH_X86\" "$work/int80.json" && echo yes || echo no) $(names "$work/int80.json" | grep -qw semget && echo yes || echo no)"
	"$k" run --profile "$work/int80.json" -- "$int80" >/dev/null 2>&1
	check "and it runs under the recorded profile" "0" "$?"
else
	skip "int 0x80 in a 64-bit process" "$i386_reason"
fi

# --args: conditional rules for socket, personality, clone
"$k" record --backend "$backend" -q --args --output-file "$work/args.json" -- $python -c \
	'import socket, subprocess; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); subprocess.run(["true"])' \
	>/dev/null 2>&1
check "--args: socket allowed for AF_INET6 (10) only, by its argument" "[[0, 10, 'SCMP_CMP_EQ']]" \
	"$(python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))
print([[a["index"], a["value"], a["op"]] for r in p["syscalls"] if r["names"] == ["socket"] for a in r.get("args", [])])' "$work/args.json")"
"$k" run --profile "$work/args.json" -- $python -c \
	'import socket, subprocess; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); subprocess.run(["true"])' \
	>/dev/null 2>&1
check "--args: the refined profile runs the program" 0 $?
"$k" run --profile "$work/args.json" -- $python -c 'import socket; socket.socket(socket.AF_INET)' \
	>/dev/null 2>&1
check "--args: and denies AF_INET, never seen" 1 $?

# --append: a second recording merged into the first
"$k" record --backend "$backend" -q --output-file "$work/app.json" -- ls / >/dev/null 2>&1
"$k" record --backend "$backend" -q --append --output-file "$work/app.json" -- $python -c 'print(1)' >/dev/null 2>&1
"$k" run --profile "$work/app.json" -- ls / >/dev/null 2>&1
a=$?
"$k" run --profile "$work/app.json" -- $python -c 'print(1)' >/dev/null 2>&1
check "--append: the merged profile runs both programs" "0 0" "$a $?"

# --pid: a running process and the children it forks from then on
# (the target lists / every 0.1 s until told to stop, 2 s after the recorder started)
rm -f "$work/stop"
sh -c 'until [ -e "$1" ]; do ls / >/dev/null; sleep 0.1; done' sh "$work/stop" &
target=$!
"$k" record --backend "$backend" -q --pid $target --output-file "$work/pid.json" >/dev/null 2>&1 &
rec=$!
sleep 2
touch "$work/stop"
wait $rec
check "--pid: the children's syscalls (ls's getdents64)" "yes" \
	"$(names "$work/pid.json" | grep -qw getdents64 && echo yes || echo no)"
wait $target 2>/dev/null

# --pod: the processes of a pod of the local node, until SIGINT
if [ $root = yes ]; then
	export KSECCOMP_STATE_DIR="$work/node" KSECCOMP_ROOT_DIR="$work/kubelet" \
		KSECCOMP_IMAGE_STORE="$work/images" KSECCOMP_RUNTIME=host
	"$k" image import test/echo:1 "$echo_bin" >/dev/null
	pport=$((port + 2))
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: recorded\nspec:\n  containers:\n  - name: web\n    image: test/echo:1\n    args: ["-listen=:%s", "-text=pod"]\n' \
		"$pport" >"$work/pod.yaml"
	"$k" apply -f "$work/pod.yaml" >/dev/null
	get "http://127.0.0.1:$pport/" >/dev/null
	"$k" record --backend "$backend" -q --pod recorded --output-file "$work/pod.json" >/dev/null 2>&1 &
	rec=$!
	sleep 1
	check "--pod: the pod answers while recorded" "pod" "$(get "http://127.0.0.1:$pport/")"
	sleep 0.3
	kill -INT $rec
	wait $rec
	check "--pod: recording ends on SIGINT" 0 $?
	check "--pod: the pod's syscalls (accept4, from the request)" "yes" \
		"$(names "$work/pod.json" | grep -qw accept4 && echo yes || echo no)"
	"$k" delete pod recorded --now >/dev/null
	unset KSECCOMP_STATE_DIR KSECCOMP_ROOT_DIR KSECCOMP_IMAGE_STORE KSECCOMP_RUNTIME
fi

# the runtime baseline against real runc: every syscall runc's init makes after installing
# an SCMP_ACT_LOG filter, read from the kernel's records, is in --with-runtime-baseline runc
if [ $root = yes ] && command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ]; then
	if [ $root = yes ] && [ "$backend" = ptrace ]; then
		"$k" record --backend "$backend" -q --with-runtime-baseline runc --output-file "$work/base.json" -- true \
			>/dev/null 2>&1
		base=$(names "$work/base.json")
		for nnp in true false; do
			bundle=$work/bundle-$nnp
			mkdir -p "$bundle/rootfs"
			cp "$echo_bin" "$bundle/rootfs/http-echo"
			cat >"$bundle/config.json" <<EOF
{"ociVersion": "1.0.2",
 "process": {"args": ["/http-echo", "-version"], "cwd": "/", "user": {"uid": 0, "gid": 0},
   "noNewPrivileges": $nnp,
   "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}},
 "root": {"path": "rootfs"},
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
 "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}],
   "seccomp": {"defaultAction": "SCMP_ACT_LOG", "architectures": ["SCMP_ARCH_X86_64"]}}}
EOF
			since=$(date +%s)
			runc --root "$work/runc" run --bundle "$bundle" "ksc-baseline-$$-$nnp" >/dev/null 2>&1
			runc --root "$work/runc" delete -f "ksc-baseline-$$-$nnp" >/dev/null 2>&1
			sleep 0.3
			calls=$("$k" audit --since "$since" --comm 'runc:[2:INIT]' -o json 2>/dev/null |
				python3 -c 'import json, sys
print(" ".join(sorted({json.loads(l)["syscall"] for l in sys.stdin})))')
			missing=""
			for c in $calls; do
				echo " $base " | grep -q " $c " || missing="$missing $c"
			done
			check "runc (noNewPrivileges $nnp) calls nothing after its filter that the baseline lacks" \
				"" "$missing"
			[ -n "$calls" ] || check "and the kernel logged runc's calls" "some" "none"
		done
	fi
fi

tap_done
