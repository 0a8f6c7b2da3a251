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
import sys
import tempfile

# meson runs the scripts from the source tree: no __pycache__ there
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer  # noqa: E402
from peer import tap  # noqa: E402

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

def outcome(proc):
    """The probe's line; a run that printed nothing says why (runc's refusal of a profile)."""
    return peer.outcome(proc, exit_stderr=True)


def runc_run(root, name, profile_text, args):
    """runc with the profile text spliced into config.json exactly as written: a decoder
    would merge or reorder the very keys under test."""
    config = peer.bundle_config(root, PROBE, args)
    config["linux"]["seccomp"] = "@PROFILE@"
    peer.write_config(root, json.dumps(config).replace('"@PROFILE@"', profile_text))
    return peer.runc_run(root, name)


def ksc(*args):
    return peer.kseccomp(KSECCOMP, *args)


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
    peer.require_runc()

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

    return peer.plan()


sys.exit(main())
