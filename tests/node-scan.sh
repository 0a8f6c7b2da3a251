#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kseccomp node scan against a private containerd (tests/cri-containerd.sh): pods of the local
# node's containerd executor, one for each verdict, on real containers.
# Usage: node-scan.sh KSECCOMP EXTRA-FILTER MKDIR-LOOP WORKDIR. Prints TAP.
set -u
k=$1 extra=$2 mkdir_loop=$3 work=$4
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/tap.sh"
. "$top/tests/cri-containerd.sh"
cri_containerd_start

# an image whose entrypoint adds a filter of its own before it execs (tests/probe)
python3 "$top/scripts/image-archive.py" "$work/extra.tar" localhost/kseccomp/extra:1 \
	--busybox "$busybox" --file "$extra:/bin/extra-filter" --file "$mkdir_loop:/bin/mkdir-loop" \
	-- /bin/sh >/dev/null &&
	ctr --address "$ctd/containerd.sock" -n k8s.io images import "$work/extra.tar" >/dev/null ||
	{
		echo "Bail out! the extra-filter image"
		exit 1
	}

root=$work/kubelet state=$work/state arch=$(uname -m)
mkdir -p "$root/seccomp/scan"
CONTAINER_RUNTIME_ENDPOINT=$endpoint
export CONTAINER_RUNTIME_ENDPOINT
deny_mkdir='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
echo "$deny_mkdir" >"$root/seccomp/scan/edited.json"
echo "$deny_mkdir" >"$root/seccomp/scan/deleted.json"
echo "$deny_mkdir" >"$root/seccomp/scan/kept.json"
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]}' \
	>"$root/seccomp/scan/log-mkdir.json"

sleeper='["/bin/sleep", "1000"]'
pod() { # NAME IMAGE SECURITY_CONTEXT [COMMAND]: a one-container pod
	command=${4:-$sleeper}
	cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1, namespace: scan}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: $2
    command: $command
    securityContext: $3
EOF
}
{
	pod rd localhost/kseccomp/busybox:1 '{seccompProfile: {type: RuntimeDefault}}'
	echo ---
	pod kept localhost/kseccomp/busybox:1 '{seccompProfile: {type: Localhost, localhostProfile: scan/kept.json}}'
	echo ---
	pod edited localhost/kseccomp/busybox:1 '{seccompProfile: {type: Localhost, localhostProfile: scan/edited.json}}'
	echo ---
	pod deleted localhost/kseccomp/busybox:1 '{seccompProfile: {type: Localhost, localhostProfile: scan/deleted.json}}'
	echo ---
	pod unconfined localhost/kseccomp/busybox:1 '{seccompProfile: {type: Unconfined}}'
	echo ---
	pod privileged localhost/kseccomp/busybox:1 '{privileged: true, seccompProfile: {type: RuntimeDefault}}'
	echo ---
	pod extra localhost/kseccomp/extra:1 '{seccompProfile: {type: RuntimeDefault}}' \
		'["/bin/extra-filter", "/bin/sleep", "1000"]'
} >"$work/pods.yaml"
"$k" apply --runtime containerd --state-dir "$state" --root-dir "$root" -f "$work/pods.yaml" \
	>"$work/apply.out" 2>&1
check "seven pods applied" 7 "$(grep -c created "$work/apply.out")"

# every container running
i=0
while [ $i -lt 150 ]; do
	running=$("$k" cri ps -o json 2>/dev/null | python3 -c 'import json, sys
print(sum(1 for c in json.load(sys.stdin) if c["state"] == "Running"))' 2>/dev/null)
	[ "${running:-0}" -ge 7 ] && break
	sleep 0.1
	i=$((i + 1))
done
check "seven containers run" 7 "${running:-0}"

# after they started: one profile edited, one deleted
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["rmdir"], "action": "SCMP_ACT_ERRNO"}]}' \
	>"$root/seccomp/scan/edited.json"
rm "$root/seccomp/scan/deleted.json"

"$k" node scan -o json >"$work/scan.json" 2>"$work/scan.err"
check "node scan: exit 0" 0 "$?"
verdict() { # POD: its verdict
	python3 -c 'import json, sys
for r in json.load(open(sys.argv[1])):
    if r["namespace"] == "scan" and r["pod"] == sys.argv[2]:
        print(r["verdict"])' "$work/scan.json" "$1" 2>&1
}
detail() { # POD: its detail
	python3 -c 'import json, sys
for r in json.load(open(sys.argv[1])):
    if r["namespace"] == "scan" and r["pod"] == sys.argv[2]:
        print(r.get("detail", ""))' "$work/scan.json" "$1" 2>&1
}
field() { # POD FIELD
	python3 -c 'import json, sys
for r in json.load(open(sys.argv[1])):
    if r["namespace"] == "scan" and r["pod"] == sys.argv[2]:
        print(r[sys.argv[3]])' "$work/scan.json" "$1" "$2" 2>&1
}
check "RuntimeDefault: ok" ok "$(verdict rd)"
check "...one filter in the kernel" 1 "$(field rd filters)"
check "a Localhost profile as installed: ok" ok "$(verdict kept)"
check "...named" "$root/seccomp/scan/kept.json" "$(field kept localhostProfile)"
check "a Localhost profile edited after the start: localhost-changed" localhost-changed \
	"$(verdict edited)"
check "...saying where they differ" yes \
	"$(detail edited | grep -q "mkdir ($arch): kernel ERRNO(1), file ALLOW" && echo yes || detail edited)"
check "a Localhost file deleted: localhost-missing" localhost-missing "$(verdict deleted)"
check "Unconfined: unconfined" unconfined "$(verdict unconfined)"
check "...no filter" 0 "$(field unconfined filters)"
check "privileged: privileged" privileged "$(verdict privileged)"
check "a main process with a filter of its own: filter-differs" filter-differs "$(verdict extra)"
check "...two filters in the kernel" 2 "$(field extra filters)"
check "...the calls its own filter fails" yes \
	"$(detail extra | grep -q ": mkdir ($arch): kernel ERRNO(13), spec ALLOW; mkdirat ($arch): kernel ERRNO(13), spec ALLOW\$" && echo yes || detail extra)"
check "no_new_privs as the spec says (extra-filter set it itself: not the spec)" False \
	"$(field extra noNewPrivs)"

# the table, and --fail-on
"$k" node scan >"$work/table" 2>&1
check "the table lists every container" 7 "$(grep -c '^scan ' "$work/table")"
check "...one line each, with its verdict" yes \
	"$(grep -q '^scan  *edited  *main  *Localhost .* localhost-changed$' "$work/table" && echo yes || cat "$work/table")"
"$k" node scan --fail-on unconfined,filter-differs >/dev/null 2>&1
check "--fail-on a verdict that occurs: exit 1" 1 "$?"
"$k" node scan --fail-on unknown >/dev/null 2>&1
check "--fail-on a verdict that does not: exit 0" 0 "$?"
"$k" node scan --fail-on nope >/dev/null 2>&1
check "--fail-on a word that is no verdict: exit 2" 2 "$?"
"$k" node scan -r "unix://$work/no.sock" >"$work/out" 2>&1
check "an endpoint that does not answer: exit 1" 1 "$?"

# --serve: the same findings as Prometheus metrics, read with Debian's prometheus_client
# parser (Debian's own Python: python3-prometheus-client)
if /usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null; then
	"$k" node scan --serve 127.0.0.1:0 --interval 0 --audit 2>"$work/serve.err" &
	serve_pid=$!
	port=""
	i=0
	while [ -z "$port" ] && [ $i -lt 50 ]; do
		port=$(sed -n 's/.*serving metrics on port \([0-9]*\)$/\1/p' "$work/serve.err")
		sleep 0.1
		i=$((i + 1))
	done
	check "--serve listens and says on which port" yes "$([ -n "$port" ] && echo yes || cat "$work/serve.err")"
	# --audit: a container whose profile LOGs mkdir, calling it five times a second
	pod logged localhost/kseccomp/extra:1 \
		'{seccompProfile: {type: Localhost, localhostProfile: scan/log-mkdir.json}}' \
		'["/bin/mkdir-loop"]' >"$work/logged.yaml"
	"$k" apply --runtime containerd --state-dir "$state" --root-dir "$root" \
		-f "$work/logged.yaml" >/dev/null 2>&1
	sleep 3
	/usr/bin/python3 - "$port" >"$work/metrics.out" 2>&1 <<'EOF'
import sys, urllib.error, urllib.request
from prometheus_client.parser import text_string_to_metric_families
base = "http://127.0.0.1:%s" % sys.argv[1]
text = urllib.request.urlopen(base + "/metrics", timeout=10).read().decode()
fams = {f.name: f for f in text_string_to_metric_families(text)}
def value(name, **labels):
    for s in fams[name].samples:
        if all(s.labels.get(k) == v for k, v in labels.items()):
            return int(s.value)
    return None
print("types", fams["kseccomp_containers"].type, fams["kseccomp_scan_errors"].type)
print("localhost-changed", value("kseccomp_containers", seccomp="Localhost", verdict="localhost-changed"))
print("localhost-missing", value("kseccomp_containers", seccomp="Localhost", verdict="localhost-missing"))
print("localhost-ok", value("kseccomp_containers", seccomp="Localhost", verdict="ok"))
print("unconfined", value("kseccomp_containers", seccomp="Unconfined", verdict="unconfined"))
print("extra", value("kseccomp_container_verdict", namespace="scan", pod="extra", verdict="filter-differs"))
print("extra-filters", value("kseccomp_container_filters", namespace="scan", pod="extra"))
print("scan-pods", len([s for s in fams["kseccomp_container_verdict"].samples if s.labels["namespace"] == "scan"]))
logged = [s for s in fams["kseccomp_denials"].samples
          if s.labels["pod"] == "logged" and s.labels["container"] == "main"
          and s.labels["syscall"] in ("mkdir", "mkdirat") and s.labels["action"] == "LOG"]
print("audit", "counted" if logged and logged[0].value >= 1 else [s for s in fams["kseccomp_denials"].samples])
try:
    urllib.request.urlopen(base + "/", timeout=10)
except urllib.error.HTTPError as e:
    print("other path", e.code)
EOF
	check "--serve: metrics a Prometheus parser reads" \
		"types gauge counter|localhost-changed 1|localhost-missing 1|localhost-ok 2|unconfined 1|extra 1|extra-filters 2|scan-pods 8|audit counted|other path 404" \
		"$(tr '\n' '|' <"$work/metrics.out" | sed 's/|$//')"
	kill -TERM "$serve_pid"
	wait "$serve_pid"
	check "--serve stops on SIGTERM, exit 0" 0 "$?"
	"$k" delete pod logged --now --state-dir "$state" >/dev/null 2>&1
else
	skip "--serve: metrics a Prometheus parser reads" "no python3-prometheus-client"
fi

# --pod: process by process. An exec'd process (runc exec, as containerd's exec runs it) gets
# its container's filter; one entered with nsenter gets none; one that adds its own, more.
runc_root=$ctd/state/runc/k8s.io
rd_id=$(field rd id) extra_id=$(field extra id) rd_pid=$(field rd pid)
runc --root "$runc_root" exec -d "$rd_id" /bin/sleep 1001 >/dev/null 2>&1
check "runc exec into the RuntimeDefault container" 0 "$?"
runc --root "$runc_root" exec -d "$extra_id" /bin/extra-filter /bin/extra-filter /bin/sleep 1002 \
	>/dev/null 2>&1
check "runc exec of a process that adds two filters of its own" 0 "$?"
runc --root "$runc_root" exec -d "$extra_id" /bin/sleep 1003 >/dev/null 2>&1
check "runc exec of a plain process into that container" 0 "$?"
nsenter -t "$rd_pid" -p -m /bin/sleep 1004 &
nsenter_pid=$!
sleep 0.5
procs() { # POD: "COMMAND-ARG FILTERS VERDICT" of each process, by its sleep argument
	"$k" node scan --pod "scan/$1" -o json | python3 -c 'import json, sys
for c in json.load(sys.stdin):
    for p in c["processes"]:
        try:
            arg = open("/proc/%d/cmdline" % p["pid"]).read().split(chr(0))[-2]
        except OSError:
            arg = "?"
        print(arg, p["filters"], p["verdict"])' 2>&1 | sort
}
check "--pod: the main process, the exec'd one, the one that escaped" \
	"1000 1 main|1001 1 same|1004 0 escaped" "$(procs rd | tr '\n' '|' | sed 's/|$//')"
check "--pod: fewer filters than its main process (exec'd without the extra one) is escaped" \
	"1000 2 main|1002 3 extra|1003 1 escaped" "$(procs extra | tr '\n' '|' | sed 's/|$//')"
"$k" node scan --pod scan/rd --fail-on escaped >/dev/null 2>&1
check "--pod --fail-on escaped: exit 1" 1 "$?"
"$k" node scan --pod scan/kept --fail-on escaped,extra >/dev/null 2>&1
check "...and 0 for a pod without one" 0 "$?"
"$k" node scan --pod scan/nope >/dev/null 2>&1
check "--pod of no pod: exit 1" 1 "$?"
"$k" node scan --fail-on escaped >/dev/null 2>&1
check "--fail-on escaped without --pod: a usage error" 2 "$?"
kill "$nsenter_pid" 2>/dev/null

"$k" delete pod rd kept edited deleted unconfined privileged extra --now --state-dir "$state" \
	>/dev/null 2>&1
tap_done
