# SPDX-License-Identifier: Apache-2.0
"""What the peer tests (peer-runc*.py) share: TAP output, the probe's outcome, runc bundles
and runs, and the check for i386 execution. Each script imports it from its own directory
(tests/), where it lies next to them in the source tree that meson runs them from.

Where the scripts differ (peer-runc.py reads every "ret N" as "ret", peer-runc-keys.py splices
a profile's text into config.json verbatim), the script says so in its own code.
"""
import json
import os
import shutil
import subprocess
import sys

# libseccomp 2.5.4's "x86 blind" filter: with x86_64 and x86 listed, the x86 section of the
# program it builds for this profile never loads the syscall number, so an i386 mkdir(0, 0777)
# runs under runc although the rule denies it. peer-runc.py shows sim predicts it,
# peer-runc-unenforced.py that validate warns of it.
X86_BLIND = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "syscalls": [
        {"names": ["accept"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
        {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 1, "value": 511, "op": "SCMP_CMP_EQ"}]},
    ],
}

count = 0
failed = 0


def tap(ok, desc, diag=None):
    """One TAP line; the diagnostic lines follow a failure only."""
    global count, failed
    count += 1
    if not ok:
        failed += 1
    print(f"{'ok' if ok else 'not ok'} {count} - {desc}")
    if diag and not ok:
        for line in diag.splitlines():
            print(f"# {line}")
    sys.stdout.flush()


def skip(desc, reason):
    global count
    count += 1
    print(f"ok {count} - {desc} # SKIP {reason}")
    sys.stdout.flush()


def skip_all(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(0)


def plan():
    """The plan, last; the exit status: 1 when a check failed."""
    print(f"1..{count}")
    return 1 if failed else 0


def require_runc():
    """Skip the whole test where runc containers cannot run."""
    if os.geteuid() != 0:
        skip_all("runc containers need root")
    if not shutil.which("runc"):
        skip_all("runc is not installed (Debian package runc)")
    if not os.path.exists("/proc/sys/kernel/seccomp/actions_avail"):
        skip_all("the kernel has no seccomp")


def outcome(proc, exit_stderr=False):
    """The probe's last line ("ret N", "errno N"), or "signal N" / "exit N" for a run that
    printed nothing; with exit_stderr, "exit N: STDERR"."""
    out = proc.stdout.decode(errors="replace").strip().splitlines()
    if proc.returncode > 128:
        return f"signal {proc.returncode - 128}"
    if proc.returncode == 0 and out:
        return out[-1]
    if exit_stderr:
        return f"exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()}"
    return f"exit {proc.returncode}"


def i386_runs(probe):
    """None when the kernel runs the i386 probe, else why not. A kernel without ia32
    emulation (CONFIG_IA32_EMULATION off, ia32_emulation=0) refuses the i386 ELF with
    ENOEXEC. The probe calls getppid (64 on i386), as tests/tap.sh's i386_runs does."""
    if not probe:
        return "no i386 probe (gcc-multilib)"
    try:
        proc = subprocess.run([probe, "64"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    except OSError as e:
        return f"this kernel does not run i386 code ({e.strerror}: no ia32 emulation)"
    if proc.returncode != 0:
        return f"this kernel does not run i386 code (exit {proc.returncode})"
    return None


def bundle_config(root, probe, args):
    """A fresh runc bundle in ROOT running PROBE ARGS from a read-only rootfs: the probe is
    copied in, and `runc spec`'s config is returned for the caller to add its seccomp
    profile and pass to write_config."""
    os.makedirs(os.path.join(root, "rootfs"), exist_ok=True)
    shutil.copy(probe, os.path.join(root, "rootfs", "try-syscall"))
    config_path = os.path.join(root, "config.json")
    if os.path.exists(config_path):
        os.unlink(config_path)
    subprocess.run(["runc", "spec"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    with open(config_path) as f:
        config = json.load(f)
    config["process"]["args"] = ["/try-syscall"] + args
    config["process"]["terminal"] = False
    config["root"] = {"path": "rootfs", "readonly": True}
    return config


def write_config(root, text):
    """ROOT/config.json is TEXT, as it is."""
    with open(os.path.join(root, "config.json"), "w", encoding="utf-8") as f:
        f.write(text)


def runc_run(root, name, stdin=subprocess.DEVNULL):
    """runc run of the bundle in ROOT as container NAME, deleted afterwards."""
    try:
        return subprocess.run(["runc", "run", name], cwd=root, stdin=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    finally:
        subprocess.run(["runc", "delete", "-f", name], cwd=root, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def kseccomp(path, *args):
    """kseccomp ARGS with no input, its output captured."""
    return subprocess.run([path] + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
