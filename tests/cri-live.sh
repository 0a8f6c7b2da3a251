#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The CRI client and `kseccomp cri` against a private containerd (scripts/containerd.sh, its
# own config, root, state and socket under WORKDIR, stopped by its pid at the end), with
# images scripts/image-archive.py makes from busybox: nothing is pulled.
# Usage: cri-live.sh KSECCOMP TEST-CRI-LIVE WORKDIR. Prints TAP.
set -u
k=$1 live=$2 work=$3
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/tap.sh"

. "$top/tests/cri-containerd.sh"
cri_containerd_start
check "a private containerd starts on its own socket" "unix://$ctd/containerd.sock" "$endpoint"

# The library's calls, re-numbered into this test's TAP.
"$live" "$endpoint" "$work" localhost/kseccomp/busybox:1 --keep >"$work/live.out" 2>&1
while IFS= read -r line; do
	case $line in
	"ok "*) check "${line#ok [0-9]* - }" ok ok ;;
	"not ok "*) check "${line#not ok [0-9]* - }" ok "failed" ;;
	"#"*) echo "$line" ;;
	esac
done <"$work/live.out"

# The command line on the same runtime.
out=$("$k" cri version -r "$endpoint" 2>&1)
check "cri version names containerd" yes \
	"$(echo "$out" | grep -q '^RuntimeName: *containerd$' && echo yes || echo "$out")"
out=$("$k" cri version -r "$endpoint" -o json 2>&1)
check "cri version -o json" yes "$(echo "$out" | python3 -c '
import json, sys
print("yes" if json.load(sys.stdin)["runtimeApiVersion"] == "v1" else "no")' 2>&1)"

read -r pod cid <"$work/kept" 2>/dev/null || pod="" cid=""
check "the kept container's ids" yes "$([ -n "$cid" ] && echo yes || echo no)"
out=$("$k" cri pods -r "$endpoint" 2>&1)
check "cri pods lists the kept pod" yes \
	"$(echo "$out" | grep -q "^$(echo "$pod" | cut -c1-13) .* Ready .* kept .* kseccomp-test" && echo yes || echo "$out")"
out=$("$k" cri ps -r "$endpoint" 2>&1)
check "cri ps lists the running container" yes \
	"$(echo "$out" | grep -q "^$(echo "$cid" | cut -c1-13) .*localhost/kseccomp/busybox:1.* Running .* kept " && echo yes || echo "$out")"
out=$("$k" cri pods -r "$endpoint" -o wide 2>&1)
# (test-cri-live gives the kept pod the uid "kept" and the default handler)
check "cri pods -o wide: the whole pod id, its uid and runtime handler" yes \
	"$(echo "$out" | grep -q "^$pod .* Ready .* kept .* kseccomp-test  *0  *kept  *(default)$" && echo yes || echo "$out")"
out=$("$k" cri ps -r "$endpoint" -o wide 2>&1)
check "cri ps -o wide: the whole ids and the image's reference" yes \
	"$(echo "$out" | grep -q "^$cid .* Running .* kept .* $pod  sha256:[0-9a-f]\{64\}$" && echo yes || echo "$out")"
out=$("$k" cri ps -r "$endpoint" -o text 2>&1)
check "cri ps -o text: the table, as before -o table" yes \
	"$(echo "$out" | grep -q "^$(echo "$cid" | cut -c1-13) .* Running .* kept " && echo yes || echo "$out")"
out=$("$k" cri ps -r "$endpoint" --pod "$pod" -o json 2>&1)
check "cri ps --pod -o json" "kept Running" "$(echo "$out" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print(" ".join(c["name"] + " " + c["state"] for c in v))' 2>&1)"
out=$("$k" cri inspect -r "$endpoint" "$cid" 2>&1)
check "cri inspect: the spec containerd gave runc, RuntimeDefault's seccomp" \
	"SCMP_ACT_ERRNO kept" "$(echo "$out" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print(v["info"]["runtimeSpec"]["linux"]["seccomp"]["defaultAction"], v["status"]["name"])' 2>&1)"
kept_pid=$(echo "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["info"]["pid"])' 2>&1)
check "cri inspect: the kept container's pid" yes \
	"$(kill -0 "$kept_pid" 2>/dev/null && echo yes || echo "$kept_pid")"
out=$("$k" cri inspect -r "$endpoint" -o yaml "$cid" 2>&1)
check "cri inspect -o yaml: the same document as YAML" \
	"SCMP_ACT_ERRNO kept $kept_pid" "$(echo "$out" | python3 -c '
import sys, yaml
v = yaml.safe_load(sys.stdin)
print(v["info"]["runtimeSpec"]["linux"]["seccomp"]["defaultAction"], v["status"]["name"], v["info"]["pid"])' 2>&1)"

# Errors: one message, exit 1; usage errors exit 2.
"$k" cri inspect -r "$endpoint" no-such-container >"$work/out" 2>&1
status=$?
check "cri inspect of an unknown id: exit 1" 1 "$status"
check "...with the method and the runtime's reason" yes \
	"$(grep -q '^kseccomp: ContainerStatus: .*(gRPC NOT_FOUND)$' "$work/out" && echo yes || cat "$work/out")"
"$k" cri version -r "unix://$work/no.sock" >"$work/out" 2>&1
status=$?
check "cri version on a missing socket: exit 1" 1 "$status"
check "...naming the socket" "kseccomp: cannot connect to the runtime at $work/no.sock: No such file or directory" \
	"$(cat "$work/out")"
"$k" cri version -r tcp://localhost:1 >"$work/out" 2>&1
check "a tcp endpoint: exit 1" 1 "$?"
"$k" cri ps --timeout 0 >/dev/null 2>&1
check "--timeout 0 is a usage error" 2 "$?"
"$k" cri version --all >/dev/null 2>&1
check "--all outside cri ps is a usage error" 2 "$?"

# record --pod NAMESPACE/NAME and --container: the kept container recorded by its cgroup,
# the processes exec'd into it (as kubectl exec and exec probes enter it) told apart, until
# it exits. With --exclude-exec, the exec'd ls is left out and the probe's cat is kept.
if [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ] && command -v ctr >/dev/null; then
	"$k" record -r "$endpoint" --pod kseccomp-test/kept -c kept --exclude-exec \
		--probe-command "/bin/cat /etc/hostname" \
		--output-file "$work/kept.json" 2>"$work/record.err" &
	rec=$!
	sleep 1 # it finds the container and loads
	ctr -a "$ctd/containerd.sock" -n k8s.io tasks exec --exec-id record-ls "$cid" \
		/bin/ls / >/dev/null 2>&1
	check "an exec into the recorded container runs" 0 "$?"
	ctr -a "$ctd/containerd.sock" -n k8s.io tasks exec --exec-id record-cat "$cid" \
		/bin/cat /etc/hostname >/dev/null 2>&1
	check "and a probe's" 0 "$?"
	# SIGKILL: sleep is the pid namespace's init, which ignores what it does not handle
	ctr -a "$ctd/containerd.sock" -n k8s.io tasks kill -s SIGKILL "$cid" >/dev/null 2>&1
	wait_gone $rec
	check "record --pod NS/NAME ends when the container exits" no \
		"$(kill -0 $rec 2>/dev/null && echo yes || echo no)"
	kill $rec 2>/dev/null
	wait $rec
	check "and exits 0" 0 "$?"
	check "the summary names the container and its pod" yes \
		"$(grep -q "recorded [0-9]* syscalls of container kept (${cid%"${cid#?????????????}"}, pod kseccomp-test/kept) with ebpf/" \
			"$work/record.err" && echo yes || cat "$work/record.err")"
	check "the summary names the exec'd ls, the calls only it made, and leaves them out" yes \
		"$(grep -q "container kept: exec'd '/bin/ls /': [0-9]* syscalls, not made by the container itself: .*getdents64.*; left out (--exclude-exec)" \
			"$work/record.err" && echo yes || cat "$work/record.err")"
	check "it names the probe, and keeps it" yes \
		"$(grep -q "container kept: exec'd '/bin/cat /etc/hostname' (a probe): [0-9]* syscalls.*; in the profile" \
			"$work/record.err" && echo yes || cat "$work/record.err")"
	check "and the runtime's exec the probe needs" yes \
		"$(grep -q "container kept: what entered, before its command's execve (the runtime's exec): [0-9]* syscalls.*; in the profile" \
			"$work/record.err" && echo yes || cat "$work/record.err")"
	sed 's/^/# /' "$work/record.err"
	check "the profile: the probe's calls (read, exit_group)" "read exit_group" \
		"$(python3 -c 'import json, sys
names = set(n for r in json.load(open(sys.argv[1]))["syscalls"] for n in r["names"])
print(" ".join(n for n in ("read", "exit_group") if n in names))' "$work/kept.json" 2>&1)"
	# each call only ls made is out, unless the probe or the runtime's exec it needs made it
	check "the profile: no call only ls made" "" "$(python3 -c 'import json, re, sys
names = set(n for r in json.load(open(sys.argv[1]))["syscalls"] for n in r["names"])
extra = {}
for line in open(sys.argv[2]):
    m = re.match(r"kseccomp: container kept: (.*?): [0-9]+ syscalls(?:, not made by the container itself: ([^;]*))?;", line)
    if m:
        extra[m.group(1)] = set((m.group(2) or "").split())
ls = extra.pop("exec\x27d \x27/bin/ls /\x27", set())
kept = set().union(*extra.values()) if extra else set()
print(" ".join(sorted(n for n in ls if n in names and n not in kept)))' "$work/kept.json" "$work/record.err" 2>&1)"
	"$k" record -r "$endpoint" --pod kseccomp-test/kept -c nope -q >/dev/null 2>"$work/out"
	check "record --pod with -c naming no container: exit 1" 1 "$?"
	check "...saying so" yes "$(grep -q 'pod kseccomp-test/kept has no running container named nope' "$work/out" && echo yes || cat "$work/out")"
	# --selector: the two replicas of app=web recorded at once, merged, the calls only one
	# of them made named with its pod
	"$k" record -r "$endpoint" --selector app=web -n kseccomp-test -c web \
		--output-file "$work/web.json" 2>"$work/replicas.err" &
	rec=$!
	sleep 1
	web1=$("$k" cri ps -r "$endpoint" -o wide 2>/dev/null | awk '/ Running / && / web / { print $1 }' | head -n 1)
	for c in $("$k" cri ps -r "$endpoint" -o wide 2>/dev/null | awk '/ Running / && / web / { print $1 }'); do
		ctr -a "$ctd/containerd.sock" -n k8s.io tasks exec --exec-id replica-cat "$c" \
			/bin/cat /etc/hostname >/dev/null 2>&1
		[ "$c" = "$web1" ] && ctr -a "$ctd/containerd.sock" -n k8s.io tasks exec \
			--exec-id replica-ls "$c" /bin/ls / >/dev/null 2>&1
		ctr -a "$ctd/containerd.sock" -n k8s.io tasks kill -s SIGKILL "$c" >/dev/null 2>&1
	done
	reap $rec
	check "record --selector: both replicas recorded until they exit, exit 0" 0 "$?"
	sed 's/^/# /' "$work/replicas.err"
	check "the summary counts the replicas and what all of them made" yes \
		"$(grep -q "^kseccomp: container web: 2 replicas made [0-9]* syscalls, [0-9]* of them all 2$" \
			"$work/replicas.err" && echo yes || echo no)"
	check "and names what only one made (ls's ioctl) with its pod" yes \
		"$(grep -q "^  1 of 2 (only in web-[12]):.* ioctl" "$work/replicas.err" && echo yes || echo no)"
	check "one merged profile, written" yes \
		"$(grep -q "recorded [0-9]* syscalls of container web (2 pods of kseccomp-test matching app=web) with ebpf/.*: wrote $work/web.json" \
			"$work/replicas.err" && echo yes || echo no)"
	check "the merged profile has both replicas' calls" "ioctl read" "$(python3 -c 'import json, sys
names = set(n for r in json.load(open(sys.argv[1]))["syscalls"] for n in r["names"])
print(" ".join(n for n in ("ioctl", "read") if n in names))' "$work/web.json" 2>&1)"
	# --selector --wait: replicas that start after the recorder are recorded from their
	# first process (sleep's clock_nanosleep), each as it starts, until all have ended
	"$k" record -r "$endpoint" --selector app=late -n kseccomp-test -c web --wait \
		--output-file "$work/late.json" 2>"$work/late.err" &
	rec=$!
	sleep 1
	"$live" "$endpoint" "$work" localhost/kseccomp/busybox:1 --replica late-1 >"$work/late-1.out" 2>&1
	check "--wait: a first replica starts after the recorder" 0 "$?"
	sleep 0.5
	"$live" "$endpoint" "$work" localhost/kseccomp/busybox:1 --replica late-2 >"$work/late-2.out" 2>&1
	check "--wait: and a second, later" 0 "$?"
	sleep 0.5
	for c in $(sed -n 's/^# \([0-9a-f]\{64\}\)$/\1/p' "$work/late-1.out" "$work/late-2.out"); do
		ctr -a "$ctd/containerd.sock" -n k8s.io tasks kill -s SIGKILL "$c" >/dev/null 2>&1
	done
	reap $rec
	check "record --selector --wait: exit 0 once both have ended" 0 "$?"
	sed 's/^/# /' "$work/late.err"
	check "--wait: each replica found as it starts" "late-1 late-2" \
		"$(sed -n 's/^kseccomp: found container web of pod \(late-[12]\)$/\1/p' "$work/late.err" | sort | tr '\n' ' ' | sed 's/ $//')"
	check "--wait: both recorded from their first process (sleep's clock_nanosleep)" yes \
		"$(grep -q "^kseccomp: container web: 2 replicas made [0-9]* syscalls" "$work/late.err" &&
			python3 -c 'import json, sys
names = set(n for r in json.load(open(sys.argv[1]))["syscalls"] for n in r["names"])
print("yes" if {"clock_nanosleep", "execve"} <= names else sorted(names))' "$work/late.json" 2>&1)"
	# --wait, a container that starts and exits between two of the recorder's looks (held
	# still meanwhile with SIGSTOP): said, exit 1, not waited for forever
	"$k" record -r "$endpoint" --selector app=gone -n kseccomp-test -c web --wait \
		--output-file "$work/gone.json" 2>"$work/gone.err" &
	rec=$!
	sleep 1
	kill -STOP $rec
	"$live" "$endpoint" "$work" localhost/kseccomp/busybox:1 --exiting gone-1 >"$work/gone-1.out" 2>&1
	check "--wait: a container that runs true starts and exits while the recorder is stopped" \
		0 "$?"
	kill -CONT $rec
	reap $rec 50
	check "record --wait: a container that came and went unseen is an error, exit 1" 1 "$?"
	check "...which names it and its exit" yes \
		"$(grep -q "^kseccomp: container web ([0-9a-f]\{12\}) of pod kseccomp-test/gone-1 started and exited (exit code 0, Completed) between two looks" \
			"$work/gone.err" && echo yes || cat "$work/gone.err")"
	check "...and writes no profile" no "$([ -e "$work/gone.json" ] && echo yes || echo no)"
	"$k" record -r "$endpoint" --selector app=nothing -n kseccomp-test -q >/dev/null 2>"$work/out"
	check "record --selector matching no pod: exit 1" 1 "$?"
	check "...saying so" yes "$(grep -q 'no pod of namespace kseccomp-test matching app=nothing has a running container' "$work/out" && echo yes || cat "$work/out")"
	timeout 20 "$k" record -r "$endpoint" --container "$cid" -q >/dev/null 2>"$work/out"
	check "record --container of an exited container: exit 1" 1 "$?"
	"$k" record -r "$endpoint" --pod kept -c kept >/dev/null 2>&1
	check "-c with a local pod name (no namespace) is a usage error" 2 "$?"
else
	skip "record --pod NS/NAME and --container" "needs root, BTF and ctr"
fi

cri_containerd_stop
trap - EXIT INT TERM
check "containerd stopped" "" "$(pgrep -f "containerd --config $ctd/config.toml" || true)"
check "no shim of it left" "" "$(pgrep -f "containerd-shim-runc-v2 .*-address $ctd/containerd.sock" || true)"
check "nor the kept container" no "$(kill -0 "$kept_pid" 2>/dev/null && echo yes || echo no)"
tap_done
