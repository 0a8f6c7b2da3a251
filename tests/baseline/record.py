#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Issue 17's baselines: what moving code between src/cli and src/lib must not change.

Usage:
  record.py record KSECCOMP LIBKSECCOMP.so SRCROOT OUTDIR   write the baselines to OUTDIR
  record.py check KSECCOMP LIBKSECCOMP.so SRCROOT BASEDIR   regenerate and compare (TAP)

tests/baseline/ holds the files as recorded from the binary the issue started from, in the
source tree of that commit:
  tests/baseline/record.py record OLD/kseccomp OLD/libkseccomp.so . tests/baseline

  symbols.txt  the names libkseccomp.so exports (`nm -D --defined-only`, without the
               version suffix), sorted. The check fails on a name that is gone; new names
               are fine.
  compile.txt  "STATUS STDOUT-SHA256 STDERR-SHA256 BACKEND ARCHES PROFILE" for every JSON file
               under tests/ and data/defaults/, and the RuntimeDefault expansion of each
               flavour (`profile default --flavor F`, PROFILE "profile-default:F"), compiled
               with --backend native and libseccomp, each with the default architectures
               (ARCHES "default": the native one plus the profile's) and, where the profile
               names architectures, with --arch set to the native one only (ARCHES
               "native:NAME"). Files that are not profiles, or
               are meant to fail, are there with their exit status and messages. The check
               fails when a recorded line differs or is gone; a new profile is only noted.
  help.txt     "STATUS STDOUT-SHA256 STDERR-SHA256 ARGS..." for `kseccomp`, `--help`, `-h`,
               every verb's `--help` (the verbs of `kseccomp --help`), every subverb's
               (the Commands: of a verb's help, or the literal word a verb's Usage: line
               takes first, as in `get pods`). Compared like compile.txt.

Every command runs in SRCROOT with relative paths, LC_ALL=C and no COLUMNS or KSECCOMP_*
variables, so that the bytes depend on the binary alone.
"""

import concurrent.futures
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

BACKENDS = ("native", "libseccomp")
FLAVOURS = ("containerd", "docker", "podman")


def sha(data):
    return hashlib.sha256(data).hexdigest()


def environment():
    env = {k: v for k, v in os.environ.items()
           if k != "COLUMNS" and not k.startswith("KSECCOMP_")}
    env["LC_ALL"] = "C"
    return env


def run(argv, cwd, env):
    r = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return f"{r.returncode} {sha(r.stdout)} {sha(r.stderr)}", r.stdout


def symbols(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    names = {line.split()[-1].split("@", 1)[0] for line in out.splitlines() if line.split()}
    return sorted(names)


def profiles(root):
    out = []
    for top in ("tests", "data/defaults"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            out += [os.path.relpath(os.path.join(dirpath, f), root)
                    for f in filenames if f.endswith(".json")]
    return sorted(out)


def lists_arches(path):
    """Whether a profile names architectures: without, the default set is the native one
    and --arch NATIVE would only repeat it. Keys are matched without case, as Go's decoder
    and kseccomp read them."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and any(
        k.lower() in ("architectures", "archmap") and v for k, v in doc.items())


def commands_of(help_text):
    """The words of a help text's "Commands:" section."""
    words = []
    in_section = False
    for line in help_text.splitlines():
        if line.strip() == "Commands:":
            in_section = True
            continue
        if in_section:
            m = re.match(r"^  ([a-z][a-z0-9-]*)\s{2,}", line)
            if m:
                words.append(m.group(1))
            elif line.strip():
                in_section = False
            elif words:
                in_section = False
    return words


def usage_word(help_text, verb):
    """The literal word a verb's Usage: line takes first ("get pods" -> "pods")."""
    m = re.search(r"^Usage: kseccomp " + re.escape(verb) + r" ([a-z][a-z0-9-]*)\b",
                  help_text, re.M)
    return m.group(1) if m else None


def record(kseccomp, lib, root, outdir):
    env = environment()
    kseccomp = os.path.abspath(kseccomp)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)

    # help: discovered from the binary's own help texts
    helps = [[], ["--help"], ["-h"]]
    _, top = run([kseccomp, "--help"], root, env)
    for verb in commands_of(top.decode()):
        helps.append([verb, "--help"])
        _, text = run([kseccomp, verb, "--help"], root, env)
        text = text.decode()
        subs = commands_of(text)
        if not subs and usage_word(text, verb):
            subs = [usage_word(text, verb)]
        helps += [[verb, sub, "--help"] for sub in subs]
    help_jobs = [(args, pool.submit(run, [kseccomp] + args, root, env)) for args in helps]

    # compile: every fixture, and each flavour's RuntimeDefault
    native = platform.machine()
    tmp = tempfile.mkdtemp(prefix="ksc-baseline-")
    sources = [(p, p, root) for p in profiles(root)]
    for flavour in FLAVOURS:
        status, text = run([kseccomp, "profile", "default", "--flavor", flavour], root, env)
        name = f"profile-default-{flavour}.json"
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(text)
        sources.append((f"profile-default:{flavour}", name, tmp))
    compile_jobs = []
    for label, path, cwd in sources:
        modes = [("default", [])]
        if lists_arches(os.path.join(cwd, path)):
            modes.append((f"native:{native}", ["--arch", native]))
        for backend in BACKENDS:
            for arches, extra in modes:
                argv = [kseccomp, "compile", "--backend", backend] + extra + [path]
                compile_jobs.append((f"{backend} {arches} {label}",
                                     pool.submit(run, argv, cwd, env)))

    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "symbols.txt"), "w") as f:
        f.writelines(name + "\n" for name in symbols(lib))
    with open(os.path.join(outdir, "help.txt"), "w") as f:
        for args, job in help_jobs:
            f.write(f"{job.result()[0]} {' '.join(args) or '(no arguments)'}\n")
    with open(os.path.join(outdir, "compile.txt"), "w") as f:
        for key, job in compile_jobs:
            f.write(f"{job.result()[0]} {key}\n")
    pool.shutdown()
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)


def keyed(path):
    """{key: "STATUS OUT ERR"} of a compile.txt or help.txt."""
    out = {}
    with open(path) as f:
        for line in f:
            status, out_sha, err_sha, key = line.rstrip("\n").split(" ", 3)
            out[key] = f"{status} {out_sha} {err_sha}"
    return out


def compare(basedir, newdir):
    """[(ok, what, details)] of the regenerated baselines in newdir against basedir."""
    results = []
    with open(os.path.join(basedir, "symbols.txt")) as f:
        old = set(f.read().split())
    with open(os.path.join(newdir, "symbols.txt")) as f:
        new = set(f.read().split())
    gone = sorted(old - new)
    results.append((not gone, f"libkseccomp.so exports every recorded symbol ({len(old)}; "
                    f"{len(new - old)} new)",
                    [f"gone: {s}" for s in gone] + [f"new: {s}" for s in sorted(new - old)]))
    for name, what in (("compile.txt", "compile output"), ("help.txt", "help texts")):
        old = keyed(os.path.join(basedir, name))
        new = keyed(os.path.join(newdir, name))
        details = []
        for key in sorted(old):
            if key not in new:
                details.append(f"gone: {key}")
            elif new[key] != old[key]:
                details.append(f"differs: {key}: status/stdout/stderr was {old[key]}, "
                               f"now {new[key]}")
        bad = len(details)
        details += [f"new (not compared): {key}" for key in sorted(set(new) - set(old))]
        results.append((not bad, f"{what}: {len(old)} recorded, {bad} differ or are gone",
                        details))
    return results


def tamper(src, dst):
    """A copy of the baselines in src with one symbol gone, one compile output changed and
    one help text gone: compare() must fail on each."""
    os.makedirs(dst)
    for name in ("symbols.txt", "compile.txt", "help.txt"):
        with open(os.path.join(src, name)) as f:
            lines = f.readlines()
        if name == "compile.txt":
            status, out_sha, rest = lines[0].split(" ", 2)
            lines[0] = f"{status} {sha(out_sha.encode())} {rest}"
        else:
            del lines[-1]
        with open(os.path.join(dst, name), "w") as f:
            f.writelines(lines)


def check(kseccomp, lib, root, basedir):
    n = 0
    failed = 0

    def result(ok, what, details):
        nonlocal n, failed
        n += 1
        print(f"{'ok' if ok else 'not ok'} {n} - {what}")
        for line in details:
            print(f"# {line}")
        failed += not ok

    with tempfile.TemporaryDirectory() as tmp:
        newdir = os.path.join(tmp, "new")
        record(kseccomp, lib, root, newdir)
        for ok, what, details in compare(basedir, newdir):
            result(ok, what, details)
        # The comparison itself, against the regenerated files with a change planted in
        # each: a check that cannot fail would pass here.
        tamper(newdir, os.path.join(tmp, "tampered"))
        caught = [ok for ok, _, _ in compare(os.path.join(tmp, "tampered"), newdir)]
        caught_gone = [ok for ok, _, _ in compare(newdir, os.path.join(tmp, "tampered"))]
        ok = caught_gone == [False, False, False] and caught == [True, False, True]
        result(ok, "a gone symbol, a changed compile output and a gone help text are caught",
               [] if ok else [f"against gone lines: {caught_gone}, against new lines: {caught}"])
    print(f"1..{n}")
    return 1 if failed else 0


def main(argv):
    if len(argv) == 6 and argv[1] == "record":
        record(*argv[2:])
        return 0
    if len(argv) == 6 and argv[1] == "check":
        return check(*argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
