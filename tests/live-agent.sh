#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SCMP_ACT_NOTIFY end to end: `kseccomp agent` answering kseccomp run, the local node's host
# and runc executors, and the real runc and crun: errno 13 and continue on mkdir, kill, no
# agent (nothing runs), NOTIFY without listenerPath and on write refused, the agent killed
# mid-run (ENOSYS) and restarted (new containers reach it), 20 containers at once, runc's
# abstract sockets, and recording through the agent; connect answered by its name, a real
# i386 client's through socketcall(2) where the kernel runs i386 code; and the attacks on
# the agent: a pipe as seccompFd, running out of file descriptors, an unprivileged peer.
# Usage: live-agent.sh KSECCOMP WORKDIR [CONNECT CONNECT_32 TRY_SYSCALL_32]. Prints TAP.
set -u
k=$1 work=$2 connect_probe=${3:-} connect_32=${4:-} try_32=${5:-}
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/agent.sh"
. "$(dirname "$0")/node.sh"
[ -r /proc/sys/kernel/seccomp/actions_avail ] || skip_all "the kernel has no seccomp"
grep -qw user_notif /proc/sys/kernel/seccomp/actions_avail ||
	skip_all "the kernel has no seccomp notifications"
busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || skip_all "no busybox (Debian: busybox-static)"

rm -rf "$work"
mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp" "$work/rootfs/dev" "$work/rootfs/proc" "$work/m"
sock=$work/agent.sock
export KSECCOMP_STATE_DIR="$work/state" KSECCOMP_ROOT_DIR="$work/kubelet" \
	KSECCOMP_IMAGE_STORE="$work/images"
cleanup() {
	kill_agent
	delete_pods
	for id in ksc-agent-runc ksc-agent-runc-nx ksc-agent-runc-abs ksc-agent-runc-kill; do
		runc delete -f "$id" >/dev/null 2>&1
	done
	rm -rf "$work"
}
trap cleanup EXIT

count() { # PATTERN FILE [AT_LEAST]: how many lines of FILE match, once at least AT_LEAST (1)
	# do or 3 s have passed: the agent writes a call's line after it has answered the call
	_n=0
	while :; do
		_c=$(grep -c -- "$1" "$2" 2>/dev/null || true)
		[ "${_c:-0}" -ge "${3:-1}" ] || [ $_n -ge 30 ] && break
		sleep 0.1
		_n=$((_n + 1))
	done
	echo "${_c:-0}"
}

cat >"$work/notify.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "$sock", "listenerMetadata": "bar",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}
EOF
cat >"$work/errno13.yaml" <<'EOF'
rules:
  - syscalls: [mkdir, mkdirat]
    action: errno
    errno: 13
EOF
cat >"$work/kill.yaml" <<'EOF'
defaultAction: kill
EOF

# --- kseccomp run -------------------------------------------------------------------------
# (the agent's log is read once it has exited: it writes a line after it answers)
start_agent run-errno.log --policy "$work/errno13.yaml"
out=$("$k" run --profile "$work/notify.json" -- mkdir "$work/d1" 2>&1)
status=$?
stop_agent
check "run: the agent answers mkdir with errno 13" "1 Permission denied no" \
	"$status $(echo "$out" | grep -o 'Permission denied') $([ -d "$work/d1" ] && echo yes || echo no)"
check "the agent printed the call with its path and answer" "1" \
	"$(count "mkdir path=\"$work/d1\" .* -> errno EACCES" "$work/run-errno.log")"
check "the agent saw the listenerMetadata" "1" "$(count 'connected (pid [0-9]*, metadata "bar")' "$work/run-errno.log")"

start_agent run-allow.log
"$k" run --profile "$work/notify.json" -- mkdir "$work/d2"
status=$?
stop_agent
check "run: without a policy the agent lets mkdir run (continue)" "0 yes" \
	"$status $([ -d "$work/d2" ] && echo yes || echo no)"
check "the call was logged as allowed" "1" "$(count "mkdir path=\"$work/d2\" .* -> allow" "$work/run-allow.log")"
check "the agent saw the container exit" "1" "$(count 'exited (1 calls)' "$work/run-allow.log")"

# TSYNC with a listener: the kernel wants TSYNC_ESRCH too, as libseccomp adds it
sed 's/"listenerMetadata": "bar",/"listenerMetadata": "bar", "flags": ["SECCOMP_FILTER_FLAG_TSYNC"],/' \
	"$work/notify.json" >"$work/notify-tsync.json"
start_agent run-tsync.log --policy "$work/errno13.yaml"
"$k" run --profile "$work/notify-tsync.json" -- mkdir "$work/d8" 2>/dev/null
status=$?
stop_agent
check "run: SECCOMP_FILTER_FLAG_TSYNC with a listener: installed and answered" "1 1" \
	"$status $(count "d8\" .* -> errno EACCES" "$work/run-tsync.log")"

start_agent run-kill.log --policy "$work/kill.yaml"
"$k" run --profile "$work/notify.json" -- mkdir "$work/d3" 2>/dev/null
check "run: kill ends the caller with SIGKILL before the call runs" "137 no" \
	"$? $([ -d "$work/d3" ] && echo yes || echo no)"
stop_agent

# the agent is not there: nothing runs
out=$("$k" run --profile "$work/notify.json" -- sh -c "touch $work/ran; mkdir $work/d4" 2>&1)
check "run: no agent at listenerPath: refused, as runc refuses" "1" "$?"
check "the message is runc's" "1" "$(echo "$out" | grep -c 'failed to connect with seccomp agent specified in the seccomp profile')"
check "the command never ran" "no" "$([ -e "$work/ran" ] && echo yes || echo no)"

cat >"$work/no-path.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}
EOF
out=$("$k" run --profile "$work/no-path.json" -- touch "$work/ran" 2>&1)
check "run: NOTIFY without listenerPath is refused" "1 1 no" \
	"$? $(echo "$out" | grep -c 'listenerPath is not set') $([ -e "$work/ran" ] && echo yes || echo no)"
cat >"$work/notify-write.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "$sock",
 "syscalls": [{"names": ["write"], "action": "SCMP_ACT_NOTIFY"}]}
EOF
out=$("$k" run --profile "$work/notify-write.json" -- true 2>&1)
check "run: NOTIFY on write is refused with runc's reason" "1 1" \
	"$? $(echo "$out" | grep -c 'SCMP_ACT_NOTIFY cannot be used for the write syscall')"

# the agent dies mid-run: the waiting call fails with ENOSYS, and a new agent serves new
# containers on the same path (the dead one's socket file is replaced)
start_agent run-dies.log
"$k" run --profile "$work/notify.json" -- sh -c "sleep 1; mkdir $work/d5" >"$work/dies.out" 2>&1 &
run_pid=$!
sleep 0.4
kill_agent
wait "$run_pid"
check "agent killed mid-run: mkdir fails with ENOSYS, nothing hangs" "1 1" \
	"$? $(grep -c 'Function not implemented' "$work/dies.out")"
check "the dead agent's socket is still there" "yes" "$([ -S "$sock" ] && echo yes || echo no)"
start_agent run-restart.log
check "a new agent replaces the stale socket" "1" "$(count "listening on $sock" "$work/run-restart.log")"
"$k" run --profile "$work/notify.json" -- mkdir "$work/d6"
check "a container started after the restart reaches the new agent" "0 yes 1" \
	"$? $([ -d "$work/d6" ] && echo yes || echo no) $(count "d6\" .* -> allow" "$work/run-restart.log")"
out=$("$k" agent --listen "$sock" 2>&1)
check "a second agent on a live socket is refused" "1 1" "$? $(echo "$out" | grep -c 'another agent is listening')"
stop_agent

# 20 containers at once, each answered
start_agent run-many.log --policy "$work/errno13.yaml"
mkdir "$work/many"
i=0 runs=
while [ $i -lt 20 ]; do
	"$k" run --name "c$i" --profile "$work/notify.json" -- sh -c "mkdir $work/many/d$i; echo \$?" \
		>"$work/many/out$i" 2>/dev/null &
	runs="$runs $!"
	i=$((i + 1))
done
for p in $runs; do wait "$p"; done
check "20 containers at once: every mkdir answered with errno 13" "20" "$(cat "$work"/many/out* | grep -c '^1$')"
check "20 connections and 20 exits" "20 20" \
	"$(count ' connected (pid' "$work/run-many.log" 20) $(count ' exited (1 calls)' "$work/run-many.log" 20)"
check "each under its own name" "20" "$(grep -o 'c[0-9]* pid=[0-9]* comm=mkdir' "$work/run-many.log" | cut -d' ' -f1 | sort -u | wc -l)"
stop_agent

# --- socket calls: connect answered by its name, an i386 client's through socketcall(2) ----
cat >"$work/connect-errno.yaml" <<'EOF'
rules:
  - syscalls: [connect]
    action: errno
    errno: EACCES
EOF
arches=
[ "$(uname -m)" = x86_64 ] &&
	arches='"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],'
cat >"$work/notify-connect.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "$sock", $arches
 "syscalls": [{"names": ["connect"], "action": "SCMP_ACT_NOTIFY"}]}
EOF
if [ -z "$connect_probe" ] || [ ! -x "$connect_probe" ]; then
	skip "connect through the agent" "no connect probe"
else
	start_agent connect-errno.log --policy "$work/connect-errno.yaml"
	out=$("$k" run --profile "$work/notify-connect.json" -- "$connect_probe" 2>&1)
	check "run: the agent answers connect with EACCES by its rule" "0 errno 13" "$? $out"
	check "the agent logged it as connect" "1" \
		"$(count " connect args=.* -> errno EACCES" "$work/connect-errno.log")"
	stop_agent
	start_agent connect-allow.log
	out=$("$k" run --profile "$work/notify-connect.json" -- "$connect_probe" 2>&1)
	check "run: without a policy the probe connects" "0 ret 0" "$? $out"
	stop_agent
fi
# the profile side: the filter sends i386 socketcall(SYS_CONNECT) to the agent (libseccomp's
# and the native compiler's socketcall rule), or the agent would never see the call
if [ "$(uname -m)" = x86_64 ]; then
	for backend in native libseccomp; do
		sim() { "$k" sim --backend "$backend" --arch x86 "$work/notify-connect.json" "$@" 2>/dev/null | head -1; }
		check "the $backend filter notifies i386 socketcall(SYS_CONNECT) and connect, not bind" \
			"NOTIFY NOTIFY ALLOW" "$(sim socketcall 3) $(sim connect) $(sim socketcall 2)"
	done
fi
if [ -z "$connect_32" ] || [ ! -x "$connect_32" ]; then
	skip "a real i386 client's socketcall(SYS_CONNECT) through the agent" "no i386 probe (gcc-multilib)"
elif ! i386_runs "$try_32"; then
	skip "a real i386 client's socketcall(SYS_CONNECT) through the agent" "$i386_reason"
else
	start_agent connect32-errno.log --policy "$work/connect-errno.yaml"
	out=$("$k" run --profile "$work/notify-connect.json" -- "$connect_32" 2>&1)
	check "i386: socketcall(SYS_CONNECT) gets connect's EACCES, not the default" "0 errno 13" "$? $out"
	check "the agent logged it as connect through socketcall" "1" \
		"$(count ' x86 connect (socketcall) args=0x3,.* -> errno EACCES' "$work/connect32-errno.log")"
	stop_agent
	start_agent connect32-allow.log
	out=$("$k" run --profile "$work/notify-connect.json" -- "$connect_32" 2>&1)
	check "i386: without a policy socketcall(SYS_CONNECT) connects" "0 ret 0" "$? $out"
	check "logged as connect (socketcall), allowed" "1" \
		"$(count ' x86 connect (socketcall) args=0x3,.* -> allow' "$work/connect32-allow.log")"
	stop_agent
fi

# --- attacks on the agent ------------------------------------------------------------------
cpu_ticks() { # PID: its user and system time, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
cpu_over_2s() { # PID: the ticks it used in 2 seconds
	t0=$(cpu_ticks "$1")
	sleep 2
	echo $(($(cpu_ticks "$1") - t0))
}
hz=$(getconf CLK_TCK)
under_10_percent() { # TICKS_IN_2S
	[ "$1" -lt $((hz / 5)) ] && echo yes || echo no
}

# a state whose seccompFd is a pipe holding a byte: it polls readable forever
send_pipe_state() {
	python3 - "$sock" <<'PYEOF'
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
r, w = os.pipe()
os.write(w, b"x")
os.close(w)
state = {"ociVersion": "1.0.2", "fds": ["seccompFd"], "pid": os.getpid(),
         "state": {"ociVersion": "1.0.2", "id": "pipe-attack", "status": "creating",
                   "bundle": ""}}
socket.send_fds(s, [json.dumps(state).encode()], [r])
os.close(r)
s.close()
PYEOF
}
start_agent pipe.log --policy "$work/errno13.yaml"
send_pipe_state
sleep 0.5
check "a pipe as seccompFd is refused, and the agent says why" "1" \
	"$(count "state (pid [0-9]*) was refused: its seccompFd is a pipe, not a seccomp listener" "$work/pipe.log")"
check "the pipe is not served as a container" "0" "$(count 'pipe-attack connected' "$work/pipe.log" 0)"
ticks=$(cpu_over_2s "$agent_pid")
check "the agent does not spin after it (CPU in 2 s: $ticks ticks of $hz a second)" "yes" \
	"$(under_10_percent "$ticks")"
"$k" run --profile "$work/notify.json" -- mkdir "$work/d-pipe" 2>/dev/null
check "and still serves a container afterwards" "1 no 1" \
	"$? $([ -d "$work/d-pipe" ] && echo yes || echo no) $(count "d-pipe\" .* -> errno EACCES" "$work/pipe.log")"
stop_agent

# out of file descriptors: 60 connections held open against a limit of 24
start_agent emfile.log --policy "$work/errno13.yaml"
prlimit --pid "$agent_pid" --nofile=24:24
python3 - "$sock" "$work/flood.done" <<'PYEOF' &
import os, socket, sys, time
held = []
for i in range(60):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
for i in range(600):
    if os.path.exists(sys.argv[2]):
        break
    time.sleep(0.05)
PYEOF
flood_pid=$!
sleep 1
ticks=$(cpu_over_2s "$agent_pid")
check "out of fds: the agent does not spin (CPU in 2 s: $ticks ticks of $hz a second)" "yes" \
	"$(under_10_percent "$ticks")"
check "out of fds: the agent says so, once" "1" \
	"$(count 'cannot accept a runtime.s connection: Too many open files' "$work/emfile.log")"
touch "$work/flood.done"
wait "$flood_pid"
out=$(timeout 30 "$k" run --profile "$work/notify.json" -- mkdir "$work/d-emfile" 2>&1)
check "once the connections close, the agent serves a container again" "1 no 1" \
	"$? $([ -d "$work/d-emfile" ] && echo yes || echo no) $(count "d-emfile\" .* -> errno EACCES" "$work/emfile.log")"
check "and says it accepts again" "1" "$(count 'accepting runtimes. connections again' "$work/emfile.log")"
stop_agent

# an unprivileged user hands the agent a listener of its own through an abstract socket,
# under a container's name: refused, so it gets no answers and writes no recording
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	skip "an unprivileged peer is refused" "needs root and setpriv"
else
	peer_sock="@ksc-agent-peer-$$"
	mkdir -p "$work/peer-rec" "$work/peer-tmp"
	chmod 1777 "$work/peer-tmp"
	sed "s|\"listenerPath\": \"$sock\"|\"listenerPath\": \"$peer_sock\"|" "$work/notify.json" \
		>"$work/notify-peer.json"
	chmod 644 "$work/notify-peer.json"
	as_nobody() {
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	}
	"$k" agent --listen "$peer_sock" --policy "$work/errno13.yaml" --record "$work/peer-rec" \
		>"$work/peer.log" 2>&1 &
	agent_pid=$!
	sleep 0.3
	out=$(as_nobody "$k" run --name victim --profile "$work/notify-peer.json" -- \
		mkdir "$work/peer-tmp/a" 2>&1)
	# the agent closes the connection at once: the fd is dropped with it (the call fails
	# with ENOSYS), or the runtime's sendmsg already fails (nothing runs)
	check "uid 65534 is refused: no answer from the agent (ENOSYS, or it cannot hand over)" "1 0" \
		"$(echo "$out" | grep -cE 'Function not implemented|cannot send seccomp fd') $(echo "$out" | grep -c 'Permission denied')"
	check "the agent says whom it refused" "1" \
		"$(count 'a connection from uid 65534 (pid [0-9]*) was refused' "$work/peer.log")"
	check "no container connected" "0" "$(count 'victim connected' "$work/peer.log" 0)"
	"$k" run --name other --profile "$work/notify-peer.json" -- mkdir "$work/peer-tmp/b" 2>/dev/null
	check "root is still served on the abstract socket" "1 1" "$? $(count 'other connected' "$work/peer.log")"
	stop_agent
	check "nothing was recorded under the name uid 65534 gave" "no" \
		"$([ -e "$work/peer-rec/victim.json" ] && echo yes || echo no)"
	"$k" agent --listen "$peer_sock" --policy "$work/errno13.yaml" --record "$work/peer-rec" \
		--allow-uid 1234,65534 >"$work/peer-allowed.log" 2>&1 &
	agent_pid=$!
	sleep 0.3
	out=$(as_nobody "$k" run --name victim --profile "$work/notify-peer.json" -- \
		mkdir "$work/peer-tmp/c" 2>&1)
	check "with --allow-uid 1234,65534 the same peer is served" "1 1" \
		"$(echo "$out" | grep -c 'Permission denied') $(count 'victim connected' "$work/peer-allowed.log")"
	stop_agent
	check "and its container recorded" "yes" "$([ -s "$work/peer-rec/victim.json" ] && echo yes || echo no)"
fi

# --- recording through the agent ---------------------------------------------------------
mkdir "$work/rec"
"$k" agent --listen "$sock" --recording-profile >"$work/record-all.json"
start_agent record.log --record "$work/rec" --quiet
"$k" run --name lister --profile "$work/record-all.json" -- ls / >"$work/ls1.out" 2>/dev/null
check "recording profile: the workload runs under the agent" "0" "$?"
stop_agent
check "the agent wrote the container's profile when it exited" "yes" "$([ -s "$work/rec/lister.json" ] && echo yes || echo no)"
"$k" run --profile "$work/rec/lister.json" -- ls / >"$work/ls2.out" 2>/dev/null
check "the recorded profile runs the same workload with defaultAction ERRNO" "0 same" \
	"$? $(cmp -s "$work/ls1.out" "$work/ls2.out" && echo same || echo differs)"
check "it is least-privilege: mkdir is denied under it" "1" \
	"$("$k" run --profile "$work/rec/lister.json" -- mkdir "$work/d7" >/dev/null 2>&1; echo $?)"

# --- the real runc and crun ---------------------------------------------------------------
cp "$busybox" "$work/rootfs/bin/busybox"
for applet in sh mkdir stat sleep echo touch ls cat; do
	ln -s busybox "$work/rootfs/bin/$applet"
done
bundle() { # DIR LISTENER_PATH COMMAND
	mkdir -p "$1"
	python3 - "$1" "$2" "$3" "$work/rootfs" <<'PYEOF'
import json, sys
d, listener, cmd, rootfs = sys.argv[1:]
config = {
    "ociVersion": "1.0.2", "hostname": "agent-test",
    "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "cwd": "/",
                "args": ["/bin/sh", "-c", cmd], "env": ["PATH=/bin"],
                "capabilities": {k: ["CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE"]
                                 for k in ("bounding", "effective", "permitted")},
                "noNewPrivileges": False},
    "root": {"path": rootfs, "readonly": False},
    "annotations": {"io.kubernetes.cri.container-name": "nginx",
                    "io.kubernetes.cri.sandbox-name": "web",
                    "io.kubernetes.cri.sandbox-namespace": "prod"},
    "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
               {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}],
    "linux": {"namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount")],
              "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": listener,
                          "listenerMetadata": "bar",
                          "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                          "syscalls": [{"names": ["mkdir", "mkdirat"],
                                        "action": "SCMP_ACT_NOTIFY"}]}},
}
with open(d + "/config.json", "w") as f:
    json.dump(config, f)
PYEOF
}
in_crun_ns() { # crun wants the cgroup v2 hierarchy to itself, or none
	unshare -m sh -c 'mount --make-rprivate / && { umount -l /sys/fs/cgroup/unified 2>/dev/null; true; } && exec "$@"' sh "$@"
}
if [ "$(id -u)" != 0 ] || ! command -v runc >/dev/null 2>&1; then
	skip "runc with kseccomp agent" "needs root and runc"
else
	start_agent runc.log --policy "$work/errno13.yaml"
	bundle "$work/b-errno" "$sock" "mkdir /tmp/foo; echo rc=\$?"
	out=$(cd "$work/b-errno" && timeout 30 runc run ksc-agent-runc 2>&1)
	runc delete -f ksc-agent-runc >/dev/null 2>&1
	check "runc: the agent's errno 13 reaches the container" "1 1" \
		"$(echo "$out" | grep -c 'Permission denied') $(echo "$out" | grep -c 'rc=1')"
	check "the agent named runc's pod and container from the annotations" "1" \
		"$(count 'prod/web/nginx pid=[0-9]* comm=mkdir .*path="/tmp/foo" .* -> errno EACCES' "$work/runc.log")"
	stop_agent

	start_agent runc-allow.log
	bundle "$work/b-allow" "$sock" "mkdir /tmp/foo && stat -c %F /tmp/foo"
	out=$(cd "$work/b-allow" && timeout 30 runc run ksc-agent-runc 2>&1)
	check "runc: continue lets mkdir run" "0 directory" "$? $out"
	runc delete -f ksc-agent-runc >/dev/null 2>&1

	bundle "$work/b-dies" "$sock" "sleep 1; mkdir /tmp/foo"
	(cd "$work/b-dies" && timeout 30 runc run ksc-agent-runc-kill >"$work/runc-dies.out" 2>&1) &
	run_pid=$!
	sleep 0.5
	kill_agent
	wait "$run_pid"
	check "runc: agent killed mid-run: ENOSYS in the container" "1" "$(grep -c 'Function not implemented' "$work/runc-dies.out")"
	runc delete -f ksc-agent-runc-kill >/dev/null 2>&1

	bundle "$work/b-nx" "$sock" "true"
	out=$(cd "$work/b-nx" && timeout 30 runc run ksc-agent-runc-nx 2>&1)
	check "runc: no agent: runc refuses to start, as kseccomp run does" "1" \
		"$(echo "$out" | grep -c 'failed to connect with seccomp agent')"
	runc delete -f ksc-agent-runc-nx >/dev/null 2>&1

	abstract="@ksc-agent-test-$$"
	"$k" agent --listen "$abstract" --policy "$work/errno13.yaml" >"$work/runc-abstract.log" 2>&1 &
	agent_pid=$!
	sleep 0.3
	bundle "$work/b-abs" "$abstract" "mkdir /tmp/foo"
	out=$(cd "$work/b-abs" && timeout 30 runc run ksc-agent-runc-abs 2>&1)
	check "runc connects to an abstract listenerPath ($abstract)" "1" "$(echo "$out" | grep -c 'Permission denied')"
	runc delete -f ksc-agent-runc-abs >/dev/null 2>&1
	stop_agent
fi
if [ "$(id -u)" != 0 ] || ! command -v crun >/dev/null 2>&1; then
	skip "crun with kseccomp agent" "needs root and crun"
else
	start_agent crun.log --policy "$work/errno13.yaml"
	bundle "$work/b-crun" "$sock" "mkdir /tmp/foo; echo rc=\$?"
	out=$(cd "$work/b-crun" && in_crun_ns timeout 30 crun --cgroup-manager=disabled run ksc-agent-crun 2>&1)
	in_crun_ns crun --cgroup-manager=disabled delete -f ksc-agent-crun >/dev/null 2>&1
	check "crun: the agent's errno 13 reaches the container" "1 1" \
		"$(echo "$out" | grep -c 'Permission denied') $(echo "$out" | grep -c 'rc=1')"
	check "crun's state (ociVersion 0.2.0, pretty-printed) is read" "1" \
		"$(count 'prod/web/nginx connected (pid [0-9]*, metadata "bar")' "$work/crun.log")"
	stop_agent

	start_agent crun-allow.log
	bundle "$work/b-crun-allow" "$sock" "mkdir /tmp/foo && stat -c %F /tmp/foo"
	out=$(cd "$work/b-crun-allow" && in_crun_ns timeout 30 crun --cgroup-manager=disabled run ksc-agent-crun 2>&1)
	check "crun: continue lets mkdir run" "0 directory" "$? $out"
	in_crun_ns crun --cgroup-manager=disabled delete -f ksc-agent-crun >/dev/null 2>&1
	stop_agent
fi

# --- the local node ------------------------------------------------------------------------
"$k" image import test/busybox:1 "$work/rootfs" >/dev/null
mkdir -p "$work/profiles"
cp "$work/notify.json" "$work/profiles/notify.json"
"$k" node load "$work/profiles" --as test >/dev/null
cat >"$work/m/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: notified
spec:
  restartPolicy: Never
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: test/notify.json
  containers:
  - name: mk
    image: test/busybox:1
    command: ["sh", "-c", "mkdir /tmp/agent-made-$$; echo rc=$?"]
EOF
wait_phase() { # POD STATUS SECONDS
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		[ "$("$k" get pods "$1" 2>/dev/null | awk 'NR == 2 { print $3 }')" = "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
for runtime in host runc crun; do
	if [ "$runtime" != host ] && { [ "$(id -u)" != 0 ] || ! command -v "$runtime" >/dev/null 2>&1; }; then
		skip "node: $runtime executor" "needs root and $runtime"
		continue
	fi
	export KSECCOMP_RUNTIME=$runtime
	start_agent "node-$runtime.log" --policy "$work/errno13.yaml"
	"$k" apply -f "$work/m/pod.yaml" >/dev/null
	wait_phase notified Completed 20
	check "node ($runtime): the pod's mkdir gets the agent's errno 13" "rc=1" "$("$k" logs notified 2>/dev/null | grep -o 'rc=[0-9]*')"
	check "node ($runtime): the agent named the pod and container" "1" \
		"$(count 'default/notified/mk pid=[0-9]* comm=mkdir .* -> errno EACCES' "$work/node-$runtime.log")"
	"$k" delete pod notified --now >/dev/null
	stop_agent
done

# the host executor without an agent: StartError, and the container starts once one listens
export KSECCOMP_RUNTIME=host
rm -f "$sock"
"$k" apply -f "$work/m/pod.yaml" >/dev/null
sleep 1
check "node: no agent: the container does not start (StartError)" "StartError yes" \
	"$("$k" get pods notified | awk 'NR == 2 { print $3 }') $("$k" describe pod notified | grep -q 'failed to connect with seccomp agent' && echo yes)"
start_agent node-late.log --policy "$work/errno13.yaml"
wait_phase notified Completed 30
check "node: once an agent listens, the retried container reaches it" "rc=1" \
	"$("$k" logs notified 2>/dev/null | grep -o 'rc=[0-9]*')"
"$k" delete pod notified --now >/dev/null
stop_agent

tap_done
