#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Key spellings, against real runc: runc (Go's encoding/json) reads a profile's keys exactly,
else by Unicode case folding, so "\\u017fyscalls" (U+017F, LATIN SMALL LETTER LONG S) is the
field syscalls and the later of two keys for one field wins. Each profile below runs under
runc with a probe that calls mkdir(NULL, 0): "errno 1" when the filter denies it, "errno 14"
(EFAULT) when it lets it run. kseccomp must then either refuse the profile (validate exits 1
naming the key Go folds) or say what runc did (sim, and kseccomp run doing it), and profile
fmt's rewrite of it must make runc do the same.

Usage: peer-runc-keys.py KSECCOMP TRY_SYSCALL WORKDIR
Prints TAP. Skips (with the reason) without root, without runc, or without seccomp.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

KSECCOMP, PROBE, WORKDIR = sys.argv[1:4]
MKDIR = ["83", "0", "0"]  # x86_64 mkdir(NULL, 0)
DENY = '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}'


def profile(body):
    return '{"defaultAction": "SCMP_ACT_ALLOW", ' + body + '}'


# (label, profile text exactly as written, kseccomp's expected verdict: "refuse" with a phrase
# of the message, or "agree")
CASES = [
    ("U+017F: a later \"\\u017fyscalls\" empties the rules",
     profile('"syscalls": [' + DENY + '], "\\u017fyscalls": []'),
     ("refuse", "folds U+017F (LATIN SMALL LETTER LONG S) to s")),
    ("U+017F in raw UTF-8: a later \"\u017fyscalls\" empties the rules",
     profile('"syscalls": [' + DENY + '], "\u017fyscalls": []'),
     ("refuse", "folds U+017F (LATIN SMALL LETTER LONG S) to s")),
    ("U+017F: \"\\u017fyscalls\" alone is syscalls",
     profile('"\\u017fyscalls": [' + DENY + ']'), ("agree", None)),
    ("ASCII case: \"Syscalls\" alone is syscalls",
     profile('"Syscalls": [' + DENY + ']'), ("agree", None)),
    ("ASCII case: a later \"SYSCALLS\" empties the rules",
     profile('"syscalls": [' + DENY + '], "SYSCALLS": []'),
     ("refuse", "matches keys case-insensitively")),
    ("U+017F: \"name\\u017f\" is names",
     profile('"syscalls": [{"name\\u017f": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]'),
     ("agree", None)),
    ("U+017F: a later \"name\\u017f\" empties the names",
     profile('"syscalls": [{"names": ["mkdir", "mkdirat"], "name\\u017f": [], '
             '"action": "SCMP_ACT_ERRNO"}]'),
     ("refuse", "folds U+017F (LATIN SMALL LETTER LONG S) to s")),
    ("ASCII case: a later \"ACTION\" replaces the action",
     profile('"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", '
             '"ACTION": "SCMP_ACT_ALLOW"}]'),
     ("refuse", "matches keys case-insensitively")),
    # runc's structs have no field with a k; Docker's minKernel has. runc ignores Docker's
    # includes/excludes whatever their keys; two spellings of minKernel are still refused.
    ("U+212A: \"min\\u212aernel\" in excludes (runc ignores excludes)",
     profile('"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", '
             '"excludes": {"min\\u212aernel": "1.0"}}]'),
     ("agree", None)),
    ("U+212A: minKernel and \"min\\u212aernel\" in one excludes",
     profile('"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", '
             '"excludes": {"minKernel": "1.0", "min\\u212aernel": "99.0"}}]'),
     ("refuse", "folds U+212A (KELVIN SIGN) to k")),
    # Look-alikes Go does not fold, and a NUL inside a key: not the field, to runc or to us.
    ("U+FF53 (fullwidth s) is not s: \"\\uff53yscalls\" sets nothing",
     profile('"syscalls": [' + DENY + '], "\\uff53yscalls": []'), ("agree", None)),
    ("a NUL byte is part of the key: \"syscalls\\u0000\" sets nothing",
     profile('"syscalls\\u0000": [' + DENY + ']'), ("agree", None)),
]

count = 0
failed = 0


def tap(ok, desc, diag=None):
    global count, failed
    count += 1
    if not ok:
        failed += 1
    print(f"{'ok' if ok else 'not ok'} {count} - {desc}")
    if diag and not ok:
        for line in diag.splitlines():
            print(f"# {line}")
    sys.stdout.flush()


def skip_all(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(0)


def outcome(proc):
    out = proc.stdout.decode(errors="replace").strip().splitlines()
    if proc.returncode > 128:
        return f"signal {proc.returncode - 128}"
    if proc.returncode == 0 and out:
        return out[-1]
    return f"exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()}"


def runc_run(root, name, profile_text, args):
    """runc with the profile text spliced into config.json exactly as written."""
    os.makedirs(os.path.join(root, "rootfs"), exist_ok=True)
    shutil.copy(PROBE, os.path.join(root, "rootfs", "try-syscall"))
    config_path = os.path.join(root, "config.json")
    if os.path.exists(config_path):
        os.unlink(config_path)
    subprocess.run(["runc", "spec"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    with open(config_path) as f:
        config = json.load(f)
    config["process"]["args"] = ["/try-syscall"] + args
    config["process"]["terminal"] = False
    config["root"] = {"path": "rootfs", "readonly": True}
    config["linux"]["seccomp"] = "@PROFILE@"
    text = json.dumps(config).replace('"@PROFILE@"', profile_text)
    with open(config_path, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        return subprocess.run(["runc", "run", name], cwd=root, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    finally:
        subprocess.run(["runc", "delete", "-f", name], cwd=root, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def ksc(*args):
    return subprocess.run([KSECCOMP] + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)


def sim_word(path):
    """sim's decision for mkdir(NULL, 0), in the probe's terms."""
    sim = ksc("sim", "--native", "x86_64", "--arch", "x86_64", path, "mkdir", "0", "0")
    first = sim.stdout.decode(errors="replace").split("\n")[0]
    if first in ("ALLOW", "LOG"):
        return "errno 14"
    if first.startswith("ERRNO("):
        return f"errno {first[6:-1]}"
    return first or f"sim failed: {sim.stderr.decode(errors='replace')}"


def main():
    if os.geteuid() != 0:
        skip_all("runc containers need root")
    if not shutil.which("runc"):
        skip_all("runc is not installed (Debian package runc)")
    if not os.path.exists("/proc/sys/kernel/seccomp/actions_avail"):
        skip_all("the kernel has no seccomp")

    os.makedirs(WORKDIR, exist_ok=True)
    work = tempfile.mkdtemp(prefix="peer-runc-keys-", dir=WORKDIR)
    try:
        for n, (label, text, (verdict, phrase)) in enumerate(CASES):
            path = os.path.join(work, f"case-{n}.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            theirs = outcome(runc_run(os.path.join(work, "bundle"),
                                      f"ksc-keys-{os.getpid()}-{n}", text, MKDIR))
            if theirs not in ("errno 1", "errno 14"):
                tap(False, f"{label}: runc ran the probe ({theirs})")
                continue
            did = "denied" if theirs == "errno 1" else "allowed"
            validate = ksc("profile", "validate", path)
            message = validate.stderr.decode(errors="replace")
            if verdict == "refuse":
                tap(validate.returncode == 1 and "duplicate key" in message and
                    phrase in message,
                    f"{label}: runc {did} mkdir; kseccomp refuses the profile and says why",
                    message)
                continue
            ours = outcome(ksc("run", "--profile", path, "--", PROBE, *MKDIR))
            sim = sim_word(path)
            tap(validate.returncode == 0 and sim == theirs and ours == theirs,
                f"{label}: runc {did} mkdir ({theirs}); kseccomp sim says {sim}, "
                f"kseccomp run does {ours}",
                message)
            # profile fmt rewrites the keys: runc must do the same with what it writes
            fmt = ksc("profile", "fmt", path)
            formatted = fmt.stdout.decode("utf-8")
            again = outcome(runc_run(os.path.join(work, "bundle"),
                                     f"ksc-keys-{os.getpid()}-{n}-fmt", formatted, MKDIR))
            tap(fmt.returncode == 0 and again == theirs,
                f"{label}: runc does the same with profile fmt's output ({again})",
                fmt.stderr.decode(errors="replace") + formatted)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"1..{count}")
    return 1 if failed else 0


sys.exit(main())
