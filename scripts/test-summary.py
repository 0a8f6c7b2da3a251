#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Count test results from meson's testlog.json, one TAP check at a time.

  test-summary.py --label LABEL TESTLOG.json   print "LABEL: P passed, F failed, S skipped"
  test-summary.py --total SUMMARY              add up such lines; print "P passed, F failed"
                                               and exit 1 if anything failed
  test-summary.py --failures TESTLOG.json      print each failing check with its diagnostics,
                                               and the end of the output of a failed test
                                               that has no failing check
A test that is not TAP counts once; a TAP test whose process failed without a failing
check (a crash, a sanitizer report) counts one failure more; a test meson expected to fail
(should_fail) and that failed counts once, as passed.
"""
import json
import re
import sys


def count_log(path):
    passed = failed = skipped = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            out = t.get("stdout") or ""
            oks = nots = skips = 0
            for l in out.splitlines():
                if re.match(r"^ok \d+", l):
                    if re.search(r"#\s*SKIP", l, re.I):
                        skips += 1
                    else:
                        oks += 1
                elif re.match(r"^not ok \d+", l):
                    nots += 1
            result = t.get("result", "")
            if result == "EXPECTEDFAIL":
                # a test that must fail (should_fail: the leak canary): its failing
                # checks are what it proves, and it counts once, as passed
                oks, nots, skips = 1, 0, 0
            elif oks + nots + skips == 0:
                if result in ("OK", "EXPECTEDFAIL"):
                    oks = 1
                elif result == "SKIP":
                    skips = 1
                else:
                    nots = 1
            elif result not in ("OK", "EXPECTEDFAIL", "SKIP") and nots == 0:
                nots = 1
            passed += oks
            failed += nots
            skipped += skips
    return passed, failed, skipped


def failures(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            if t.get("result", "") in ("OK", "EXPECTEDFAIL", "SKIP"):
                continue
            name = t.get("name", "?")
            shown = False
            lines = (t.get("stdout") or "").splitlines()
            for i, l in enumerate(lines):
                if re.match(r"^not ok \d+", l):
                    print(f"FAILED {name}: {l}")
                    for d in lines[i + 1:]:
                        if not d.startswith("#"):
                            break
                        print(f"FAILED {name}: {d}")
                    shown = True
            if not shown:
                print(f"FAILED {name}: {t.get('result', '')}, exit status {t.get('returncode')}")
                tail = ((t.get("stdout") or "") + (t.get("stderr") or "")).splitlines()[-15:]
                for l in tail:
                    print(f"FAILED {name}: | {l}")


def main(argv):
    if len(argv) == 3 and argv[1] == "--failures":
        failures(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "--label":
        p, f, s = count_log(argv[3])
        print(f"{argv[2]}: {p} passed, {f} failed, {s} skipped")
        return 0
    if len(argv) == 3 and argv[1] == "--total":
        tp = tf = ts = 0
        with open(argv[2], encoding="utf-8") as f:
            for line in f:
                m = re.search(r"(\d+) passed, (\d+) failed, (\d+) skipped", line)
                if m:
                    print(line.rstrip())
                    tp += int(m.group(1))
                    tf += int(m.group(2))
                    ts += int(m.group(3))
        if ts:
            print(f"({ts} skipped)")
        print(f"{tp} passed, {tf} failed")
        return 1 if tf or tp == 0 else 0
    print(__doc__, file=sys.stderr)
    return 2


sys.exit(main(sys.argv))
