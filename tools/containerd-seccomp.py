#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Turn one release's containerd DefaultProfile() (contrib/seccomp/seccomp_default.go, Go
source read as data) into kseccomp's description of it (data/containerd/VERSION.json), which
src/lib/defaults-containerd.c renders as that release does:

  {"containerd": "1.6.16", "source": "...", "defaultAction": "SCMP_ACT_ERRNO",
   "arches": {GOARCH: [SCMP_ARCH_...]},          arches(): the profile's architectures
   "syscalls": [RULE...],                         the fixed list, in order
   "kernel": [{"min": [4, 8], "syscalls": [RULE...]}],   appended when the kernel is as new
   "arch": {GOARCH: [RULE...]},                   appended for the build's GOARCH
   "caps": {"CAP_X": {"admin": bool, "syscalls": [RULE...]}},
                                                  appended for each capability of the
                                                  container's bounding set, in its order
   "notAdmin": {"arch": {GOARCH or "default": [RULE...]}, "syscalls": [RULE...]}}
                                                  appended when no capability set admin

RULE is OCI: {"names": [...], "action": "...", "errnoRet": N, "args": [{"index", "value",
"valueTwo", "op"}]}. Usage: containerd-seccomp.py VERSION SOURCE-NAME < seccomp_default.go

  containerd-seccomp.py render TEMPLATE.json GOARCH default|all|none KERNEL
      the profile that release gives a container with Kubernetes' default capabilities,
      all of them (in number order, as for "add: [ALL]") or none, keys sorted: the
      fixtures of tests/containerd-templates.py, rendered apart from kseccomp's C code
"""
import json
import re
import sys

# The constants the templates use (golang.org/x/sys/unix, Linux's values).
CONSTS = {
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000, "AF_ALG": 38, "AF_VSOCK": 40, "ENOSYS": 38, "EPERM": 1,
}
ACTIONS = {"ActAllow": "SCMP_ACT_ALLOW", "ActErrno": "SCMP_ACT_ERRNO", "ActKill": "SCMP_ACT_KILL",
           "ActLog": "SCMP_ACT_LOG", "ActTrap": "SCMP_ACT_TRAP", "ActTrace": "SCMP_ACT_TRACE",
           "ActKillProcess": "SCMP_ACT_KILL_PROCESS", "ActKillThread": "SCMP_ACT_KILL_THREAD"}
OPS = {"OpEqualTo": "SCMP_CMP_EQ", "OpNotEqual": "SCMP_CMP_NE", "OpLessThan": "SCMP_CMP_LT",
       "OpLessEqual": "SCMP_CMP_LE", "OpGreaterThan": "SCMP_CMP_GT",
       "OpGreaterEqual": "SCMP_CMP_GE", "OpMaskedEqual": "SCMP_CMP_MASKED_EQ"}
ARCHES = {"ArchX86": "SCMP_ARCH_X86", "ArchX86_64": "SCMP_ARCH_X86_64", "ArchX32": "SCMP_ARCH_X32",
          "ArchARM": "SCMP_ARCH_ARM", "ArchAARCH64": "SCMP_ARCH_AARCH64",
          "ArchMIPS": "SCMP_ARCH_MIPS", "ArchMIPS64": "SCMP_ARCH_MIPS64",
          "ArchMIPS64N32": "SCMP_ARCH_MIPS64N32", "ArchMIPSEL": "SCMP_ARCH_MIPSEL",
          "ArchMIPSEL64": "SCMP_ARCH_MIPSEL64", "ArchMIPSEL64N32": "SCMP_ARCH_MIPSEL64N32",
          "ArchPPC": "SCMP_ARCH_PPC", "ArchPPC64": "SCMP_ARCH_PPC64",
          "ArchPPC64LE": "SCMP_ARCH_PPC64LE", "ArchS390": "SCMP_ARCH_S390",
          "ArchS390X": "SCMP_ARCH_S390X", "ArchRISCV64": "SCMP_ARCH_RISCV64",
          "ArchLOONGARCH64": "SCMP_ARCH_LOONGARCH64"}


def value(expr):
    """A constant expression of the templates: numbers and unix.NAME joined by | + -."""
    tokens = re.findall(r"unix\.\w+|0[xX][0-9a-fA-F]+|\d+|[|+-]", expr)
    if "".join(tokens) != re.sub(r"\s+", "", expr):
        raise ValueError("cannot read the value " + expr)
    total, op = 0, "|"
    for t in tokens:
        if t in "|+-":
            op = t
            continue
        v = CONSTS[t[5:]] if t.startswith("unix.") else int(t, 0)
        total = total | v if op == "|" else total + v if op == "+" else total - v
    return total


def matching(text, start):
    """The index just past the brace that closes the one at text[start]."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == '"':
            i = text.index('"', i + 1)
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces")


def rule(body):
    """One specs.LinuxSyscall{...} literal's body."""
    r = {}
    m = re.search(r"Names:\s*\[\]string\{", body)
    end = matching(body, m.end() - 1)
    r["names"] = re.findall(r'"([a-z0-9_]+)"', body[m.end():end])
    r["action"] = ACTIONS[re.search(r"Action:\s*specs\.(\w+)", body).group(1)]
    m = re.search(r"ErrnoRet:\s*&(\w+)", body)
    if m:
        r["errnoRet"] = CONSTS["ENOSYS"] if m.group(1) == "nosys" else CONSTS["EPERM"]
    m = re.search(r"Args:\s*\[\]specs\.LinuxSeccompArg\{", body)
    args = []
    if m:
        end = matching(body, m.end() - 1)
        inner = body[m.end():end - 1]
        for a in re.finditer(r"\{([^{}]*)\}", inner):
            f = dict(re.findall(r"(\w+):\s*([^,\n]+)", a.group(1)))
            arg = {"index": int(f["Index"]), "value": value(f["Value"])}
            # omitempty: a zero valueTwo is not in containerd's JSON
            if "ValueTwo" in f and value(f["ValueTwo"]):
                arg["valueTwo"] = value(f["ValueTwo"])
            arg["op"] = OPS[f["Op"].strip().split(".")[1]]
            args.append(arg)
    if args:
        r["args"] = args
    return r


def rules_in_list(text):
    """The elements of a []specs.LinuxSyscall{ {...}, {...} } literal's body."""
    out, i = [], 0
    while True:
        i = text.find("{", i)
        if i < 0:
            return out
        end = matching(text, i)
        out.append(rule(text[i + 1:end - 1]))
        i = end


def main():
    version, source_name = sys.argv[1], sys.argv[2]
    # comments go first: they hold quotes and braces of their own (the file's strings are
    # syscall and capability names, never a "//")
    src = re.sub(r"//[^\n]*", "", sys.stdin.read())
    out = {"containerd": version, "source": source_name}

    arches = {}
    fn = src[src.index("func arches()"):]
    fn = fn[:matching(fn, fn.index("{"))]
    for m in re.finditer(r'case ((?:"[^"]+",?\s*)+):\s*return \[\]specs\.Arch\{([^}]*)\}', fn):
        for goarch in re.findall(r'"([^"]+)"', m.group(1)):
            arches[goarch] = [ARCHES[a] for a in re.findall(r"specs\.(\w+)", m.group(2))]
    out["arches"] = arches

    body = src[src.index("func DefaultProfile("):]
    body = body[:matching(body, body.index("{"))]
    m = re.search(r"syscalls := \[\]specs\.LinuxSyscall\{", body)
    end = matching(body, m.end() - 1)
    out["defaultAction"] = ACTIONS[re.search(r"DefaultAction:\s*specs\.(\w+)", body).group(1)]
    out["syscalls"] = rules_in_list(body[m.end():end - 1])
    out["kernel"], out["arch"], out["caps"] = [], {}, {}
    out["notAdmin"] = {"arch": {}, "syscalls": []}

    # The statements after the list: each append with the constructs around it.
    stack = []  # [kind, depth at its opening, detail, its block opened]
    labels, cap = [], None
    depth, i = 0, end
    append = "s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{"
    while i < len(body):
        line_end = body.find("\n", i)
        line_end = len(body) if line_end < 0 else line_end
        line = body[i:line_end].strip()
        if line.startswith(append):
            start = i + body[i:].index("{", body[i:].index("specs.LinuxSyscall"))
            stop = matching(body, start)
            r = rule(body[start + 1:stop - 1])
            kinds = [s[0] for s in stack]
            if "kernel" in kinds:
                kv = [s[2] for s in stack if s[0] == "kernel"][0]
                out["kernel"].append({"min": kv, "syscalls": [r]})
            elif "caps" in kinds:
                out["caps"].setdefault(cap, {"admin": False, "syscalls": []})["syscalls"].append(r)
            elif "notadmin" in kinds and "arch" in kinds:
                for l in labels:
                    out["notAdmin"]["arch"].setdefault(l, []).append(r)
            elif "notadmin" in kinds:
                out["notAdmin"]["syscalls"].append(r)
            elif "arch" in kinds:
                for l in labels:
                    out["arch"].setdefault(l, []).append(r)
            else:
                out["syscalls"].append(r)
            i = body.find("\n", stop)
            i = len(body) if i < 0 else i + 1
            continue
        m = re.match(r"kernelversion\.KernelVersion\{Kernel:\s*(\d+),\s*Major:\s*(\d+)\}", line)
        if m and stack and stack[-1][0] == "kernel":
            stack[-1][2] = [int(m.group(1)), int(m.group(2))]
        if line.startswith("if ok, err := kernelversion.GreaterEqualThan("):
            stack.append(["kernel", depth, None, False])
            m = re.search(r"Kernel:\s*(\d+),\s*Major:\s*(\d+)", line)
            if m:
                stack[-1][2] = [int(m.group(1)), int(m.group(2))]
        elif line.startswith("switch runtime.GOARCH"):
            stack.append(["arch", depth, None, False])
        elif line.startswith("for _, c := range sp.Process.Capabilities.Bounding"):
            stack.append(["caps", depth, None, False])
        elif line.startswith("if !admin"):
            stack.append(["notadmin", depth, None, False])
        m = re.match(r"case ((?:\"[^\"]+\",?\s*)+):", line)
        if m:
            labels = re.findall(r'"([^"]+)"', m.group(1))
            cap = labels[0] if labels[0].startswith("CAP_") else cap
        elif line == "default:":
            labels = ["default"]
        if line == "admin = true":
            out["caps"].setdefault(cap, {"admin": False, "syscalls": []})["admin"] = True
        depth += line.count("{") - line.count("}")
        for ctx in stack:
            ctx[3] = ctx[3] or depth > ctx[1]
        while stack and stack[-1][3] and depth <= stack[-1][1]:
            stack.pop()
        i = line_end + 1
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


# Kubernetes' default capabilities in containerd's order, and every capability by number.
DEFAULT_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
                "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
                "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
ALL_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
            "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
            "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
            "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"]


def render(t, goarch, bounding, kernel):
    """What containerd's DefaultProfile() returns, from the description main() writes."""
    rules = list(t["syscalls"])
    for k in t["kernel"]:
        if tuple(kernel) >= tuple(k["min"]):
            rules += k["syscalls"]
    rules += t["arch"].get(goarch, [])
    admin = False
    for cap in bounding:
        if cap in t["caps"]:
            admin = admin or t["caps"][cap]["admin"]
            rules += t["caps"][cap]["syscalls"]
    if not admin:
        na = t["notAdmin"]["arch"]
        rules += na.get(goarch, na.get("default", []))
        rules += t["notAdmin"]["syscalls"]
    out = {"defaultAction": t["defaultAction"]}
    if t["arches"].get(goarch):
        out["architectures"] = t["arches"][goarch]
    out["syscalls"] = rules
    return out


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "render":
        # render TEMPLATE.json GOARCH default|all|none KERNEL: the profile, keys sorted
        with open(sys.argv[2]) as f:
            template = json.load(f)
        caps = {"default": DEFAULT_CAPS, "all": ALL_CAPS, "none": []}[sys.argv[4]]
        kernel = [int(x) for x in sys.argv[5].split(".")]
        json.dump(render(template, sys.argv[3], caps, kernel), sys.stdout, indent=1,
                  sort_keys=True)
        sys.stdout.write("\n")
        sys.exit(0)
    sys.exit(main())
