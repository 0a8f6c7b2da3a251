#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""kseccomp's prediction against the real runtime stack, case by case.

For each case of a matrix (pod and container seccomp fields; RuntimeDefault; Localhost
present, missing, a directory, invalid JSON, an unknown action, repeated keys, flags;
Unconfined; unset with and without seccompDefault; privileged; capabilities added and
dropped), one pod runs on a private containerd through the local node's containerd executor
(`kseccomp apply --runtime containerd`, which speaks the CRI as the kubelet does), and three
things are compared with what kseccomp predicts for the same manifest and node:

  outcome   OK, or the reason the container shows (CreateContainerError, StartError, ...):
            `kube resolve -o json` against the container's state
  message   that reason's message, exactly
  spec      the linux.seccomp containerd gave runc (verbose ContainerStatus, info.runtimeSpec)
            against `kube inspect`, keys sorted, for containers that run
  filter    for those with a filter, whether the filter the kernel enforces on the
            container's process (`kseccomp dump --profile`, PTRACE_SECCOMP_GET_FILTER)
            decides every input as that spec compiled as runc compiles it

The runtime is the truth. Differences known today are listed in KNOWN (one "CASE ASPECT" per
line, each with why); the test fails on a difference not listed, and on a listed one that no
longer occurs (the list only shrinks). Usage:

  cri-differential.py KSECCOMP ENDPOINT WORKDIR KNOWN [--oci-runtime runc|crun] [--report]

with a containerd already serving ENDPOINT whose k8s.io namespace has the image
localhost/kseccomp/busybox:1 and whose default runtime handler runs the OCI runtime named
(runc by default; tests/cri-differential.sh sets that up). kseccomp is told that runtime
and the version installed here (`--oci-runtime NAME@VERSION`). Prints TAP; --report prints
every case's comparisons as a table instead. The filter is compiled as the runtime builds
it (`dump --runtime crun`: no ENOSYS stub).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

IMAGE = "localhost/kseccomp/busybox:1"

VALID = {"defaultAction": "SCMP_ACT_ALLOW",
         "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}

# name: (pod-level seccompProfile, container securityContext, profile files, seccompDefault)
# A profile file is text (written as is) or None for a directory.
def cases():
    lh = lambda p: {"type": "Localhost", "localhostProfile": p}
    rd = {"type": "RuntimeDefault"}
    un = {"type": "Unconfined"}
    valid = json.dumps(VALID)
    c = {}
    c["container-runtime-default"] = (None, {"seccompProfile": rd}, {}, False)
    c["pod-runtime-default"] = (rd, {}, {}, False)
    c["container-localhost"] = (None, {"seccompProfile": lh("valid.json")}, {"valid.json": valid}, False)
    c["pod-localhost"] = (lh("valid.json"), {}, {"valid.json": valid}, False)
    c["container-overrides-pod"] = (lh("valid.json"), {"seccompProfile": rd}, {"valid.json": valid}, False)
    c["container-unconfined"] = (None, {"seccompProfile": un}, {}, False)
    c["pod-unconfined"] = (un, {}, {}, False)
    c["unset"] = (None, {}, {}, False)
    c["unset-seccomp-default"] = (None, {}, {}, True)
    c["unconfined-seccomp-default"] = (None, {"seccompProfile": un}, {}, True)
    c["localhost-missing"] = (None, {"seccompProfile": lh("missing.json")}, {}, False)
    c["localhost-directory"] = (None, {"seccompProfile": lh("dir")}, {"dir": None}, False)
    c["localhost-invalid-json"] = (None, {"seccompProfile": lh("bad.json")},
                                   {"bad.json": '{"defaultAction": "SCMP_ACT_ALLOW",'}, False)
    c["localhost-empty"] = (None, {"seccompProfile": lh("empty.json")}, {"empty.json": ""}, False)
    c["localhost-wrong-type"] = (None, {"seccompProfile": lh("type.json")},
                                 {"type.json": '{"defaultAction": 1}'}, False)
    c["localhost-negative-value"] = (None, {"seccompProfile": lh("neg.json")},
                                     {"neg.json": json.dumps({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                                         {"names": ["read"], "action": "SCMP_ACT_ALLOW",
                                          "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]})}, False)
    c["localhost-unknown-action"] = (None, {"seccompProfile": lh("logg.json")},
                                     {"logg.json": '{"defaultAction": "SCMP_ACT_LOGG"}'}, False)
    c["localhost-duplicate-keys"] = (None, {"seccompProfile": lh("dup.json")},
                                     {"dup.json": '{"defaultAction": "SCMP_ACT_ERRNO", "defaultAction": "SCMP_ACT_ALLOW"}'}, False)
    c["localhost-flags"] = (None, {"seccompProfile": lh("flags.json")},
                            {"flags.json": '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"]}'}, False)
    c["localhost-value-two-zero"] = (None, {"seccompProfile": lh("v2.json")},
                                     {"v2.json": json.dumps({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                                         {"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                                          "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}]})}, False)
    c["localhost-rule-without-names"] = (None, {"seccompProfile": lh("nonames.json")},
                                         {"nonames.json": '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ERRNO"}]}'}, False)
    c["localhost-folded-key"] = (None, {"seccompProfile": lh("fold.json")},
                                 {"fold.json": '{"DefaultAction": "SCMP_ACT_ALLOW"}'}, False)
    c["localhost-long-s-key"] = (None, {"seccompProfile": lh("longs.json")},
                                 {"longs.json": '{"defaultAction": "SCMP_ACT_ALLOW", "\u017fyscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'}, False)
    c["localhost-unknown-syscall"] = (None, {"seccompProfile": lh("unknown.json")},
                                      {"unknown.json": '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["not_a_syscall", "mkdir"], "action": "SCMP_ACT_ERRNO"}]}'}, False)
    c["localhost-errno-ret"] = (None, {"seccompProfile": lh("errno.json")},
                                {"errno.json": '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [{"names": ["read", "write", "exit_group", "execve", "brk", "arch_prctl", "mmap", "nanosleep", "clock_nanosleep", "futex", "rt_sigaction", "rt_sigprocmask", "fstatfs", "openat", "getdents64", "close", "fstat", "newfstatat", "statx", "capget", "capset", "prctl", "setgroups", "setgid", "setuid", "getppid", "getpid", "exit", "dup3", "fcntl", "wait4", "sched_yield", "tgkill", "gettid", "sigaltstack", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "getrandom", "mprotect", "munmap", "readlinkat", "epoll_pwait", "epoll_ctl", "epoll_create1", "pipe2", "madvise", "mlock", "getuid", "getgid", "geteuid", "getegid", "uname", "access", "faccessat", "faccessat2", "lseek", "pread64", "ioctl", "stat", "lstat", "open", "readlink", "setsid", "chdir", "fchdir", "setresuid", "setresgid", "nanosleep", "close_range", "poll", "ppoll", "pselect6", "select", "getcwd", "statfs", "umask", "keyctl", "mount", "umount2", "pivot_root", "sethostname", "unshare", "clone", "clone3", "kill", "rt_sigreturn", "write", "writev", "getpgrp", "setpgid", "getpgid", "getsid", "dup", "dup2"], "action": "SCMP_ACT_ALLOW"}]}'}, False)
    # Go's decoder on broken files: its scanner's and its type errors' exact words
    for case, text in [
            ("go-trailing-comma", '{"defaultAction": "SCMP_ACT_ALLOW",}'),
            ("go-single-quote", "{'defaultAction': 'SCMP_ACT_ALLOW'}"),
            ("go-unterminated-string", '{"defaultAction": "SCMP_ACT_ALLOW'),
            ("go-bad-escape", '{"defaultAction": "SCMP_ACT_\\qALLOW"}'),
            ("go-leading-zero", '{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 01}'),
            ("go-bad-literal", '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": tru}'),
            ("go-after-value", '{"defaultAction": "SCMP_ACT_ALLOW"} x'),
            ("go-top-level-array", '[]'),
            ("go-name-number", '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [1], "action": "SCMP_ACT_ERRNO"}]}'),
            ("go-errno-string", '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": "1"}]}'),
            ("go-args-object", '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": {}}]}'),
            ("go-float-index", '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1.5, "value": 1, "op": "SCMP_CMP_EQ"}]}]}'),
            ("go-unknown-operator", '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_XX"}]}]}'),
            ("go-unknown-arch", '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}'),
            ("go-null-default", '{"defaultAction": null, "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'),
    ]:
        c["localhost-" + case] = (None, {"seccompProfile": lh("g.json")}, {"g.json": text}, False)
    # what the OCI runtime makes of what containerd hands it: runc and crun differ
    missing_agent = "/nonexistent/kseccomp-agent.sock"
    allow = {"defaultAction": "SCMP_ACT_ALLOW"}

    def rule(r, **top):
        return json.dumps(dict(allow, syscalls=[r], **top))
    for case, text, sc in [
            ("oci-empty-object", "{}", {}),
            ("oci-null", "null", {}),
            ("oci-errno-on-kill", rule({"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 5}), {}),
            ("oci-default-errno-on-allow", json.dumps(dict(allow, defaultErrnoRet=5)), {}),
            ("oci-errno-too-big", rule({"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 4095}), {}),
            ("oci-errno-wraps", rule({"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 65537}), {}),
            ("oci-errno-too-big-args", rule({"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5000,
                                             "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}), {}),
            ("oci-default-errno-too-big", json.dumps({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 5000,
                                                      "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ALLOW"}]}), {}),
            ("oci-index-6", rule({"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
                                  "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}), {}),
            ("oci-index-6-nnp", rule({"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
                                      "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}),
             {"allowPrivilegeEscalation": False}),
            ("oci-empty-name", rule({"names": [""], "action": "SCMP_ACT_ERRNO"}), {}),
            ("oci-arch-riscv64", json.dumps(dict(allow, architectures=["SCMP_ARCH_RISCV64"])), {}),
            ("oci-arch-s390x", json.dumps(dict(allow, architectures=["SCMP_ARCH_S390X"])), {}),
            ("oci-arch-lower-case", json.dumps(dict(allow, architectures=["SCMP_ARCH_x86_64"])), {}),
            ("oci-flag-log", json.dumps(dict(allow, flags=["SECCOMP_FILTER_FLAG_LOG"])), {}),
            ("oci-flag-unknown", json.dumps(dict(allow, flags=["SECCOMP_FILTER_FLAG_NOPE"])), {}),
            ("oci-notify-no-listener", rule({"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}), {}),
            ("oci-notify-write", rule({"names": ["write"], "action": "SCMP_ACT_NOTIFY"}, listenerPath=missing_agent), {}),
            ("oci-notify-write-nnp", rule({"names": ["write"], "action": "SCMP_ACT_NOTIFY"}, listenerPath=missing_agent),
             {"allowPrivilegeEscalation": False}),
            ("oci-notify-default", json.dumps({"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": missing_agent}), {}),
            ("oci-notify-agent-missing", rule({"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}, listenerPath=missing_agent), {}),
            ("oci-listener-relative", json.dumps(dict(allow, listenerPath="agent.sock")), {}),
            ("oci-operator-unknown-name", rule({"names": ["not_a_syscall"], "action": "SCMP_ACT_ERRNO",
                                                "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_XX"}]}), {}),
            ("oci-rule-as-default", json.dumps({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                {"names": ["mkdir"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 9, "value": 1, "op": "SCMP_CMP_EQ"}]}]}), {}),
            ("oci-second-rule-index", json.dumps({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO"},
                {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]}), {}),
    ]:
        c["localhost-" + case] = (None, dict(sc, seccompProfile=lh("o.json")), {"o.json": text}, False)
    c["privileged-runtime-default"] = (None, {"privileged": True, "seccompProfile": rd}, {}, False)
    c["privileged-localhost-missing"] = (None, {"privileged": True, "seccompProfile": lh("missing.json")}, {}, False)
    c["privileged-unconfined"] = (None, {"privileged": True, "seccompProfile": un}, {}, False)
    c["cap-add-sys-admin"] = (None, {"seccompProfile": rd, "capabilities": {"add": ["SYS_ADMIN"]}}, {}, False)
    c["cap-add-sys-ptrace"] = (None, {"seccompProfile": rd, "capabilities": {"add": ["SYS_PTRACE"]}}, {}, False)
    c["cap-add-two"] = (None, {"seccompProfile": rd, "capabilities": {"add": ["SYS_TIME", "SYS_NICE"]}}, {}, False)
    c["cap-drop-all"] = (None, {"seccompProfile": rd, "capabilities": {"drop": ["ALL"]}}, {}, False)
    c["cap-add-all"] = (None, {"seccompProfile": rd, "capabilities": {"add": ["ALL"]}}, {}, False)
    c["no-privilege-escalation"] = (None, {"seccompProfile": rd, "allowPrivilegeEscalation": False}, {}, False)
    return c


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def manifest(name, pod_profile, sc):
    container = {"name": "c", "image": IMAGE, "command": ["/bin/sleep", "1000"]}
    if sc:
        container["securityContext"] = sc
    spec = {"restartPolicy": "Never", "containers": [container]}
    if pod_profile:
        spec["securityContext"] = {"seccompProfile": pod_profile}
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec})


def normalize(spec):
    return json.dumps(spec, sort_keys=True, separators=(",", ":"))


def predict(k, root, path, seccomp_default, version, oci):
    extra = ["--seccomp-default"] if seccomp_default else []
    # the runtime's own release: its RuntimeDefault is that release's; the OCI runtime's
    extra += ["--containerd-version", version, "--oci-runtime", oci]
    r = run([k, "kube", "resolve", "-f", path, "--root-dir", root, "-o", "json"] + extra)
    try:
        row = json.loads(r.stdout)[0]
        outcome = row["outcome"]
    except (ValueError, IndexError, KeyError):
        return ("?", r.stdout + r.stderr, None, None), None
    # a container that runs: "OK", "OK, but N rules not enforced", "OK on the node", a
    # note saying it runs without a filter, or privileged's note
    if outcome.startswith(("OK", "privileged: ", "the node runs it")):
        reason, message = "OK", ""
    else:
        reason, _, message = outcome.partition(": ")
        if "exitCode" in row:
            reason += f" (exit code {row['exitCode']})"
    spec = enforced = None
    if reason == "OK":
        i = run([k, "kube", "inspect", "-f", path, "-c", "c", "--root-dir", root] + extra)
        try:
            spec = normalize(json.loads(i.stdout))
        except ValueError:
            spec = "?" + i.stdout + i.stderr
        # the profile kseccomp says the runtime enforces, for the kernel's filter to match
        e = run([k, "kube", "inspect", "--enforced", "-f", path, "-c", "c", "--root-dir", root]
                + extra)
        enforced = path + ".enforced.json"
        with open(enforced, "w") as f:
            f.write(e.stdout if e.returncode == 0 else "?" + e.stderr)
    return (reason, message, spec, "same" if spec not in (None, "null") else None), enforced


def observe(k, endpoint, state, root, path, name, seccomp_default, enforced, oci_name):
    env = dict(os.environ, CONTAINER_RUNTIME_ENDPOINT=endpoint)
    base = ["--state-dir", state, "--root-dir", root]
    extra = ["--seccomp-default"] if seccomp_default else []
    a = run([k, "apply", "-f", path, "--runtime", "containerd"] + base + extra, env=env)
    if a.returncode != 0:
        return ("apply failed", a.stderr.strip(), None, None)
    reason, message, spec = "?", "", None
    deadline = time.time() + 15
    while time.time() < deadline:
        g = run([k, "get", "pods", name, "-o", "json", "--state-dir", state])
        try:
            st = json.loads(g.stdout)["items"][0]["status"]["containerStatuses"][0]["state"]
        except (ValueError, IndexError, KeyError):
            st = {}
        if "running" in st:
            # the node marks it running when it asks for the start: containerd says
            # whether it started
            ps = run([k, "cri", "ps", "-o", "json", "-r", endpoint])
            running = [c for c in json.loads(ps.stdout or "[]")
                       if c["labels"].get("io.kubernetes.pod.name") == name]
            if running:
                reason, message = "OK", ""
                break
            time.sleep(0.2)
            continue
        if "terminated" in st:
            t = st["terminated"]
            reason, message = t.get("reason", "?"), t.get("message", "")
            if reason == "StartError":
                reason += f" (exit code {t.get('exitCode')})"
            break
        w = st.get("waiting", {})
        if w.get("reason") not in (None, "ContainerCreating", "PodInitializing"):
            reason, message = w["reason"], w.get("message", "")
            break
        time.sleep(0.2)
    kernel = None
    if reason == "OK":
        ps = run([k, "cri", "ps", "-o", "json", "-r", endpoint])
        cid = next((c["id"] for c in json.loads(ps.stdout)
                    if c["labels"].get("io.kubernetes.pod.name") == name), None)
        if cid:
            info = json.loads(run([k, "cri", "inspect", "-r", endpoint, cid]).stdout)["info"]
            seccomp = info["runtimeSpec"].get("linux", {}).get("seccomp")
            spec = normalize(seccomp)
            if seccomp and enforced:
                kernel = filter_agrees(k, enforced, info["pid"], oci_name)
    run([k, "delete", "pod", name, "--wait", "--now", "--state-dir", state], env=env)
    return (reason, message, spec, kernel)


def filter_agrees(k, enforced, pid, oci_name):
    """Whether the kernel's filter on pid decides as the profile kseccomp says the runtime
    enforces (compiled as that runtime compiles it); with none, whether there is no filter."""
    with open(enforced) as f:
        text = f.read().strip()
    if text == "null":
        d = run([k, "dump", str(pid)])
        return "same" if "no seccomp filter" in (d.stdout + d.stderr) else \
            "differs: a filter where kseccomp says none: " + " ".join(d.stdout.split())[:200]
    d = run([k, "dump", "--runtime", oci_name, "--profile", enforced, str(pid)])
    if d.returncode == 0:
        return "same"
    return "differs: " + " ".join((d.stdout + d.stderr).split())[:300]


def installed(name):
    """NAME@VERSION of the OCI runtime installed here, as `NAME --version` says it."""
    out = run([shutil.which(name) or "/usr/sbin/" + name, "--version"]).stdout
    m = re.search(name + r" version (\d+\.\d+(?:\.\d+)?)", out)
    if not m:
        sys.exit(f"Bail out! {name} --version: {out!r}")
    return f"{name}@{m.group(1)}"


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    k, endpoint, work, known_path = sys.argv[1:5]
    rest = sys.argv[5:]
    report = "--report" in rest
    oci_name = rest[rest.index("--oci-runtime") + 1] if "--oci-runtime" in rest else "runc"
    oci = installed(oci_name)
    known = {}
    with open(known_path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                case, aspect = line.split()[:2]
                known[(case, aspect)] = False
    root, state = os.path.join(work, "kubelet"), os.path.join(work, "state")
    version = json.loads(run([k, "cri", "version", "-r", endpoint, "-o", "json"]).stdout)[
        "runtimeVersion"]
    n = failed = 0
    rows = []
    for name, (pod_profile, sc, files, sd) in sorted(cases().items()):
        shutil.rmtree(os.path.join(root, "seccomp"), ignore_errors=True)
        os.makedirs(os.path.join(root, "seccomp"))
        for fname, text in files.items():
            p = os.path.join(root, "seccomp", fname)
            if text is None:
                os.makedirs(p)
            else:
                with open(p, "w") as f:
                    f.write(text)
        path = os.path.join(work, name + ".json")
        pod = name[:60]
        with open(path, "w") as f:
            f.write(manifest(pod, pod_profile, sc))
        got, enforced = predict(k, root, path, sd, version, oci)
        want = observe(k, endpoint, state, root, path, pod, sd, enforced, oci_name)
        for aspect, w, g in zip(("outcome", "message", "spec", "filter"), want, got):
            if aspect in ("spec", "filter") and (w is None or want[0] != "OK"):
                continue
            same = w == g
            rows.append((name, aspect, same, w, g))
            n += 1
            listed = (name, aspect) in known
            if listed:
                known[(name, aspect)] = not same
            if report:
                continue
            if same and not listed:
                print(f"ok {n} - {name}: {aspect} as containerd")
            elif not same and listed:
                print(f"ok {n} - {name}: {aspect} differs from containerd, as listed (known)")
            elif same:
                failed += 1
                print(f"not ok {n} - {name}: {aspect} now agrees: remove it from {known_path}")
            else:
                failed += 1
                print(f"not ok {n} - {name}: {aspect} differs from containerd")
                print(f"#  containerd: {str(w)[:600]}")
                print(f"#    kseccomp: {str(g)[:600]}")
    if report:
        for name, aspect, same, w, g in rows:
            print(f"{'same' if same else 'DIFF'}\t{name}\t{aspect}\t{str(w)[:200]}\t{str(g)[:200]}")
        return 0
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
