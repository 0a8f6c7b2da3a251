#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The README's and the man page's usage against the binary (TAP).

Usage: usage-lines.py KSECCOMP SOURCE_ROOT [--synopsis]

For every command (kseccomp's verbs, and the verbs of those that have some, as --help lists
them):
  - every option the README's usage block or the man page's heading of the command names
    is one the command's --help lists (nothing stale, nothing invented);
  - every option its --help lists is in the man page's section of the command (the man page
    documents them all);
  - wherever a usage (its --help, the README, the man page's heading) gives -o a list of
    formats, the list is exactly the formats the binary names for a word that is none: no
    format missing, none stale, no file where a format goes.
  - the command takes no option its --help does not list (every option any --help names
    is tried on it).
And the man page's SYNOPSIS is every command's --help usage, form by form (--synopsis prints
it as roff).
"""
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

kseccomp, root = sys.argv[1], sys.argv[2]
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")


def run_help(words):
    p = subprocess.run([kseccomp, *words, "--help"], capture_output=True, text=True)
    return p.stdout


def listed_commands(text):
    """The names a --help's "Commands:" list gives."""
    names, on = [], False
    for line in text.splitlines():
        if line.startswith("Commands:"):
            on = True
        elif on and not line.strip():
            break
        elif on and line.startswith("  ") and line.split():
            names.append(line.split()[0])
    return names


def commands():
    """[(words, help)] for every command, leaves only, in --help's order."""
    out = []
    for v in listed_commands(run_help([])):
        h = run_help([v])
        subs = listed_commands(h)
        out += [([v, s], run_help([v, s])) for s in subs] or [([v], h)]
    return out


def usage_forms(text):
    """The forms of a --help's Usage paragraph, each on one line ("kseccomp node scan ...")."""
    forms = []
    for line in text.split("\n\n")[0].splitlines():
        line = line.strip().removeprefix("Usage: ")
        if line.startswith("kseccomp "):
            forms.append(line)
        elif forms and line:
            forms[-1] += " " + line
    return forms


def output_formats(words):
    """The formats the binary names for a command's -o, from its usage error for a word
    that is none; None when it takes no -o."""
    p = subprocess.run([kseccomp, *words, "-o", "no-such-format"], capture_output=True,
                       text=True)
    m = re.search(r"unknown output format 'no-such-format' \(([^)]*)\)", p.stderr)
    return set(re.split(r", | or ", m.group(1))) if m else None


def o_words(line):
    """What a usage line gives -o (or --output): the format list's words, or a
    placeholder."""
    return [m.group(1).strip("[]") for m in re.finditer(r"(?<![\w-])(?:-o|--output) (\S+)", line)]


ROFF_RUN = re.compile(r"(?<![A-Za-z0-9])--?[a-zA-Z][a-zA-Z0-9-]*|[A-Z][A-Z0-9_]*"
                      r"|[a-z0-9][a-z0-9_]*|\.\.\.|.")


def roff_form(form):
    """A usage form as the lines of a man page's .SY entry: options and literal words in
    bold, placeholders in italics, one line per word."""
    lines = []
    for tok in form.split()[1:]:
        out = ""
        for run in ROFF_RUN.findall(tok):
            text = run.replace("\\", "\\e").replace("-", "\\-")
            if run.startswith("-") or run[0].islower() or run[0].isdigit():
                out += "\\fB" + text + "\\fR"
            elif run[0].isupper():
                out += "\\fI" + text + "\\fR"
            else:
                out += text
        # \& keeps a line from reading as a request, and a final '.' as a sentence's end
        lines.append(("\\&" if out[0] in ".'" else "") + out + ("\\&" if out[-1] in ".?!" else ""))
    return ".SY kseccomp\n" + "\n".join(lines) + "\n.YS\n"


def man_synopsis():
    """The man page's SYNOPSIS entries as usage forms."""
    text = open(f"{root}/man/kseccomp.1").read()
    text = text.split("\n.SH SYNOPSIS\n", 1)[1].split("\n.SH ", 1)[0]
    forms = []
    for entry in re.findall(r"^\.SY kseccomp\n(.*?)^\.YS$", text, flags=re.M | re.S):
        words = re.sub(r"\\f[BIRP]|\\&", "", entry).replace("\\-", "-").replace("\\e", "\\")
        forms.append("kseccomp " + " ".join(words.split()))
    return forms


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
if sys.argv[3:] == ["--synopsis"]:
    # the man page's SYNOPSIS, made from the binary: paste it between .SH SYNOPSIS and
    # .SH DESCRIPTION
    print("".join(roff_form(f) for _, h in cmds for f in usage_forms(h)), end="")
    sys.exit(0)
readme = readme_lines()
man = man_sections()
forms = [f for _, h in cmds for f in usage_forms(h)]
synopsis = man_synopsis()
diff = next((f"--help: {a!r}, man: {b!r}" for a, b in zip(forms + [None] * len(synopsis),
                                                          synopsis + [None] * len(forms))
             if a != b), "")
ok(not diff, "the man page's SYNOPSIS is every command's --help usage, in order "
   "(usage-lines.py KSECCOMP ROOT --synopsis makes it)", diff)
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
    formats = output_formats(words)
    wrong = []
    for line in usage_forms(h) + [l for l in readme + list(man) if matches(words, l)]:
        for w in o_words(line):
            if w in ("FORMAT", "FMT", "..."):
                continue
            listed = w.split("|")
            if formats is None or w.isupper() or set(listed) != formats or \
                    len(set(listed)) != len(listed):
                wrong.append(f"-o {w} in {line!r}")
    ok(not wrong, f"{name}: every usage's -o names exactly the formats the binary takes "
       f"({', '.join(sorted(formats)) if formats else 'no -o'})", "; ".join(wrong))
    body = "".join(hd + "\n" + b for hd, b in man.items() if matches(words, hd))
    missing = {names[-1] for names in help_option_lines(h)
               if "--help" not in names and not any(re.search(
                   r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", body) for o in names)}
    ok(body and not missing, f"{name}: the man page documents every option of --help",
       f"missing: {' '.join(sorted(missing)) if body else '(no section)'}")
# Every option a command takes is in its --help: each option any --help names, and a few
# that other tools have, is tried on every command that does not list it, as
# "OPTION x --help" (the option, a value for it, then --help: getopt stops at the first
# option it does not know; a known one ends in the help, or in an error about its value).
# A prefix of a listed option is getopt's abbreviation of it, not an option of its own.
NOT_TAKEN = re.compile(r"unrecognized option|is (not )?an option of|are options of")
tried = set().union(*(help_options(h) for _, h in cmds)) | {
    "--write", "--format", "--all", "--verbose", "--force", "--dry-run", "--quiet",
    "--namespace", "--selector", "--container", "--filename", "--output-file", "--version",
    "-n", "-l", "-v", "-A", "-i", "-t", "-d", "-s", "-e", "-w", "-c", "-f", "-p", "-a"}


def hidden(words, h):
    listed = help_options(h) | {"-h", "--help"}
    out = []
    for o in sorted(tried - listed):
        if o.startswith("--") and any(l.startswith(o) for l in listed):
            continue
        p = subprocess.run([kseccomp, *words, o, "x", "--help"], capture_output=True,
                           text=True, timeout=30)
        if not NOT_TAKEN.search(p.stderr):
            out.append(f"{o} ({'--help printed' if p.returncode == 0 else p.stderr.strip()})")
    return out


with ThreadPoolExecutor(4) as pool:
    for (words, _), found in zip(cmds, pool.map(lambda c: hidden(*c), cmds)):
        ok(not found, f"{' '.join(words)}: takes no option its --help does not list",
           "; ".join(found))
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
