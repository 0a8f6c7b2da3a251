#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""node scan on a node of N containers (default 50), side by side with listing them.

Usage: bench-node-scan.py KSECCOMP [N] [ROUNDS] [distinct]
       (as root, with containerd, runc, busybox)

Starts a private containerd (scripts/containerd.sh, under a temporary directory), runs N pods
through the local node's containerd executor: 60% RuntimeDefault (a third of them with
CAP_SYS_ADMIN added, another spec), 20% Localhost over three profiles, 10% Unconfined, 10%
privileged; with "distinct", every pod a Localhost profile of its own, so that nothing
is compiled or compared only once. Then, ROUNDS times in alternation, it times `kseccomp node scan -o json` (every
container's verbose status, /proc, its filters read and compared with its spec and its
Localhost file) and `kseccomp cri ps -o json` (one ListContainers: the least any scan does),
and prints the best and the median of each and their ratio. Stops everything at the end.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def pod(i, kind, n_profiles):
    sc = {
        "rd": {"seccompProfile": {"type": "RuntimeDefault"}},
        "rd-admin": {"seccompProfile": {"type": "RuntimeDefault"},
                     "capabilities": {"add": ["SYS_ADMIN"]}},
        "lh": {"seccompProfile": {"type": "Localhost",
                                  "localhostProfile": f"bench/p{i % n_profiles}.json"}},
        "un": {"seccompProfile": {"type": "Unconfined"}},
        "priv": {"privileged": True},
    }[kind]
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"scan-{i:03d}", "namespace": "bench"},
            "spec": {"restartPolicy": "Never", "containers": [{
                "name": "main", "image": "localhost/kseccomp/busybox:1",
                "command": ["/bin/sleep", "100000"], "securityContext": sc}]}}


def timed(args, env):
    t = time.perf_counter()
    r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.decode()[:300]}")
    return elapsed


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    k = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    distinct = len(sys.argv) > 4 and sys.argv[4] == "distinct"
    n_profiles = n if distinct else 3
    busybox = shutil.which("busybox")
    if os.getuid() != 0 or not shutil.which("containerd") or not busybox:
        sys.exit("needs root, containerd and busybox")
    work = tempfile.mkdtemp(prefix="bench-node-scan.")
    ctd = os.path.join(work, "ctd")
    root, state = os.path.join(work, "kubelet"), os.path.join(work, "state")
    env = dict(os.environ)
    try:
        for ref, out, cmd in [("localhost/kseccomp/pause:1", "pause.tar", ["/bin/sleep", "2147483647"]),
                              ("localhost/kseccomp/busybox:1", "busybox.tar", ["/bin/sh"])]:
            subprocess.run([sys.executable, os.path.join(TOP, "scripts/image-archive.py"),
                            os.path.join(work, out), ref, "--busybox", busybox, "--"] + cmd,
                           check=True, stdout=subprocess.DEVNULL)
        endpoint = run([os.path.join(TOP, "scripts/containerd.sh"), "start", ctd,
                        os.path.join(work, "pause.tar"), os.path.join(work, "busybox.tar")],
                       check=True).stdout.strip()
        env["CONTAINER_RUNTIME_ENDPOINT"] = endpoint
        os.makedirs(os.path.join(root, "seccomp", "bench"))
        for p in range(n_profiles):
            with open(os.path.join(root, "seccomp", "bench", f"p{p}.json"), "w") as f:
                json.dump({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                    {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 + p}]}, f)
        kinds = ["lh"] if distinct else (["rd"] * 4 + ["rd-admin"] * 2 + ["lh"] * 2 + ["un", "priv"])
        manifest = os.path.join(work, "pods.json")
        with open(manifest, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "List",
                       "items": [pod(i, kinds[i % len(kinds)], n_profiles) for i in range(n)]}, f)
        run([k, "apply", "--runtime", "containerd", "--state-dir", state, "--root-dir", root,
             "-f", manifest], env=env, check=True)
        deadline = time.time() + 300
        while time.time() < deadline:
            ps = json.loads(run([k, "cri", "ps", "-o", "json"], env=env).stdout or "[]")
            if sum(c["state"] == "Running" for c in ps) >= n:
                break
            time.sleep(0.5)
        else:
            sys.exit(f"the {n} containers did not all start")
        scan = json.loads(run([k, "node", "scan", "-o", "json"], env=env).stdout)
        verdicts = {}
        for r in scan:
            verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
        t_scan, t_ps = [], []
        for _ in range(rounds):
            t_scan.append(timed([k, "node", "scan", "-o", "json"], env))
            t_ps.append(timed([k, "cri", "ps", "-o", "json"], env))
        print(f"{n} containers ({', '.join(f'{v} {c}' for v, c in sorted(verdicts.items()))}), "
              f"{rounds} rounds")
        print(f"node scan -o json  best {min(t_scan):.3f} s  median {statistics.median(t_scan):.3f} s")
        print(f"cri ps -o json     best {min(t_ps):.3f} s  median {statistics.median(t_ps):.3f} s")
        print(f"ratio (median)     {statistics.median(t_scan) / statistics.median(t_ps):.1f}x")
    finally:
        if os.path.isdir(os.path.join(state, "pods")):
            run([k, "delete", "pod", "--now", "--state-dir", state]
                + sorted(os.listdir(os.path.join(state, "pods"))), env=env)
        subprocess.run([os.path.join(TOP, "scripts/containerd.sh"), "stop", ctd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
