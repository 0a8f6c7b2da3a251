#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The shipped cluster install (deploy/): every manifest passes kseccomp's own validation, and
# Pod Security Admission's checks but those the namespace's privileged level is for; the ConfigMap is exactly what `profile bundle`
# makes of examples/profiles; the DaemonSet's paths agree with its volumes; the ConfigMap,
# mounted as the kubelet mounts it, is installed by `node sync` byte for byte, as the
# DaemonSet runs it; `kubectl apply --dry-run` where kubectl reaches a cluster.
# Usage: deploy.sh KSECCOMP SOURCE_ROOT WORKDIR. Prints TAP.
set -u
k=$1 src=$2 work=$3
. "$(dirname "$0")/tap.sh"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
d=$src/deploy/kubernetes

for f in "$d"/namespace.yaml "$d"/profiles.yaml "$d"/daemonset.yaml "$d"/scan.yaml; do
	out=$("$k" kube validate -f "$f" 2>&1)
	check "kube validate $(basename "$f")" "0" "$?"
done
# The checks of Pod Security Admission each DaemonSet fails at restricted: only those the
# namespace's comment gives as the reason it enforces the privileged level, never seccomp.
psa_failed() {
	"$k" kube check --level restricted -o json -f "$1" 2>/dev/null | python3 -c '
import json, sys
print(" ".join(sorted({v["check"] for p in json.load(sys.stdin) for v in p["violations"]})))'
}
check "the namespace enforces PSA's privileged level" "1" \
	"$(grep -c 'pod-security.kubernetes.io/enforce: privileged' "$d/namespace.yaml")"
check "the sync DaemonSet fails restricted only for its hostPath volume and root user" \
	"restrictedVolumes runAsNonRoot runAsUser" "$(psa_failed "$d/daemonset.yaml")"
check "the sync container runs under RuntimeDefault" "sync RuntimeDefault OK" \
	"$("$k" kube resolve -f "$d/daemonset.yaml" | awk 'NR == 2 { print $2, $4, $NF }')"

# the scan DaemonSet: its hostPID, capabilities and hostPath volumes are the privileged
# level's, which the namespace enforces; its seccomp profile passes
check "the scan DaemonSet fails restricted only for host access, never for seccomp" \
	"capabilities_restricted hostNamespaces restrictedVolumes runAsNonRoot runAsUser" \
	"$(psa_failed "$d/scan.yaml")"
check "the scan container runs under RuntimeDefault" "scan RuntimeDefault OK" \
	"$("$k" kube resolve -f "$d/scan.yaml" | awk 'NR == 2 { print $2, $4, $NF }')"
facts=$(python3 - "$d/scan.yaml" <<'PYEOF'
import sys
try:
    import yaml
except ImportError:
    print("no-yaml")
    sys.exit(0)
ds = yaml.safe_load(open(sys.argv[1]))
tpl = ds["spec"]["template"]
spec, ann = tpl["spec"], tpl["metadata"]["annotations"]
c = spec["containers"][0]
args = dict(a[2:].split("=", 1) for a in c["args"] if a.startswith("--") and "=" in a)
mounts = {m["name"]: m for m in c["volumeMounts"]}
vols = {v["name"]: v for v in spec["volumes"]}
port = args["serve"].rsplit(":", 1)[1]
print("port-agrees" if port == ann["prometheus.io/port"] == str(c["ports"][0]["containerPort"])
      and ann["prometheus.io/scrape"] == "true" and ann["prometheus.io/path"] == "/metrics"
      else "port-differs")
sock = args["runtime-endpoint"].removeprefix("unix://")
print("socket-mounted" if any(m["mountPath"] == sock and vols[n]["hostPath"]["path"] == sock
                              for n, m in mounts.items()) else "socket-missing")
print("seccomp-dir-readonly" if any(m["mountPath"] == "/var/lib/kubelet/seccomp" and m.get("readOnly")
                                    for m in mounts.values()) else "seccomp-dir")
print("hostpid" if spec.get("hostPID") else "own-pids")
caps = c["securityContext"]["capabilities"]
print("caps-" + ",".join(sorted(caps.get("add", []))) if caps["drop"] == ["ALL"] else "caps-not-dropped")
print("probe-metrics" if c["readinessProbe"]["httpGet"]["path"] == "/metrics" else "probe")
print("kmsg-mounted" if "--audit" not in c["args"] or any(
    m["mountPath"] == "/dev/kmsg" and vols[n]["hostPath"]["path"] == "/dev/kmsg"
    for n, m in mounts.items()) else "kmsg-missing")
PYEOF
)
if [ "$facts" = no-yaml ]; then
	skip "the scan DaemonSet's port, socket, mounts and capabilities" "python3-yaml is not installed"
else
	check "the scan DaemonSet's port, socket, mounts and capabilities" \
		"port-agrees socket-mounted seccomp-dir-readonly hostpid caps-SYSLOG,SYS_ADMIN,SYS_PTRACE probe-metrics kmsg-mounted" \
		"$(echo $facts)"
fi

"$k" profile bundle "$src/examples/profiles" --output-file "$work/profiles.yaml" >/dev/null 2>&1
check "profiles.yaml is 'kseccomp profile bundle examples/profiles', unedited" "same" \
	"$(cd "$src" && "$k" profile bundle examples/profiles | cmp -s - "$d/profiles.yaml" && echo same)"

# the DaemonSet's arguments against its volumes, and what it promises
facts=$(python3 - "$d/daemonset.yaml" <<'PYEOF'
import sys
try:
    import yaml
except ImportError:
    yaml = None
text = open(sys.argv[1]).read()
if yaml is None:
    print("no-yaml")
    sys.exit(0)
ds = yaml.safe_load(text)
spec = ds["spec"]["template"]["spec"]
c = spec["containers"][0]
args = dict(a[2:].split("=", 1) for a in c["args"] if a.startswith("--") and "=" in a)
mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
vols = {v["name"]: v for v in spec["volumes"]}
host = [v for v in vols.values() if "hostPath" in v][0]
host_mount = mounts[host["name"]]
cm = [v for v in vols.values() if "configMap" in v][0]
sc = c["securityContext"]
probe = c["readinessProbe"]["exec"]["command"]
print("from-is-configmap" if mounts[cm["name"]] == args["from"] else "from-differs")
print("hostpath-is-root" if host_mount == args["root-dir"] + "/seccomp" == host["hostPath"]["path"] else "hostpath-differs")
print("probe-same-sync" if "--as=" + args["as"] in probe and "--root-dir=" + args["root-dir"] in probe else "probe-differs")
print("tolerates-all" if {"operator": "Exists"} in spec["tolerations"] else "not-all-nodes")
print("readonly-root" if sc.get("readOnlyRootFilesystem") else "writable-root")
print("no-caps" if sc["capabilities"]["drop"] == ["ALL"] and not sc.get("allowPrivilegeEscalation", True) else "caps")
print("limits" if c["resources"].get("limits") else "no-limits")
print("configmap-" + cm["configMap"]["name"])
ann = ds["spec"]["template"]["metadata"].get("annotations", {})
print("metrics-port-agrees" if args["metrics"].rsplit(":", 1)[1] == ann.get("prometheus.io/port")
      == str(c["ports"][0]["containerPort"]) and ann.get("prometheus.io/scrape") == "true"
      else "metrics-port-differs")
PYEOF
)
if [ "$facts" = no-yaml ]; then
	skip "the DaemonSet's paths agree with its volumes" "python3-yaml is not installed"
else
	check "the DaemonSet's paths, probe, tolerations and security context" \
		"from-is-configmap hostpath-is-root probe-same-sync tolerates-all readonly-root no-caps limits configmap-kseccomp-profiles metrics-port-agrees" \
		"$(echo $facts)"
fi

# the ConfigMap mounted as the kubelet mounts one, then the DaemonSet's sync, by hand
mkdir -p "$work/etc/profiles" "$work/kubelet"
python3 - "$d/profiles.yaml" "$work/etc/profiles" <<'PYEOF'
import os, sys
try:
    import yaml
except ImportError:
    sys.exit(3)
cm = yaml.safe_load(open(sys.argv[1]))
root = sys.argv[2]
gen = "..2026_11_23_00_00_00.1"
os.mkdir(os.path.join(root, gen))
for key, value in cm["data"].items():
    with open(os.path.join(root, gen, key), "w") as f:
        f.write(value)
os.symlink(gen, os.path.join(root, "..data"))
for key in cm["data"]:
    os.symlink(os.path.join("..data", key), os.path.join(root, key))
PYEOF
if [ $? -eq 3 ]; then
	skip "node sync installs the mounted ConfigMap" "python3-yaml is not installed"
else
	"$k" node sync --from="$work/etc/profiles" --as=kseccomp --root-dir="$work/kubelet" --prune --once >/dev/null
	check "node sync, as the DaemonSet runs it, installs the mounted ConfigMap" "0" "$?"
	same=0
	for f in "$src"/examples/profiles/*.json; do
		cmp -s "$f" "$work/kubelet/seccomp/kseccomp/$(basename "$f")" && same=$((same + 1))
	done
	check "every profile arrives byte for byte" "$(ls "$src"/examples/profiles/*.json | wc -l)" "$same"
	"$k" node status --as=kseccomp --root-dir="$work/kubelet" --max-age=180 >/dev/null
	check "the readiness probe's command reports ready" "0" "$?"
	check "node status -o yaml says what -o json says" "same" "$(python3 -c '
import json, subprocess, sys, yaml
run = lambda f: subprocess.run([sys.argv[1], "node", "status", "--as=kseccomp",
                                "--root-dir=" + sys.argv[2], "-o", f],
                               capture_output=True, text=True).stdout
print("same" if yaml.safe_load(run("yaml")) == json.loads(run("json")) else "differs")' \
		"$k" "$work/kubelet")"
fi

if command -v kubectl >/dev/null 2>&1; then
	check "kubectl kustomize renders the install: Namespace, ConfigMap, two DaemonSets" "ConfigMap DaemonSet DaemonSet Namespace" \
		"$(kubectl kustomize "$d" 2>/dev/null | sed -n 's/^kind: //p' | sort | tr '\n' ' ' | sed 's/ $//')"
else
	skip "kubectl kustomize renders the install" "kubectl is not installed"
fi
if command -v kubectl >/dev/null 2>&1 && timeout 10 kubectl version >/dev/null 2>&1; then
	kubectl apply --dry-run=client -f "$d/namespace.yaml" -f "$d/profiles.yaml" -f "$d/daemonset.yaml" \
		-f "$d/scan.yaml" >/dev/null
	check "kubectl apply --dry-run=client" "0" "$?"
else
	skip "kubectl apply --dry-run=client" "no kubectl that reaches a cluster"
fi

tap_done
