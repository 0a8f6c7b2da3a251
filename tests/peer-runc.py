#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The peer: kseccomp run against real runc, syscall by syscall, and kseccomp dump of a runc
container's process against kseccomp's own compilation of the same profile. Profiles: runc's
two test profiles (test1 also with its architectures listed), a deny-list exercising every
action and operator form, and KSC_TEST_PROFILES (default 4) random ones from KSC_TEST_SEED.
Where the filter decides (sim's prediction), runc and kseccomp must both show exactly that;
where it lets the call run, its result belongs to the container, so only "not stopped by the
filter" is compared.

Usage: peer-runc.py KSECCOMP TRY_SYSCALL FIXTURES_DIR WORKDIR [TRY_SYSCALL_32]
Prints TAP. Skips (with the reason) without root, without runc, or without seccomp.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

# meson runs the scripts from the source tree: no __pycache__ there
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer  # noqa: E402
from peer import tap  # noqa: E402

KSECCOMP, PROBE, FIXTURES, WORKDIR = sys.argv[1:5]
PROBE32 = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] else None
PROBE32_MISSING = peer.i386_runs(PROBE32)
if PROBE32_MISSING:
    PROBE32 = None

# Syscalls that runc's init does not make after it installs the filter, so that the deny-list
# below cannot break runc itself. Numbers are x86_64's.
DENYLIST = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [
        {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["fchmod"], "action": "SCMP_ACT_KILL"},
        {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97},
        {"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5,
         "args": [{"index": 0, "value": 1000, "op": "SCMP_CMP_EQ"}]},
        {"names": ["fsync"], "action": "SCMP_ACT_ERRNO", "errnoRet": 44,
         "args": [{"index": 0, "value": 77, "op": "SCMP_CMP_EQ"},
                  {"index": 0, "value": 88, "op": "SCMP_CMP_EQ"}]},
        {"names": ["fdatasync"], "action": "SCMP_ACT_ERRNO", "errnoRet": 45,
         "args": [{"index": 0, "value": 5, "op": "SCMP_CMP_EQ"},
                  {"index": 1, "value": 6, "op": "SCMP_CMP_EQ"}]},
        {"names": ["ftruncate"], "action": "SCMP_ACT_ERRNO", "errnoRet": 46,
         "args": [{"index": 1, "value": 4294967296, "op": "SCMP_CMP_GE"}]},
        {"names": ["lseek"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95,
         "args": [{"index": 2, "value": 240, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["getppid"], "action": "SCMP_ACT_TRACE", "errnoRet": 7},
    ],
}

# Syscalls a generated profile may give any action: neither runc's init (after it installs
# the filter) nor the static probe makes them. x86_64 numbers.
SAFE = {"mkdir": 83, "fchmod": 91, "socket": 41, "fsync": 74, "fdatasync": 75,
        "ftruncate": 77, "lseek": 8, "getppid": 110, "flock": 73, "fchown": 93,
        "truncate": 76, "getpgid": 121, "setpgid": 109, "umask": 95, "getsid": 124}
ACTIONS = ["SCMP_ACT_ERRNO", "SCMP_ACT_ALLOW", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
           "SCMP_ACT_TRAP", "SCMP_ACT_TRACE", "SCMP_ACT_LOG"]
OPS = ["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
       "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"]
VALUES = [0, 1, 2, 5, 77, 0xff, 0x100, 0xffffffff, 0x100000000, 0x100000001,
          0xffffffffffffffff, 0x8000000000000000]


def generated_profile(rng):
    """A random deny-list: default ALLOW (runc itself must still start), one rule per safe
    syscall at most, random actions, errno values, operators and 64-bit constants."""
    rules = []
    for name in rng.sample(sorted(SAFE), rng.randint(3, 8)):
        rule = {"names": [name], "action": rng.choice(ACTIONS)}
        if rule["action"] in ("SCMP_ACT_ERRNO", "SCMP_ACT_TRACE") and rng.random() < 0.7:
            rule["errnoRet"] = rng.randint(1, 200)
        n_args = rng.choice([0, 0, 1, 1, 2, 3])
        args = []
        for _ in range(n_args):
            arg = {"index": rng.randint(0, 2), "value": rng.choice(VALUES), "op": rng.choice(OPS)}
            if arg["op"] == "SCMP_CMP_MASKED_EQ":
                arg["valueTwo"] = arg["value"] & rng.choice(VALUES)
            args.append(arg)
        if args:
            rule["args"] = args
        rules.append(rule)
    return {"defaultAction": "SCMP_ACT_ALLOW",
            "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
            "syscalls": rules}


def generated_calls(rng, profile):
    """Calls that hit the profile's rules at and around their constants."""
    calls = []
    for rule in profile["syscalls"]:
        name = rule["names"][0]
        for _ in range(2):
            args = ["-1", "0", "0"]
            for arg in rule.get("args", []):
                v = arg.get("valueTwo", arg["value"]) if arg["op"] == "SCMP_CMP_MASKED_EQ" else arg["value"]
                v = (v + rng.choice([-1, 0, 0, 1])) % (1 << 64)
                args[arg["index"]] = hex(v)
            calls.append((name, SAFE[name], args))
    return calls


# (name, x86_64 number, args)
CALLS = [
    ("mkdir", 83, ["0", "0"]),
    ("fchmod", 91, ["-1", "0"]),
    ("socket", 41, ["2", "1", "0"]),
    ("socket", 41, ["1", "1", "0x100"]),
    ("socket", 41, ["1", "1", "0x1"]),
    ("read", 0, ["1000", "0", "0"]),
    ("read", 0, ["-1", "0", "0"]),
    ("fsync", 74, ["77"]),
    ("fsync", 74, ["99"]),
    ("fdatasync", 75, ["5", "6"]),
    ("fdatasync", 75, ["5", "7"]),
    ("ftruncate", 77, ["123456789", "1337"]),
    ("ftruncate", 77, ["-1", "0x100000000"]),
    ("lseek", 8, ["-1", "0", "0x11"]),
    ("getppid", 110, []),
    ("process_vm_readv", 310, ["9001", "0", "0", "0", "0", "0"]),
    ("process_vm_readv", 310, ["0", "0", "0", "0", "0", "0"]),
    ("process_vm_writev", 311, ["2020", "0", "0", "0", "0", "0"]),
    ("dup3", 292, ["2", "5", "0"]),
    ("dup3", 292, ["3", "5", "0"]),
    ("chdir", 80, ["0"]),
    ("unshare", 272, ["0"]),
    ("1000", 1000, []),
    ("cachestat", 451, ["-1", "0", "0", "0"]),
    ("x32 getpid", 0x40000027, []),
]

def outcome(proc):
    """The probe's line, or 'signal N' / 'exit N' for a run that printed nothing. A return
    value depends on the namespace (getppid is 0 in a container): the filter let the call
    run, which is what is compared, so every "ret N" is "ret"."""
    word = peer.outcome(proc)
    return "ret" if word.startswith("ret ") else word


def predicted(path, nr, args):
    """sim's word for the call: what the filter does, in the probe's terms."""
    sim = subprocess.run([KSECCOMP, "sim", "--native", "x86_64", "--arch", "x86_64", path,
                          str(nr)] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    action = sim.stdout.decode().split("\n")[0]
    if action in ("ALLOW", "LOG"):
        return "ran"
    if action.startswith("ERRNO("):
        return f"errno {min(int(action[6:-1]), 4095)}"
    if action.startswith("TRACE("):
        return "errno 38"  # no tracer attached
    return "signal 31"


def agree(prediction, theirs, ours):
    """runc and kseccomp agree on what the filter did. When it let the call run, its result
    depends on the container (namespaces, capabilities), not on the filter."""
    if prediction == "ran":
        return not theirs.startswith("signal") and not ours.startswith("signal")
    return theirs == ours == prediction


def make_bundle(root, profile, args, probe=None):
    config = peer.bundle_config(root, probe or PROBE, args)
    config["linux"]["seccomp"] = profile
    peer.write_config(root, json.dumps(config))


def runc_run(root, name, profile, args, stdin=None, probe=None):
    make_bundle(root, profile, args, probe)
    return peer.runc_run(root, name, stdin=stdin or subprocess.DEVNULL)


# libseccomp 2.5.4's own mistakes (these and peer.X86_BLIND), which runc enforces and
# kseccomp reports: the filter model predicts them, and runc must show them.
STALE = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["fsync"], "action": "SCMP_ACT_ERRNO", "errnoRet": 44, "args": [
        {"index": 0, "value": 0xffffffff00000000, "op": "SCMP_CMP_LT"},
        {"index": 2, "value": 3, "op": "SCMP_CMP_EQ"},
        {"index": 0, "value": 0x20008, "op": "SCMP_CMP_GE"}]}]}
CONFLICT = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [
        {"names": ["fsync"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
        {"names": ["fsync"], "action": "SCMP_ACT_KILL",
         "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
    ]}


def libseccomp_quirks(work):
    root = os.path.join(work, "bundle")
    path = os.path.join(work, "quirk.json")

    def write(profile):
        with open(path, "w") as f:
            json.dump(profile, f)

    # An i386 process escapes a mkdir rule: the x86 section never loads the number.
    write(peer.X86_BLIND)
    if PROBE32:
        theirs = outcome(runc_run(root, f"ksc-quirk-{os.getpid()}-32", peer.X86_BLIND,
                                  ["39", "0", "511"], probe=PROBE32))
        sim = subprocess.run([KSECCOMP, "sim", "--native", "x86_64", "--arch", "x86", path,
                              "mkdir", "0", "511"], stdout=subprocess.PIPE).stdout.decode()
        tap(theirs == "errno 14" and sim.startswith("ALLOW\n")
            and "without loading the syscall number" in sim,
            f"x86-blind: i386 mkdir(0, 0777) runs under runc ({theirs}); sim says why",
            sim)
    else:
        tap(True, f"x86-blind # SKIP {PROBE32_MISSING}")
    theirs = outcome(runc_run(root, f"ksc-quirk-{os.getpid()}-64", peer.X86_BLIND,
                              ["83", "0", "511"]))
    tap(theirs == "errno 1", f"x86-blind: x86_64 mkdir(0, 0777) is denied under runc ({theirs})")

    # A stale accumulator: the rules deny fsync(0xffffffff00000000), the program allows it.
    write(STALE)
    theirs = outcome(runc_run(root, f"ksc-quirk-{os.getpid()}-stale", STALE,
                              ["74", "0xffffffff00000000"]))
    sim = subprocess.run([KSECCOMP, "sim", "--backend", "libseccomp", "--native", "x86_64",
                          path, "fsync", "0xffffffff00000000"],
                         stdout=subprocess.PIPE).stdout.decode()
    tap(not theirs.startswith("errno 44") and not theirs.startswith("signal")
        and sim.startswith("ALLOW\n") and "the rules say ERRNO(44)" in sim,
        f"stale accumulator: runc lets fsync(0xffffffff00000000) run ({theirs}); "
        "sim --backend libseccomp says so and warns", sim)
    # kseccomp's own program enforces the rules; sim says what runc does instead
    ours = outcome(subprocess.run([KSECCOMP, "run", "--profile", path, "--", PROBE, "74",
                                   "0xffffffff00000000"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    sim = subprocess.run([KSECCOMP, "sim", "--native", "x86_64", path, "fsync",
                          "0xffffffff00000000"], stdout=subprocess.PIPE).stdout.decode()
    tap(ours.startswith("errno 44") and sim.startswith("ERRNO(44)\n")
        and "runc enforces the program" in sim,
        f"stale accumulator: kseccomp run (native) denies it as the rules say ({ours}); "
        "sim warns that runc does not", sim)

    # Conflicting rules: runc refuses to start, and kseccomp says so with the position.
    write(CONFLICT)
    proc = runc_run(root, f"ksc-quirk-{os.getpid()}-conflict", CONFLICT, ["39"])
    ours = subprocess.run([KSECCOMP, "compile", "--output-file", "/dev/null", path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    quote = "error adding seccomp rule for syscall fsync: file exists"
    tap(proc.returncode != 0 and quote in proc.stderr.decode(errors="replace")
        and ours.returncode == 1 and quote in ours.stderr.decode(errors="replace"),
        "conflicting rules: runc fails to start and kseccomp quotes it",
        proc.stderr.decode(errors="replace") + ours.stderr.decode(errors="replace"))


def main():
    peer.require_runc()

    profiles = {
        "runc seccomp_syscall_test1": json.load(open(os.path.join(FIXTURES, "runc/seccomp_syscall_test1.json"))),
        "runc seccomp_syscall_test2": json.load(open(os.path.join(FIXTURES, "runc/seccomp_syscall_test2.json"))),
        "deny-list": DENYLIST,
    }
    # test1 again with its architectures listed: the ENOSYS stub applies then.
    with_arches = dict(profiles["runc seccomp_syscall_test1"])
    with_arches["architectures"] = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]
    profiles["runc seccomp_syscall_test1 + architectures"] = with_arches

    seed = int(os.environ.get("KSC_TEST_SEED", "20261123"), 0)
    rng = random.Random(seed)
    print(f"# generated profiles: seed {seed}")
    generated = {}
    for i in range(int(os.environ.get("KSC_TEST_PROFILES", "4"))):
        profile = generated_profile(rng)
        generated[f"generated #{i}"] = (profile, generated_calls(rng, profile))

    os.makedirs(WORKDIR, exist_ok=True)
    work = tempfile.mkdtemp(prefix="peer-runc-", dir=WORKDIR)
    try:
        cases = [(label, profile, CALLS) for label, profile in profiles.items()]
        cases += [(label, profile, calls) for label, (profile, calls) in generated.items()]
        for label, profile, calls in cases:
            path = os.path.join(work, "profile.json")
            with open(path, "w") as f:
                json.dump(profile, f)
            for n, (name, nr, args) in enumerate(calls):
                argv = [str(nr)] + args
                theirs = runc_run(os.path.join(work, "bundle"), f"ksc-peer-{os.getpid()}-{n}",
                                  profile, argv)
                ours = subprocess.run([KSECCOMP, "run", "--profile", path, "--", PROBE] + argv,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, timeout=30)
                want = predicted(path, nr, args)
                tap(agree(want, outcome(theirs), outcome(ours)),
                    f"{label}: {name}({', '.join(args)}): runc {outcome(theirs)}, "
                    f"kseccomp {outcome(ours)}, sim {want}",
                    f"runc stderr: {theirs.stderr.decode(errors='replace')}\n"
                    f"kseccomp stderr: {ours.stderr.decode(errors='replace')}")

            # The filter runc installed, read back from its container's process.
            root = os.path.join(work, "bundle")
            cname = f"ksc-peer-dump-{os.getpid()}"
            make_bundle(root, profile, ["wait"])
            runner = subprocess.Popen(["runc", "run", cname], cwd=root, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            pid = None
            for _ in range(100):
                state = subprocess.run(["runc", "state", cname], cwd=root,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                if state.returncode == 0:
                    s = json.loads(state.stdout)
                    if s.get("status") == "running" and s.get("pid"):
                        pid = s["pid"]
                        break
                time.sleep(0.05)
            if pid is None:
                tap(False, f"{label}: runc container started for dump")
            else:
                dump = subprocess.run([KSECCOMP, "dump", "--profile", path, str(pid)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
                tap(dump.returncode == 0,
                    f"{label}: kseccomp dump of runc's container decides as kseccomp's compilation",
                    dump.stdout.decode(errors="replace") + dump.stderr.decode(errors="replace"))
            runner.stdin.close()
            try:
                runner.wait(timeout=10)
            except subprocess.TimeoutExpired:
                runner.kill()
            subprocess.run(["runc", "delete", "-f", cname], cwd=root,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        libseccomp_quirks(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    return peer.plan()


sys.exit(main())
