#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""containerd's RuntimeDefault per release, as kseccomp renders it (profile default
--containerd-version V), against the fixtures tools/containerd-seccomp.py renders apart from
kseccomp's C code from the same templates (tests/fixtures/containerd/README.md): every
template, for Kubernetes' default capabilities, all of them and none, on amd64 and Linux
6.1. And which template a release uses. Usage: containerd-templates.py KSECCOMP FIXTURES.
Prints TAP."""
import json
import os
import subprocess
import sys

n = failed = 0


def check(desc, want, got):
    global n, failed
    n += 1
    if want == got:
        print(f"ok {n} - {desc}")
    else:
        failed += 1
        print(f"not ok {n} - {desc}")
        print(f"#   got: {str(got)[:300]}")
        print(f"#  want: {str(want)[:300]}")


def render(k, version, caps):
    r = subprocess.run([k, "profile", "default", "--containerd-version", version, "--arch",
                        "x86_64", "--kernel", "6.1", "--caps", caps],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return f"exit {r.returncode}: {r.stderr.strip()}"
    return json.dumps(json.loads(r.stdout), sort_keys=True)


def main():
    k, fixtures = sys.argv[1], sys.argv[2]
    names = sorted(f for f in os.listdir(fixtures) if f.endswith(".json"))
    for name in names:
        version, _, caps = name[:-len(".json")].split("-")
        with open(os.path.join(fixtures, name)) as f:
            want = json.dumps(json.load(f), sort_keys=True)
        check(f"containerd {version}, {caps} capabilities: as its template renders",
              want, render(k, version, caps))
    # a release renders its minor's template in effect at its patch level
    for release, template in [("1.6.20", "1.6.16"), ("1.6.20~ds1", "1.6.16"), ("1.6", "1.6.28"),
                              ("v1.7.20", "1.7.13"), ("1.7", "1.7.32"), ("2.0.10", "2.0.9"),
                              ("2.1.4", "2.1.0"), ("2.2.2", "2.2.0"), ("2.2", "2.2.4"),
                              ("2.3", "2.2.4"), ("3.0.0", "2.2.4")]:
        with open(os.path.join(fixtures, f"{template}-amd64-default.json")) as f:
            want = json.dumps(json.load(f), sort_keys=True)
        check(f"containerd {release} renders the {template} template", want,
              render(k, release, "default"))
    for bad, status in [("1.5", 2), ("1.5.9", 2), ("x", 2), ("2", 2)]:
        r = subprocess.run([k, "profile", "default", "--containerd-version", bad],
                           capture_output=True, text=True)
        check(f"--containerd-version {bad}: a usage error", status, r.returncode)
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
