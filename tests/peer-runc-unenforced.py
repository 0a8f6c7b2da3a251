#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Rules the runtimes leave out, proved on real runc (and crun when installed): a profile
denies syscalls libseccomp 2.5.4 does not know (mseal, statmount, listmount) under an ALLOW
default. In runc's container each call runs as it does with no filter at all, while mkdir,
denied by the same profile, gets EPERM: the filter is there, the rules are not. Then
kseccomp must say so: `profile validate` and `run` warn at each rule with its position,
`--strict` refuses, and `kseccomp run` (either backend) behaves as runc does. The x86-blind
profile is checked the same way with an i386 probe where the kernel runs i386 code.

Usage: peer-runc-unenforced.py KSECCOMP TRY_SYSCALL TRY_SYSCALL_32|"" WORKDIR
Prints TAP. Skips (with the reason) without root, without runc, or without seccomp.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

# meson runs the scripts from the source tree: no __pycache__ there
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer  # noqa: E402
from peer import outcome, skip, tap  # noqa: E402

KSECCOMP, PROBE, PROBE32, WORKDIR = sys.argv[1:5]

# x86_64 numbers; the arguments make each call fail early (or succeed) without side effects.
UNKNOWN_CALLS = [
    ("mseal", 462, ["0", "0", "0"]),           # len 0: returns 0
    ("statmount", 457, ["0", "0", "0", "0"]),  # NULL request: EFAULT
    ("listmount", 458, ["0", "0", "0", "0"]),  # NULL request: EFAULT
]
UNKNOWN = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [
        {"names": ["mseal", "statmount", "listmount"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
    ],
}

def write_bundle(root, profile, args, probe):
    config = peer.bundle_config(root, probe, args)
    config["linux"]["seccomp"] = profile
    config["linux"].pop("cgroupsPath", None)
    peer.write_config(root, json.dumps(config))


def runc_run(root, name, profile, args, probe=PROBE):
    write_bundle(root, profile, args, probe)
    return peer.runc_run(root, name)


# crun wants the cgroup v2 hierarchy to itself, or none: a private mount namespace without
# /sys/fs/cgroup/unified, and no cgroup manager.
CRUN_NS = ('mount --make-rprivate / && { umount -l /sys/fs/cgroup/unified 2>/dev/null; true; } '
           '&& crun --cgroup-manager=disabled run "$1"; rc=$?; '
           'crun --cgroup-manager=disabled delete -f "$1" >/dev/null 2>&1; exit $rc')


def crun_run(root, name, profile, args):
    write_bundle(root, profile, args, PROBE)
    return subprocess.run(["unshare", "-m", "sh", "-c", CRUN_NS, "sh", name], cwd=root,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=30)


def kseccomp(*args):
    return peer.kseccomp(KSECCOMP, *args)


def name_position(path, name):
    """LINE:COL of the name's string in the profile file (as json.dump writes it)."""
    with open(path) as f:
        for n, line in enumerate(f, 1):
            col = line.find(f'"{name}"')
            if col >= 0:
                return f"{n}:{col + 1}"
    return "?"


def unknown_names(work):
    path = os.path.join(work, "unknown.json")
    with open(path, "w") as f:
        json.dump(UNKNOWN, f, indent=2)
    root = os.path.join(work, "bundle")
    have_crun = shutil.which("crun") is not None

    validate = kseccomp("profile", "validate", path)
    strict = kseccomp("profile", "validate", "--strict", path)
    tap(validate.returncode == 0 and strict.returncode == 1,
        f"validate: valid (exit {validate.returncode}), --strict refuses (exit {strict.returncode})",
        validate.stderr.decode() + strict.stderr.decode())
    mkdir = runc_run(root, f"ksc-unenforced-{os.getpid()}-mkdir", UNKNOWN, ["83", "0", "0"])
    tap(outcome(mkdir) == "errno 1",
        f"runc enforces the profile's mkdir rule ({outcome(mkdir)}): the filter is installed",
        mkdir.stderr.decode(errors="replace"))
    tap("mkdir" not in validate.stderr.decode(), "validate says nothing about mkdir",
        validate.stderr.decode())

    for k, (name, nr, args) in enumerate(UNKNOWN_CALLS):
        unconfined = outcome(subprocess.run([PROBE, str(nr)] + args, stdout=subprocess.PIPE))
        if unconfined in ("errno 38", "errno 1"):
            skip(f"{name}: runc leaves the rule out",
                 f"this kernel answers {name} with {unconfined} without any filter")
            continue
        theirs = runc_run(root, f"ksc-unenforced-{os.getpid()}-{k}", UNKNOWN, [str(nr)] + args)
        tap(outcome(theirs) == unconfined and outcome(theirs) != "errno 1",
            f"{name}: runc runs the call as with no filter ({outcome(theirs)}, unconfined "
            f"{unconfined}), not the rule's errno 1",
            theirs.stderr.decode(errors="replace"))
        if have_crun:
            crun = crun_run(root, f"ksc-unenforced-crun-{os.getpid()}-{k}", UNKNOWN,
                            [str(nr)] + args)
            tap(outcome(crun) == unconfined,
                f"{name}: crun runs the call as with no filter ({outcome(crun)})",
                crun.stderr.decode(errors="replace"))
        else:
            skip(f"{name}: crun leaves the rule out", "crun is not installed")

        want = (f"{path}:{name_position(path, name)}: warning: syscalls[0].names[{k}]: runc and "
                f"crun (libseccomp ")
        rest = (f"do not enforce this rule for \"{name}\" on x86_64: libseccomp does not know "
                f"the syscall and they skip it, so the call gets the default action ALLOW, "
                f"not ERRNO(1)")
        err = validate.stderr.decode()
        tap(any(line.startswith(f"kseccomp: {want}") and line.endswith(rest)
                for line in err.splitlines()),
            f"{name}: validate warns at {want.split(': warning')[0]}", err)

        for backend in ("native", "libseccomp"):
            ours = kseccomp("run", "--backend", backend, "--profile", path, "--", PROBE,
                            str(nr), *args)
            err = ours.stderr.decode()
            tap(outcome(ours) == outcome(theirs) and f"kseccomp: {want}" in err and rest in err
                and "kseccomp run compiles" in err,
                f"{name}: kseccomp run --backend {backend} runs it as runc does "
                f"({outcome(ours)}) and warns", err)
        refused = kseccomp("run", "--strict", "--profile", path, "--", PROBE, str(nr), *args)
        tap(refused.returncode == 1 and refused.stdout == b""
            and "refused (--strict)" in refused.stderr.decode(),
            f"{name}: kseccomp run --strict refuses, the command never runs "
            f"(exit {refused.returncode})", refused.stderr.decode())


def x86_blind(work):
    path = os.path.join(work, "x86-blind.json")
    with open(path, "w") as f:
        json.dump(peer.X86_BLIND, f, indent=2)
    validate = kseccomp("profile", "validate", path)
    err = validate.stderr.decode()
    tap(validate.returncode == 0
        and f"{path}:{name_position(path, 'mkdir')}: warning: syscalls[1].names[0]: " in err
        and 'do not enforce this rule for "mkdir" on x86: libseccomp builds the x86 part' in err,
        "x86-blind: validate warns at the mkdir rule, for x86", err)
    why = peer.i386_runs(PROBE32)
    if why:
        skip("x86-blind: an i386 mkdir(0, 0777) runs under runc", why)
        return
    root = os.path.join(work, "bundle")
    theirs = runc_run(root, f"ksc-unenforced-{os.getpid()}-32", peer.X86_BLIND,
                      ["39", "0", "511"], probe=PROBE32)
    tap(outcome(theirs) == "errno 14",
        f"x86-blind: an i386 mkdir(0, 0777) runs under runc ({outcome(theirs)}), as the "
        "warning says", theirs.stderr.decode(errors="replace"))


def main():
    peer.require_runc()
    if os.uname().machine != "x86_64":
        peer.skip_all("the syscall numbers are x86_64's")
    os.makedirs(WORKDIR, exist_ok=True)
    work = tempfile.mkdtemp(prefix="peer-unenforced-", dir=WORKDIR)
    try:
        unknown_names(work)
        x86_blind(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return peer.plan()


sys.exit(main())
