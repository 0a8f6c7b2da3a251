#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The README's and the man page's usage against the binary (TAP).

Usage: usage-lines.py KSECCOMP SOURCE_ROOT

For every command (kseccomp's verbs, and the verbs of those that have some, as --help lists
them):
  - every option the README's usage block or the man page's heading of the command names
    is one the command's --help lists (nothing stale, nothing invented);
  - every option its --help lists is in the man page's section of the command (the man page
    documents them all).
"""
import re
import subprocess
import sys

kseccomp, root = sys.argv[1], sys.argv[2]
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")


def run_help(words):
    p = subprocess.run([kseccomp, *words, "--help"], capture_output=True, text=True)
    return p.stdout


def commands():
    """[(words, help)] for every command, leaves only."""
    out = []
    top = run_help([])
    verbs = []
    on = False
    for line in top.splitlines():
        if line.startswith("Commands:"):
            on = True
            continue
        if on and not line.strip():
            break
        if on:
            verbs.append(line.split()[0])
    for v in verbs:
        h = run_help([v])
        subs = []
        on = False
        for line in h.splitlines():
            if line.startswith("Commands:"):
                on = True
                continue
            if on and not line.strip():
                break
            if on and line.startswith("  ") and line.split():
                subs.append(line.split()[0])
        if subs:
            for s in subs:
                out.append(([v, s], run_help([v, s])))
        else:
            out.append(([v], h))
    return out


def help_option_lines(text):
    """The options a --help's option list gives: one tuple of names per option ("-o",
    "--output")."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^\s{2,}(-[^\s].*)$", line)
        if not m:
            continue
        head = re.split(r"\s{2,}", m.group(1))[0]
        names = tuple(t for t in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w])",
                                            head.split(" ")[0] + " " + head.split(" ")[1]
                                            if " " in head else head)
                      if t.startswith("--") or len(t) == 2)
        if names:
            out.append(tuple(dict.fromkeys(names)))
    return out


def help_options(text):
    return {o for names in help_option_lines(text) for o in names}


def readme_lines():
    text = open(f"{root}/README.md").read()
    block = text.split("## Usage", 1)[1].split("```", 2)[1]
    lines, cur = [], None
    for line in block.splitlines():
        if line.startswith("kseccomp "):
            cur = line
            lines.append(cur)
        elif cur and line.startswith(" "):
            lines[-1] += " " + line.strip()
    return lines


def man_sections():
    """{heading: body} of the man page's .SS "kseccomp ..." sections."""
    text = re.sub(r"\\f[BIRP]", "", open(f"{root}/man/kseccomp.1").read().replace("\\-", "-"))
    parts = re.split(r'^\.SS "(kseccomp [^"]*)"$', text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def matches(words, line):
    """Does a usage line (after "kseccomp ") start with the command's words? Lines that
    name several ("profile default|diff|merge|lint ...", "kube validate|resolve|...")
    count for each."""
    toks = line.split()[1:]
    for i, w in enumerate(words):
        if i >= len(toks) or w not in toks[i].split("|"):
            return False
    return True


n = failed = 0


def ok(cond, desc, detail=""):
    global n, failed
    n += 1
    print(f"{'ok' if cond else 'not ok'} {n} - {desc}")
    if not cond:
        failed += 1
        if detail:
            print(f"#   {detail}")


def doc_commands():
    """The kseccomp command lines of the guides' code blocks: (file, words, line)."""
    out = []
    for doc in ("docs/cluster-guide.md", "deploy/README.md", "README.md"):
        text = open(f"{root}/{doc}").read()
        for block in text.split("```")[1::2]:
            for line in block.splitlines():
                line = line.split("#")[0].strip()
                for cmd in re.split(r"\|", line):
                    toks = cmd.split()
                    if toks[:2] == ["kubectl", "seccomp"]:
                        toks = ["kseccomp", "kube", *toks[2:]] if len(toks) > 2 and toks[2] in (
                            "validate", "resolve", "check", "inspect") else ["kseccomp", *toks[2:]]
                    if toks[:1] == ["sudo"]:
                        toks = toks[1:]
                    if toks[:1] == ["kseccomp"] and len(toks) > 1:
                        out.append((doc, toks, cmd.strip()))
    return out


cmds = commands()
readme = readme_lines()
man = man_sections()
for words, h in cmds:
    name = " ".join(words)
    known = help_options(h) | {"-h", "--help"}
    stale = set()
    for line in readme:
        if matches(words, line) and "|" not in line.split()[1 + len(words) - 1]:
            stale |= set(OPTION.findall(line)) - known
    for heading in man:
        if matches(words, heading) and "|" not in heading.split()[len(words)]:
            stale |= set(OPTION.findall(heading)) - known
    ok(not stale, f"{name}: the README's and the man page's usage name only options of --help",
       f"not in --help: {' '.join(sorted(stale))}")
    body = "".join(hd + "\n" + b for hd, b in man.items() if matches(words, hd))
    missing = {names[-1] for names in help_option_lines(h)
               if "--help" not in names and not any(re.search(
                   r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", body) for o in names)}
    ok(body and not missing, f"{name}: the man page documents every option of --help",
       f"missing: {' '.join(sorted(missing)) if body else '(no section)'}")
by_words = {" ".join(w): h for w, h in cmds}
for doc, toks, line in doc_commands():
    words = toks[1:3] if " ".join(toks[1:3]) in by_words else toks[1:2]
    h = by_words.get(" ".join(words))
    if h is None:
        ok(False, f"{doc}: '{line}' runs a command kseccomp has", "no such command")
        continue
    known = help_options(h) | {"-h", "--help"}
    used = {t.split("=")[0] for t in toks[1 + len(words):] if re.match(r"^--?[a-zA-Z]", t)}
    ok(used <= known, f"{doc}: '{line}' uses options of kseccomp {' '.join(words)}",
       f"not in --help: {' '.join(sorted(used - known))}")
print(f"1..{n}")
sys.exit(1 if failed else 0)
