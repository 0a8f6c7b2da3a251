#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The local node's pods with one executor: init containers in order, sidecars, restart
# policies and the back-off, securityContext (user, capabilities, no_new_privs), the filter
# the kernel holds, logs, apply's fail-closed checks, kill -9 of a monitor, 20 pods at once.
# Usage: live-pods.sh KSECCOMP HTTP_ECHO RUNTIME WORKDIR [EXTRA-FILTER]. Prints TAP.
set -u
k=$1 echo_bin=$2 runtime=$3 work=$4 extra_filter=${5:-}
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/node.sh"
TAP_PREFIX="$runtime: "
[ -r /proc/sys/kernel/seccomp/actions_avail ] || skip_all "the kernel has no seccomp"
if [ "$runtime" != host ]; then
	[ "$(id -u)" = 0 ] || skip_all "the $runtime executor needs root"
	command -v "$runtime" >/dev/null 2>&1 || [ -x "/usr/sbin/$runtime" ] ||
		skip_all "$runtime is not installed"
fi
busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || skip_all "no busybox (Debian: busybox-static)"

node_setup rootfs/bin m
cleanup() {
	delete_pods
	rm -rf "$work"
}
trap cleanup EXIT

# a static busybox image, usable by every executor
cp "$busybox" "$work/rootfs/bin/busybox"
[ -n "$extra_filter" ] && cp "$extra_filter" "$work/rootfs/bin/extra-filter"
for applet in sh sleep echo cat id grep true false touch ls; do
	ln -s busybox "$work/rootfs/bin/$applet"
done
"$k" image import test/busybox:1 "$work/rootfs" >/dev/null
"$k" image import hashicorp/http-echo:1.0 "$echo_bin" >/dev/null
mkdir -p "$work/profiles"
cat >"$work/profiles/deny-mkdir.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
EOF
cp "$(dirname "$0")/fixtures/profiles/tutorial/fine-grained.json" "$work/profiles/"
"$k" node load "$work/profiles" --as test >/dev/null

pod() { # NAME RESTART_POLICY: a pod header; the containers follow on stdin
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  restartPolicy: %s\n' "$1" "$2"
	cat
}
first_pid() { # POD: the first process of its first container
	"$k" get pods "$1" -o json | python3 -c 'import json, sys
for c in json.load(sys.stdin)["items"][0]["status"]["containerStatuses"]:
    for p in c.get("processes", []):
        print(p); sys.exit(0)'
}

# --- init containers run in order, to completion, before the containers ------------------
pod init-order Never >"$work/m/init.yaml" <<'EOF'
  initContainers:
  - name: first
    image: test/busybox:1
    command: ["sh", "-c", "echo first; sleep 0.3"]
  - name: second
    image: test/busybox:1
    command: ["sh", "-c", "echo second"]
  containers:
  - name: main
    image: test/busybox:1
    command: ["sh", "-c", "echo main"]
EOF
"$k" apply -f "$work/m/init.yaml" >/dev/null
pod_wait init-order 3 Completed 15
check "init containers, then the container: Completed" "Completed" "$(pod_field init-order 3)"
check "logs -c first" "first" "$("$k" logs init-order -c first)"
check "logs of the only container by default" "main" "$("$k" logs init-order)"
started() { "$k" get pods init-order -o json | python3 -c 'import json, sys
s = json.load(sys.stdin)["items"][0]["status"]
print(" ".join(c["name"] for c in sorted(s["initContainerStatuses"] + s["containerStatuses"], key=lambda c: c["state"]["terminated"]["finishedAt"])))'; }
check "each init container finished before the next started" "first second main" "$(started)"
"$k" delete pod init-order --now >/dev/null

# --- a failing init container blocks the pod ----------------------------------------------
pod init-fails Never >"$work/m/init-fails.yaml" <<'EOF'
  initContainers:
  - name: broken
    image: test/busybox:1
    command: ["false"]
  containers:
  - name: main
    image: test/busybox:1
    command: ["sh", "-c", "echo never"]
EOF
"$k" apply -f "$work/m/init-fails.yaml" >/dev/null
pod_wait init-fails 3 Init:Error 10
check "a failed init container: Init:Error, the container never runs" "Init:Error" "$(pod_field init-fails 3)"
check "the container wrote nothing" "" "$("$k" logs init-fails -c main)"
"$k" delete pod init-fails --now >/dev/null

# --- sidecar: a restartable init container keeps running ----------------------------------
pod sidecar Always >"$work/m/sidecar.yaml" <<'EOF'
  initContainers:
  - name: helper
    image: test/busybox:1
    restartPolicy: Always
    command: ["sleep", "600"]
  containers:
  - name: main
    image: test/busybox:1
    command: ["sleep", "600"]
EOF
"$k" apply -f "$work/m/sidecar.yaml" >/dev/null
pod_wait sidecar 2 2/2 10
check "sidecar and container both run: 2/2 Running" "2/2 Running" "$(pod_field sidecar 2) $(pod_field sidecar 3)"
"$k" delete pod sidecar --now >/dev/null

# --- restart policies ---------------------------------------------------------------------
pod never-fails Never >"$work/m/never.yaml" <<'EOF'
  containers:
  - name: main
    image: test/busybox:1
    command: ["sh", "-c", "echo failing; exit 3"]
EOF
"$k" apply -f "$work/m/never.yaml" >/dev/null
pod_wait never-fails 3 Error 10
check "Never: a failed container stays Error, 0 restarts" "Error 0" "$(pod_field never-fails 3) $(pod_field never-fails 4)"
check "describe: exit code 3" "3" "$("$k" describe pod never-fails | awk '/Exit Code:/ { print $3; exit }')"
"$k" delete pod never-fails --now >/dev/null

pod onfailure-ok OnFailure >"$work/m/onfailure.yaml" <<'EOF'
  containers:
  - name: main
    image: test/busybox:1
    command: ["true"]
EOF
"$k" apply -f "$work/m/onfailure.yaml" >/dev/null
pod_wait onfailure-ok 3 Completed 10
sleep 0.5
check "OnFailure: a container that succeeds is Completed, not restarted" "Completed 0" \
	"$(pod_field onfailure-ok 3) $(pod_field onfailure-ok 4)"
"$k" delete pod onfailure-ok --now >/dev/null

pod crashloop Always >"$work/m/crashloop.yaml" <<'EOF'
  containers:
  - name: main
    image: test/busybox:1
    command: ["sh", "-c", "echo run; exit 1"]
EOF
"$k" apply -f "$work/m/crashloop.yaml" >/dev/null
pod_wait crashloop 3 CrashLoopBackOff 10
check "Always: restarted at once, then CrashLoopBackOff" "CrashLoopBackOff 1" \
	"$(pod_field crashloop 3) $(pod_field crashloop 4)"
sleep 2
check "the back-off holds the next restart for 10 s" "1" "$(pod_field crashloop 4)"
check "logs --previous: the run before" "run" "$("$k" logs crashloop --previous)"
check "describe: the back-off message" "back-off 10s restarting failed container=main pod=crashloop" \
	"$("$k" describe pod crashloop | sed -n 's/^ *Message: *//p' | head -1)"
"$k" delete pod crashloop --now >/dev/null

# --- securityContext: user, capabilities, no_new_privs; the profile in the kernel ---------
pod secctx Never >"$work/m/secctx.yaml" <<'EOF'
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: test/deny-mkdir.json
  containers:
  - name: user
    image: test/busybox:1
    command: ["sh", "-c", "id -u; id -g; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status"]
    securityContext:
      runAsUser: 1000
      runAsGroup: 2000
      allowPrivilegeEscalation: false
  - name: caps
    image: test/busybox:1
    command: ["sh", "-c", "grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status; mkdir /tmp/x 2>&1 || echo denied"]
    securityContext:
      capabilities:
        drop: ["ALL"]
        add: ["NET_BIND_SERVICE"]
EOF
"$k" apply -f "$work/m/secctx.yaml" >/dev/null
pod_wait secctx 3 Completed 10
out=$("$k" logs secctx -c user | tr '\t' ' ' | tr -s ' ')
check "runAsUser and runAsGroup" "1000 2000" "$(echo "$out" | sed -n '1p;2p' | tr '\n' ' ' | sed 's/ $//')"
check "a non-root user has no effective capabilities" "CapEff: 0000000000000000" "$(echo "$out" | grep CapEff)"
check "allowPrivilegeEscalation: false sets no_new_privs" "NoNewPrivs: 1" "$(echo "$out" | grep NoNewPrivs)"
check "the pod's Localhost profile is installed" "Seccomp: 2" "$(echo "$out" | grep Seccomp)"
out=$("$k" logs secctx -c caps | tr '\t' ' ' | tr -s ' ')
check "capabilities: drop ALL, add NET_BIND_SERVICE" "CapBnd: 0000000000000400" "$(echo "$out" | grep CapBnd)"
check "and effective as root" "CapEff: 0000000000000400" "$(echo "$out" | grep CapEff)"
check "the profile denies mkdir" "yes" "$(echo "$out" | grep -q denied && echo yes || echo no)"
"$k" delete pod secctx --now >/dev/null

# --- runc's order: without no_new_privs the filter goes in before the capabilities change -
# (libcontainer/standard_init_linux.go): installing it needs no no_new_privs then, and the
# profile sees the runtime's capset and prctl. runc 1.1 and crun do so; every executor must.
pod rd-nnp Never >"$work/m/rd-nnp.yaml" <<'EOF'
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
  - name: main
    image: test/busybox:1
    command: ["sh", "-c", "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status"]
EOF
"$k" apply -f "$work/m/rd-nnp.yaml" >/dev/null
pod_wait rd-nnp 3 Completed 10
out=$("$k" logs rd-nnp | tr '\t' ' ' | tr -s ' ' | tr '\n' ' ' | sed 's/ $//')
check "RuntimeDefault without allowPrivilegeEscalation: filtered, no_new_privs not set" \
	"NoNewPrivs: 0 Seccomp: 2" "$out"
"$k" delete pod rd-nnp --now >/dev/null
# The tutorial's fine-grained.json allows neither capset nor prctl: a runtime cannot start
# the container after installing it, unless no_new_privs lets the filter go in last.
fine_pod() { # NAME PORT [CONTAINER_SECURITY_CONTEXT]
	pod "$1" Never <<EOF
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: test/fine-grained.json
  containers:
  - name: main
    image: hashicorp/http-echo:1.0
    args: ["-listen=:$2", "-text=fine"]
    ${3:-}
EOF
}
fine_pod fine-esc 25681 >"$work/m/fine-esc.yaml"
"$k" apply -f "$work/m/fine-esc.yaml" >/dev/null 2>"$work/fine-esc.err"
check "fine-grained.json without allowPrivilegeEscalation: false: apply refuses it first" 1 $?
check "and says why: the runtime's own calls" yes \
	"$(grep -q "pod fine-esc, container main: .* without no_new_privs cannot start it: .*--force applies it anyway" \
		"$work/fine-esc.err" && echo yes || cat "$work/fine-esc.err")"
"$k" apply --force -f "$work/m/fine-esc.yaml" >/dev/null
pod_wait fine-esc 3 Error 10
check "fine-grained.json without allowPrivilegeEscalation: false cannot start: Error" \
	"Error" "$(pod_field fine-esc 3)"
check "and its server never ran" "no" \
	"$("$k" logs fine-esc | grep -q 'server is listening' && echo yes || echo no)"
check "describe says why, not only the logs" yes \
	"$("$k" describe pod fine-esc | grep -q 'Warning  SeccompStartup .*cannot start it' && echo yes || echo no)"
"$k" delete pod fine-esc --now >/dev/null
fine_pod fine-nnp 25682 'securityContext: {allowPrivilegeEscalation: false}' \
	>"$work/m/fine-nnp.yaml"
"$k" apply -f "$work/m/fine-nnp.yaml" >/dev/null
pod_wait fine-nnp 3 Running 10
check "with allowPrivilegeEscalation: false it runs and answers" "fine" \
	"$(python3 -c 'import time, urllib.request
for _ in range(50):
    try: print(urllib.request.urlopen("http://127.0.0.1:25682/", timeout=1).read().decode().strip()); break
    except Exception: time.sleep(0.1)')"
"$k" delete pod fine-nnp --now >/dev/null

# the live filter equals the profile (kseccomp dump compares the kernel's program with it)
pod dumped Always >"$work/m/dumped.yaml" <<'EOF'
  containers:
  - name: main
    image: hashicorp/http-echo:1.0
    args: ["-listen=:25678", "-text=dumped"]
    securityContext:
      seccompProfile:
        type: Localhost
        localhostProfile: test/deny-mkdir.json
EOF
"$k" apply -f "$work/m/dumped.yaml" >/dev/null
pod_wait dumped 3 Running 10
python3 -c 'import time, urllib.request
for _ in range(50):
    try: urllib.request.urlopen("http://127.0.0.1:25678/health", timeout=1); break
    except Exception: time.sleep(0.1)'
pid=$(first_pid dumped)
if [ -n "$pid" ]; then
	"$k" dump --profile "$work/kubelet/seccomp/test/deny-mkdir.json" "$pid" >"$work/dump.out" 2>&1
	check "kseccomp dump: the kernel's filter decides as the profile" "0" "$?"
	# -o json: the same facts as data, a document that parses, whatever the comparison says
	"$k" dump -o json --profile "$work/kubelet/seccomp/test/deny-mkdir.json" "$pid" \
		>"$work/dump.json" 2>"$work/dump.err"
	check "dump -o json --profile: no difference, exit 0" "0" "$?"
	check "dump -o json: the pid, each filter with its program, the comparison" "yes" \
		"$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
f, c = d["filters"], d["comparison"]
ok = (d["pid"] == int(sys.argv[2]) and len(f) >= 1 and f[0]["index"] == 0 and f[0]["newest"]
      and all(x["instructions"] == len(x["program"]) > 0 and "asm" in x["program"][0] for x in f)
      and c["same"] and c["differences"] == 0 and c["shown"] == [] and c["inputs"] > 0)
print("yes" if ok else "no: " + json.dumps(d)[:400])' "$work/dump.json" "$pid" 2>&1)"
	"$k" dump -o json --profile "$work/profiles/fine-grained.json" "$pid" >"$work/dump.json" 2>&1
	check "dump -o json --profile: a difference, exit 1" "1" "$?"
	check "dump -o json: the differences, each call and both decisions" "yes" \
		"$(python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))["comparison"]
s = c["shown"]
ok = (not c["same"] and c["differences"] >= len(s) > 0
      and all(set(x) >= {"arch", "nr", "syscall", "args", "live", "profile"} for x in s))
print("yes" if ok else "no: " + json.dumps(c)[:400])' "$work/dump.json" 2>&1)"
	"$k" dump -o yaml "$pid" >"$work/dump.yaml" 2>&1
	check "dump -o yaml: the filters as YAML" "yes" \
		"$(grep -q '^filters:$' "$work/dump.yaml" && grep -q '^- index: 0$' "$work/dump.yaml" &&
			grep -q '^  program:$' "$work/dump.yaml" && echo yes || head -5 "$work/dump.yaml")"
fi

# --- node scan --local: the filter each container really has, and drift ----------------------
cp "$work/profiles/deny-mkdir.json" "$work/kubelet/seccomp/test/scan-edited.json"
cp "$work/profiles/deny-mkdir.json" "$work/kubelet/seccomp/test/scan-deleted.json"
for p in scan-rd:RuntimeDefault scan-un:Unconfined scan-edited:Localhost scan-deleted:Localhost \
	scan-priv:RuntimeDefault scan-extra:RuntimeDefault; do
	name=${p%%:*} type=${p#*:}
	lh="" command='["sleep", "1000"]' priv=""
	[ "$type" = Localhost ] && lh=", localhostProfile: test/$name.json"
	[ "$name" = scan-priv ] && priv="privileged: true, "
	[ "$name" = scan-extra ] && command='["/bin/extra-filter", "/bin/sleep", "1000"]'
	pod "$name" Always <<EOF
  containers:
  - name: main
    image: test/busybox:1
    command: $command
    securityContext: {${priv}seccompProfile: {type: $type$lh}}
EOF
	echo ---
done >"$work/m/scan.yaml"
"$k" apply -f "$work/m/scan.yaml" >/dev/null
for p in scan-rd scan-un scan-edited scan-deleted scan-priv scan-extra; do
	pod_wait $p 3 Running 10
done
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["rmdir"], "action": "SCMP_ACT_ERRNO"}]}' \
	>"$work/kubelet/seccomp/test/scan-edited.json"
rm "$work/kubelet/seccomp/test/scan-deleted.json"
scan_local() {
	"$k" node scan --local -o json 2>&1 | python3 -c 'import json, sys
for r in json.load(sys.stdin):
    if r["pod"].startswith("scan-"):
        print(r["pod"], r["verdict"], r["filters"])' 2>&1 | tr '\n' '|' | sed 's/|$//'
}
# (Running is what the monitor says once it has started the runtime: the workload, under its
# filter, follows a moment later)
want="scan-deleted localhost-missing 1|scan-edited localhost-changed 1|scan-extra filter-differs 2|scan-priv privileged 0|scan-rd ok 1|scan-un unconfined 0"
i=0
while [ "$(scan_local)" != "$want" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "node scan --local: each container's verdict" "$want" "$(scan_local)"
# a process entered into the container's namespaces without its filter (the host executor
# gives the container no pid namespace of its own to enter)
if [ "$runtime" != host ]; then
	rd_pid=$("$k" node scan --local -o json | python3 -c 'import json, sys
print(next(r["pid"] for r in json.load(sys.stdin) if r["pod"] == "scan-rd"))')
	nsenter -t "$rd_pid" -p -m /bin/sleep 1007 &
	nsenter_pid=$!
	sleep 0.3
	check "node scan --local --pod: the main process, and one that escaped its filter" \
		"1 main|0 escaped" \
		"$("$k" node scan --local --pod default/scan-rd -o json | python3 -c 'import json, sys
for c in json.load(sys.stdin):
    for p in c["processes"]:
        print(p["filters"], p["verdict"])' | tr '\n' '|' | sed 's/|$//')"
	kill "$nsenter_pid" 2>/dev/null
fi
"$k" delete pod scan-rd scan-un scan-edited scan-deleted scan-priv scan-extra --now >/dev/null

# --- RuntimeDefault as a given containerd release renders it ---------------------------------
pod rd-16 Always >"$work/m/rd-16.yaml" <<'EOF'
  containers:
  - name: main
    image: test/busybox:1
    command: ["sleep", "1000"]
    securityContext:
      seccompProfile:
        type: RuntimeDefault
EOF
"$k" apply --containerd-version 1.6 -f "$work/m/rd-16.yaml" >/dev/null
pod_wait rd-16 3 Running 10
i=0
while [ -z "$(first_pid rd-16)" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.2 # the workload under its filter, after the runtime's own start
pid=$(first_pid rd-16)
check "apply --containerd-version: describe names the release" "RuntimeDefault: containerd 1.6's" \
	"$("$k" describe pod rd-16 | grep '^RuntimeDefault:' | tr -s ' ')"
for v in 1.6 latest; do
	"$k" kube inspect --containerd-version $v --root-dir "$work/kubelet" -f "$work/m/rd-16.yaml" \
		-c main >"$work/rd-$v.json"
done
# (crun builds no ENOSYS stub: dump compiles as the runtime does)
as=runc
[ "$runtime" = crun ] && as=crun
if [ -n "$pid" ]; then
	"$k" dump --runtime $as --profile "$work/rd-1.6.json" "$pid" >"$work/dump.out" 2>&1
	check "the container's filter is containerd 1.6's RuntimeDefault" "0" "$?"
	"$k" dump --runtime $as --profile "$work/rd-latest.json" "$pid" >"$work/dump.out" 2>&1
	check "not the latest's (io_uring, socket families, newer syscalls)" "1" "$?"
else
	check "the container runs" "a pid" ""
fi
"$k" delete pod rd-16 --now >/dev/null

# --- the host executor's namespaces ---------------------------------------------------------
if [ "$runtime" = host ] && [ "$(id -u)" = 0 ]; then
	pod in-ns Never >"$work/m/ns.yaml" <<'EOF'
  containers:
  - name: main
    image: test/busybox:1
    command: ["sh", "-c", "echo pid=$$; cat /proc/sys/kernel/hostname; echo /proc/[0-9]*"]
EOF
	"$k" apply --namespaces pid,mount,uts,ipc -f "$work/m/ns.yaml" >/dev/null
	pod_wait in-ns 3 Completed 10
	# The shell expands the glob itself, so pid 1 is the only process then: a count through
	# a pipe raced with the pipe's own processes.
	check "--namespaces pid,mount,uts,ipc: pid 1, the pod's host name, its own /proc" \
		"pid=1 in-ns /proc/1" "$("$k" logs in-ns | tr '\n' ' ' | sed 's/ $//')"
	"$k" delete pod in-ns --now >/dev/null
fi

# --- kill -9 of a monitor: delete still leaves nothing behind -----------------------------
monitor=$(awk -F'\t' '/^pod/ { for (i = 1; i <= NF; i++) if ($i ~ /^monitor=/) print substr($i, 9) }' \
	"$work/state/pods/dumped/status")
kill -9 "$monitor"
sleep 0.5
check "a killed monitor: the pod shows Unknown" "Unknown" "$(pod_field dumped 3)"
"$k" delete pod dumped --now >/dev/null
sleep 0.3
alive() { # PID: not gone, and not a zombie waiting for init to reap it
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]
}
check "after delete no process of the pod is left" "" \
	"$(for p in $(pgrep -f 'text=dumped') $pid; do alive "$p" && echo "$p"; done)"
check "nor its state" "no" "$([ -e "$work/state/pods/dumped" ] && echo yes || echo no)"

# --- fail closed: nothing starts from an invalid manifest ---------------------------------
cat >"$work/m/bad.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: good-one
spec:
  containers:
  - name: main
    image: test/busybox:1
    command: ["sleep", "600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: bad-one
spec:
  securityContext:
    seccompProfile:
      type: Localhost
  containers:
  - name: main
    image: test/busybox:1
EOF
"$k" apply -f "$work/m/bad.yaml" >"$work/out" 2>"$work/err"
check "an invalid pod: exit status 1" "1" "$?"
check "the API server's message, with file:line:column" "yes" \
	"$(grep -q 'bad.yaml:1[0-9]:[0-9]*: .*localhostProfile: Required value' "$work/err" && echo yes || echo no)"
check "and no pod of the file was created" "" "$(ls "$work/state/pods" 2>/dev/null)"
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n  - name: main\n    image: test/busybox:1\n' >"$work/m/badname.yaml"
"$k" apply -f "$work/m/badname.yaml" >/dev/null 2>"$work/err"
check "a pod name that is not a DNS subdomain is refused" "1 yes" \
	"$? $(grep -q 'metadata.name: Invalid value: "Bad_Name"' "$work/err" && echo yes || echo no)"

# --- apply twice; images that are not there -----------------------------------------------
pod twice Always >"$work/m/twice.yaml" <<'EOF'
  containers:
  - name: main
    image: test/busybox:1
    command: ["sleep", "600"]
EOF
"$k" apply -f "$work/m/twice.yaml" >/dev/null
check "apply of the same pod again: unchanged" "pod/twice unchanged" "$("$k" apply -f "$work/m/twice.yaml")"
sed 's/600/601/' "$work/m/twice.yaml" >"$work/m/twice2.yaml"
"$k" apply -f "$work/m/twice2.yaml" >/dev/null 2>&1
check "a changed spec is refused" "1" "$?"
"$k" delete pod twice --now >/dev/null
pod noimage Always >"$work/m/noimage.yaml" <<'EOF'
  containers:
  - name: main
    image: example/not-imported:1
EOF
"$k" apply -f "$work/m/noimage.yaml" >/dev/null
pod_wait noimage 3 ErrImageNeverPull 10
check "an image not in the store: ErrImageNeverPull" "ErrImageNeverPull" "$(pod_field noimage 3)"
"$k" delete pod noimage --now >/dev/null
check "delete of a pod that does not exist" "1" "$("$k" delete pod nosuchpod >/dev/null 2>&1; echo $?)"

# --- 20 pods at once ----------------------------------------------------------------------
i=0
while [ $i -lt 20 ]; do
	if [ $((i % 2)) = 0 ]; then
		pod "many-$i" Always <<'EOF'
  containers:
  - name: main
    image: test/busybox:1
    command: ["sleep", "600"]
EOF
	else
		pod "many-$i" Never <<'EOF'
  containers:
  - name: main
    image: test/busybox:1
    command: ["sh", "-c", "exit 0"]
EOF
	fi
	echo "---"
	i=$((i + 1))
done >"$work/m/many.yaml"
"$k" apply -f "$work/m/many.yaml" >/dev/null
check "20 pods created" "20" "$(ls "$work/state/pods" | grep -c '^many-')"
deadline=$(($(date +%s) + 60))
while [ "$(date +%s)" -lt $deadline ]; do
	states=$("$k" get pods | awk 'NR > 1 { print $3 }' | sort | uniq -c | tr -s ' ' | tr '\n' ';')
	[ "$states" = " 10 Completed; 10 Running;" ] && break
	sleep 0.2
done
check "20 pods at once: 10 Running, 10 Completed" " 10 Completed; 10 Running;" "$states"
"$k" delete pod $(ls "$work/state/pods") --now >/dev/null
check "all deleted" "" "$(ls "$work/state/pods")"
check "no process of theirs left" "" "$(pgrep -f "$work/images" ; pgrep -x 'sleep' -a | grep ' 600$')"

tap_done
