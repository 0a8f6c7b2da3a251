#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The layering check of issue 17: one library, a thin CLI.

Usage:
  layering.py check SRCROOT ALLOWLIST [ARCHIVE.a...]   the test (TAP)
  layering.py list SRCROOT [ARCHIVE.a...]              every violation, in allowlist form
  layering.py self-test                                plants violations in a temporary
                                                       tree and expects each one caught

It reads the #include lines of every .c and .h under src/lib and src/cli (recursively) and,
when given, the symbol tables (`nm -A`) of the static library archives, and enforces:

  lib-includes-cli  Nothing under src/lib includes a header that resolves to src/cli/.
                    A quoted include resolves as the compiler does: the including file's
                    directory, include/, src/lib/, then any directory under src/lib (a
                    module folder added to the include path); a name found only under
                    src/cli/ resolves there.
  seccomp-h         Only SECCOMP_OWNER includes <seccomp.h> (STYLE.md: the libseccomp
                    adapter; <linux/seccomp.h> is the kernel's UAPI and is not counted),
                    in src/lib or src/cli, and (from the archives) only its object calls
                    an undefined seccomp_* function. When the adapter moves, SECCOMP_OWNER
                    below names the new file.
  yaml-h            Only the doc module (YAML_OWNERS: src/lib/doc.c, src/lib/doc.h and
                    anything under src/lib/doc/) includes <yaml.h>, in src/lib or src/cli,
                    and only its objects call libyaml (yaml_*).
  cycle             No cycle among src/lib modules. A module is a source path under src/lib
                    without its extension: X.c and X.h are one node (node/state.c and
                    node/state.h are "node/state"; MODULE_PARTS folds the generated
                    syscalls-table.c into syscalls, doc-json and doc-tree into doc). An edge A -> B exists when a file of A
                    includes a header of B, or (from the archives) when A's object file
                    uses a global symbol B's object file defines. Symbols are needed: the
                    known circle (filter, compile-libseccomp, compile-native, compare) goes
                    through kseccomp.h, the public header, which belongs to no module, so
                    includes alone do not show it. The symbol tables come from the build's
                    own static library (`nm -A`, members named after their source path as
                    meson names them) rather than from parsing C, which would miss calls
                    through macros and mistake locals for calls. Each edge that lies on a
                    cycle is one violation, printed with a cycle through it and the includes
                    or symbols that make the edge.
  cli-includes      A file under src/cli includes only: system headers (<...>, except
                    <seccomp.h> and <yaml.h> which are library business), the public header
                    kseccomp.h, headers under src/cli, and the module headers the issue
                    allows the CLI: the node, record and agent (hand-off) modules and the
                    audit reader (the observe layer's other half, beside the recorder: its
                    sources, selection, summary and profile generation) and the Kubernetes
                    module (manifests, validation, the kubelet's and the runtime's decision
                    per container, which node/'s headers already hand the CLI) and the CRI
                    client (a runtime as the kubelet sees it: `cri`, the node scanner) --
                    anything under src/lib/node/, src/lib/record/, src/lib/agent/,
                    src/lib/audit/, src/lib/kube/, src/lib/cri/, and notify.h,
                    agent.h, handoff.h, listener.h, exec.h at the top of src/lib -- plus the
                    base-layer utilities DESIGN.md puts under every layer: macro.h,
                    ksc-cleanup.h, error.h, strbuf.h (the escaping writer every printed
                    input goes through) and fs.h (the one atomic writer and mkdir -p).
                    CLI_ALLOWED_* below is that list.
  cli-file-length   No file under src/cli over CLI_FILE_MAX (500) lines.
  fn-length         No function anywhere under src/ over FN_MAX (150) lines, counted from
                    the line with the function's name to its closing brace, both included.
                    Functions are found by a scan of the C text with comments, strings,
                    character constants and preprocessor lines blanked: a '{' at file
                    level right after a ')' opens a function body.

The allowlist has one violation per line, "RULE SUBJECT...", '#' starts a comment (the
measured size is kept there for the lengths). The check fails on a violation that is not in
the allowlist, and on an allowlist line that no longer occurs: the allowlist only shrinks.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

SECCOMP_OWNER = "src/lib/libseccomp.c"
YAML_OWNERS = ("src/lib/doc.c", "src/lib/doc.h")
YAML_OWNER_DIRS = ("src/lib/doc/",)
CLI_ALLOWED_DIRS = ("src/lib/node/", "src/lib/record/", "src/lib/agent/", "src/lib/audit/",
                    "src/lib/kube/", "src/lib/cri/")  # kube/: its structs reach the CLI through node/ anyway
CLI_ALLOWED_LIB_HEADERS = (
    "agent.h", "notify.h", "handoff.h", "listener.h", "exec.h",  # agent hand-off, exec sequence
    "macro.h", "ksc-cleanup.h", "error.h", "strbuf.h", "fs.h",  # base layer
)
PUBLIC_HEADER = "include/kseccomp.h"
# Files that are one module with another although their names differ: syscalls-table.c is
# the generated data half of syscalls (tools/gen-syscalls.py fills what syscalls.h declares);
# doc-json (the JSON reader) and doc-tree (the arena and key rule both readers share) are the
# document module's inner parts behind doc.h; defaults-containerd (containerd's RuntimeDefault
# per release) is the defaults module's, behind ksc_default_profile().
MODULE_PARTS = {"syscalls-table": "syscalls", "doc-json": "doc", "doc-tree": "doc",
                "defaults-containerd": "defaults"}
CLI_FILE_MAX = 500
FN_MAX = 150

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


# ---------------------------------------------------------------------------- the tree

def source_files(root, top):
    """Every .c and .h under root/top, as paths relative to root, sorted."""
    out = []
    base = os.path.join(root, top)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames.sort()
        for name in filenames:
            if name.endswith((".c", ".h")):
                out.append(os.path.relpath(os.path.join(dirpath, name), root))
    return sorted(out)


def read_text(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        return f.read()


def includes_of(root, rel):
    """[(line number, '<' or '"', name)] of a file's #include lines."""
    out = []
    for n, line in enumerate(read_text(root, rel).split("\n"), 1):
        m = INCLUDE_RE.match(line)
        if m:
            out.append((n, m.group(1), m.group(2)))
    return out


class Resolver:
    def __init__(self, root, lib_files, cli_files):
        self.root = root
        self.known = set(lib_files) | set(cli_files)
        if os.path.exists(os.path.join(root, PUBLIC_HEADER)):
            self.known.add(PUBLIC_HEADER)
        self.lib_dirs = sorted({os.path.dirname(f) for f in lib_files if f.endswith(".h")})

    def resolve(self, including, kind, name):
        """The project file an include names (relative to root), or None for a system or
        generated header."""
        if kind == "<":
            cand = os.path.normpath(os.path.join("include", name))
            return cand if cand in self.known else None
        dirs = [os.path.dirname(including), "include", "src/lib"]
        dirs += [d for d in self.lib_dirs if d not in dirs]
        dirs.append("src/cli")
        for d in dirs:
            cand = os.path.normpath(os.path.join(d, name))
            if cand in self.known:
                return cand
        return None


def module_of(path):
    """'src/lib/node/state.c' -> 'node/state'; None outside src/lib."""
    if not path or not path.startswith("src/lib/"):
        return None
    mod = os.path.splitext(path[len("src/lib/"):])[0]
    return MODULE_PARTS.get(mod, mod)


# ---------------------------------------------------------------------------- symbols

def member_module(member, lib_files):
    """The module of an archive member: meson names an object after its source path with
    '/' turned into '_' (src/lib/node/state.c -> src_lib_node_state.c.o)."""
    base = os.path.basename(member)
    for f in lib_files:
        if f.endswith(".c") and base == f.replace("/", "_") + ".o":
            return module_of(f)
    return None


def symbol_edges(archives, lib_files, nm_output=None):
    """{(A, B): set(symbols)} where module A uses a global symbol module B defines."""
    defined = defaultdict(set)
    used = defaultdict(set)
    texts = []
    if nm_output is not None:
        texts.append(nm_output)
    for a in archives:
        r = subprocess.run(["nm", "-A", a], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"nm -A {a} failed: {r.stderr.strip()}")
        texts.append(r.stdout)
    for text in texts:
        for line in text.splitlines():
            # "archive.a:member.o:0000 T name" or "archive.a:member.o:         U name"
            m = re.match(r"^(.*):\s*(?:[0-9a-fA-F]+\s+)?([A-Za-z?])\s+(\S+)$", line)
            if not m:
                continue
            member, kind, sym = m.groups()
            member = member.rsplit(":", 1)[-1] if ":" in member else member
            if sym.startswith(("__", ".")):
                continue  # the compiler's and the sanitizers' own
            mod = member_module(member, lib_files)
            if mod is None:
                continue
            if kind == "U":
                used[mod].add(sym)
            elif kind in "TDBRVWGS":
                defined[sym].add(mod)
    edges = defaultdict(set)
    external = defaultdict(set)  # module -> symbols no module of the archive defines
    for mod, syms in used.items():
        for sym in syms:
            if sym not in defined:
                external[mod].add(sym)
            for owner in defined.get(sym, ()):
                if owner != mod:
                    edges[(mod, owner)].add(sym)
    return edges, external


# ---------------------------------------------------------------------------- C scan

def blank_c(text):
    """The text with comments, string and character literals and preprocessor lines
    replaced by spaces; newlines kept so that offsets map to the same lines."""
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start:
            j = i
            while j < n and text[j] in " \t":
                j += 1
            if j < n and text[j] == "#":
                # a directive, with its backslash continuations (comments inside are blanked
                # with it)
                while j < n:
                    if text[j] == "\n" and text[j - 1] != "\\":
                        break
                    j += 1
                for k in range(i, j):
                    if out[k] != "\n":
                        out[k] = " "
                i = j
                continue
        at_line_start = False
        if c == "\n":
            at_line_start = True
            i += 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        else:
            i += 1
    return "".join(out)


IDENT_BEFORE_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*$")


def functions_of(text):
    """[(name, first line, last line)] of the file-level function definitions."""
    clean = blank_c(text)
    line_at = [0] * (len(clean) + 1)
    ln = 1
    for i, c in enumerate(clean):
        line_at[i] = ln
        if c == "\n":
            ln += 1
    line_at[len(clean)] = ln
    out = []
    depth = 0
    i = 0
    n = len(clean)
    while i < n:
        c = clean[i]
        if c == "{":
            if depth == 0:
                name_pos = function_name_before(clean, i)
                if name_pos is not None:
                    name, pos = name_pos
                    end = matching_brace(clean, i)
                    out.append((name, line_at[pos], line_at[end]))
                    i = end + 1
                    continue
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        i += 1
    return out


def matching_brace(clean, i):
    depth = 0
    for j in range(i, len(clean)):
        if clean[j] == "{":
            depth += 1
        elif clean[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(clean) - 1


def function_name_before(clean, brace):
    """(name, offset of the name) when the '{' at brace opens a function body."""
    j = brace - 1
    while j >= 0 and clean[j].isspace():
        j -= 1
    while j >= 0 and clean[j] == ")":
        # the parameter list, or an attribute's parentheses after it
        depth = 0
        k = j
        while k >= 0:
            if clean[k] == ")":
                depth += 1
            elif clean[k] == "(":
                depth -= 1
                if depth == 0:
                    break
            k -= 1
        if k < 0:
            return None
        m = IDENT_BEFORE_RE.search(clean, 0, k)
        if not m:
            return None
        if m.group(1) in ("__attribute__", "__attribute", "_cleanup_"):
            j = m.start() - 1
            while j >= 0 and clean[j].isspace():
                j -= 1
            continue
        return m.group(1), m.start()
    return None


# ---------------------------------------------------------------------------- rules

class Violations:
    def __init__(self):
        self.items = {}  # key -> message

    def add(self, rule, subject, message, note=""):
        key = f"{rule} {subject}"
        if key not in self.items:
            self.items[key] = (message, note)


def find_cycles(nodes, edges):
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    adj = defaultdict(list)
    for a, b in edges:
        adj[a].append(b)
    for a in adj:
        adj[a].sort()
    index = {}
    low = {}
    on_stack = set()
    stack = []
    sccs = []
    counter = [0]

    def strong(v):
        work = [(v, iter(adj[v]))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(adj[w])))
                    advanced = True
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    sccs.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            strong(v)
    return sccs


def shortest_path(adj, src, dst, allowed):
    prev = {src: None}
    queue = [src]
    for v in queue:
        if v == dst:
            break
        for w in sorted(adj[v]):
            if w in allowed and w not in prev:
                prev[w] = v
                queue.append(w)
    path = [dst]
    while prev.get(path[-1]) is not None:
        path.append(prev[path[-1]])
    return list(reversed(path))


def check_tree(root, archives=(), nm_output=None):
    lib_files = source_files(root, "src/lib")
    cli_files = source_files(root, "src/cli")
    res = Resolver(root, lib_files, cli_files)
    v = Violations()

    if not os.path.exists(os.path.join(root, SECCOMP_OWNER)):
        v.add("seccomp-h", SECCOMP_OWNER,
              f"SECCOMP_OWNER {SECCOMP_OWNER} does not exist: name the libseccomp adapter "
              "in tests/layering.py")

    include_edges = defaultdict(set)
    for f in lib_files + cli_files:
        in_lib = f.startswith("src/lib/")
        for line, kind, name in includes_of(root, f):
            spelled = f"<{name}>" if kind == "<" else f'"{name}"'
            target = res.resolve(f, kind, name)
            where = f"{f}:{line}"
            if kind == "<" and name == "seccomp.h" and f != SECCOMP_OWNER:
                v.add("seccomp-h", f, f"{where}: includes <seccomp.h>; only {SECCOMP_OWNER} "
                      "(the libseccomp adapter) may")
            if kind == "<" and name == "yaml.h" and not (
                    f in YAML_OWNERS or f.startswith(YAML_OWNER_DIRS)):
                v.add("yaml-h", f, f"{where}: includes <yaml.h>; only the doc module "
                      f"({', '.join(YAML_OWNERS)}) may")
            if in_lib:
                if target and target.startswith("src/cli/"):
                    v.add("lib-includes-cli", f"{f} -> {target}",
                          f"{where}: the library includes the CLI header {spelled} ({target})")
                a, b = module_of(f), module_of(target)
                if b and a != b:
                    include_edges[(a, b)].add(f"{f} includes {spelled}")
            else:
                if target is None or target == PUBLIC_HEADER or target.startswith("src/cli/"):
                    continue
                if target.startswith(CLI_ALLOWED_DIRS):
                    continue
                if target.startswith("src/lib/") and "/" not in target[len("src/lib/"):] \
                        and os.path.basename(target) in CLI_ALLOWED_LIB_HEADERS:
                    continue
                v.add("cli-includes", f"{f} -> {target}",
                      f"{where}: the CLI includes the library's internal header {spelled} "
                      f"({target}); it may use kseccomp.h and the node/record/agent/audit/kube module "
                      "headers")

    sym_edges, external = symbol_edges(archives, lib_files, nm_output)
    # The object files say the same as the includes: a module that declares libseccomp's or
    # libyaml's functions itself still uses the library.
    for mod, syms in sorted(external.items()):
        f = f"src/lib/{mod}.c"
        calls = sorted(x for x in syms if x.startswith("seccomp_"))
        if calls and f != SECCOMP_OWNER:
            v.add("seccomp-h", f, f"{f}: its object calls libseccomp ({', '.join(calls[:4])}); "
                  f"only {SECCOMP_OWNER} (the libseccomp adapter) may")
        calls = sorted(x for x in syms if x.startswith("yaml_"))
        if calls and not (f in YAML_OWNERS or f.startswith(YAML_OWNER_DIRS)):
            v.add("yaml-h", f, f"{f}: its object calls libyaml ({', '.join(calls[:4])}); only "
                  "the doc module may")
    edges = defaultdict(lambda: ([], []))
    for e, why in include_edges.items():
        edges[e][0].extend(sorted(why))
    for e, syms in sym_edges.items():
        edges[e][1].extend(sorted(syms))
    nodes = {module_of(f) for f in lib_files}
    for a, b in edges:
        nodes.add(a)
        nodes.add(b)
    adj = defaultdict(set)
    for a, b in edges:
        adj[a].add(b)
    for comp in find_cycles(nodes, edges):
        members = set(comp)
        for (a, b), (incs, syms) in sorted(edges.items()):
            if a in members and b in members:
                back = shortest_path(adj, b, a, members)
                cycle = " -> ".join([a] + back)
                why = "; ".join(incs[:3])
                if syms:
                    more = f" and {len(syms) - 4} more" if len(syms) > 4 else ""
                    why += ("; " if why else "") + "uses " + ", ".join(syms[:4]) + more
                v.add("cycle", f"{a} -> {b}",
                      f"src/lib module {a} -> {b} lies on the cycle {cycle} ({why})")

    for f in cli_files:
        lines = read_text(root, f).count("\n")
        if lines > CLI_FILE_MAX:
            v.add("cli-file-length", f, f"{f}: {lines} lines, over {CLI_FILE_MAX}",
                  f"{lines} lines")
    for f in source_files(root, "src"):
        for name, first, last in functions_of(read_text(root, f)):
            length = last - first + 1
            if length > FN_MAX:
                v.add("fn-length", f"{f} {name}",
                      f"{f}:{first}: {name}() is {length} lines, over {FN_MAX}",
                      f"{length} lines")
    return v


# ---------------------------------------------------------------------------- driver

def read_allowlist(path):
    entries = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            key = " ".join(line.split("#", 1)[0].split())
            if key:
                entries[key] = n
    return entries


def run_check(root, allowlist, archives):
    v = check_tree(root, archives)
    allowed = read_allowlist(allowlist)
    new = sorted(k for k in v.items if k not in allowed)
    stale = sorted((n, k) for k, n in allowed.items() if k not in v.items)
    per_rule = defaultdict(int)
    for k in v.items:
        per_rule[k.split(" ", 1)[0]] += 1
    for rule in sorted(per_rule):
        print(f"# {rule}: {per_rule[rule]} violation(s) today")
    status = 0
    print("1..2")
    if new:
        print(f"not ok 1 - {len(new)} violation(s) not in the allowlist")
        for k in new:
            print(f"# NEW {k.split(' ', 1)[0]}: {v.items[k][0]}")
        status = 1
    else:
        print(f"ok 1 - no violation outside the allowlist ({len(v.items)} allowlisted)")
    if stale:
        print(f"not ok 2 - {len(stale)} allowlist line(s) no longer occur: remove them "
              "(the allowlist only shrinks)")
        for n, k in stale:
            print(f"# STALE {allowlist}:{n}: {k}")
        status = 1
    else:
        print("ok 2 - every allowlist line still occurs")
    return status


def run_list(root, archives):
    v = check_tree(root, archives)
    for k in sorted(v.items):
        note = v.items[k][1]
        print(f"{k}  # {note}" if note else k)
    return 0


# ---------------------------------------------------------------------------- self-test

def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def long_function(name, lines):
    body = "".join(f"\tx += {i}; /* {{ not a brace */\n" for i in range(lines - 4))
    return f"int\n{name}(int x)\n{{\n{body}\treturn x;\n}}\n"


def clean_tree(root):
    write(root, "include/kseccomp.h", "int ksc_x(void);\n")
    write(root, SECCOMP_OWNER, "#include <seccomp.h>\n#include \"error.h\"\n")
    write(root, "src/lib/error.h", "#include \"kseccomp.h\"\n")
    write(root, "src/lib/error.c", "#include \"error.h\"\nint e(void) { return 0; }\n")
    write(root, "src/lib/doc.c", "#include <yaml.h>\n#include \"error.h\"\n")
    write(root, "src/lib/node/state.h", "#include \"error.h\"\n")
    write(root, "src/cli/cli.h", "#include \"ksc-cleanup.h\"\n#include <stdio.h>\n")
    write(root, "src/lib/ksc-cleanup.h", "#include \"kseccomp.h\"\n")
    write(root, "src/cli/main.c", "#include \"cli.h\"\n#include \"node/state.h\"\n"
          "#include <kseccomp.h>\n#include <linux/seccomp.h>\n"
          "static const char *s = \"}\";\nint\nmain(void)\n{\n\treturn s[0] == '{';\n}\n")
    write(root, "src/lib/short.c", long_function("just_enough", FN_MAX))


def self_test():
    """Each planted violation must be reported, and the clean tree must be clean: a checker
    that reports nothing would fail here."""
    plants = [
        ("lib-includes-cli src/lib/node/state.c -> src/cli/cli.h",
         lambda r: write(r, "src/lib/node/state.c", "#include \"cli.h\"\n")),
        ("lib-includes-cli src/lib/x.c -> src/cli/cli.h",
         lambda r: write(r, "src/lib/x.c", "#include \"../cli/cli.h\"\n")),
        ("seccomp-h src/lib/enforce.c",
         lambda r: write(r, "src/lib/enforce.c", "# include <seccomp.h>\n")),
        ("yaml-h src/cli/main2.c",
         lambda r: write(r, "src/cli/main2.c", "#include <yaml.h>\n")),
        ("cycle a -> b",
         lambda r: (write(r, "src/lib/a.h", "#include \"b.h\"\n"),
                    write(r, "src/lib/b.h", ""),
                    write(r, "src/lib/b.c", "#include \"a.h\"\n"))),
        ("cycle filter -> compile",
         lambda r: (write(r, "src/lib/filter.c", "#include \"kseccomp.h\"\n"),
                    write(r, "src/lib/compile.c", "#include \"kseccomp.h\"\n"))),
        ("cli-includes src/cli/kube.c -> src/lib/profile.h",
         lambda r: (write(r, "src/lib/profile.h", ""),
                    write(r, "src/cli/kube.c", "#include \"profile.h\"\n"))),
        ("cli-file-length src/cli/big.c",
         lambda r: write(r, "src/cli/big.c", "\n" * (CLI_FILE_MAX + 1))),
        ("fn-length src/lib/long.c too_long",
         lambda r: write(r, "src/lib/long.c", "/* } */\n" + long_function("too_long",
                                                                          FN_MAX + 1))),
    ]
    # The symbol edges of the filter/compile circle, as `nm -A` prints them for a thin
    # archive; a real archive is also built below when a compiler is at hand.
    nm_circle = ("lib.a:lib.a.p/src_lib_filter.c.o:0000000000000010 T ksc_filter_new\n"
                 "lib.a:lib.a.p/src_lib_filter.c.o:                 U ksc_compile_arches\n"
                 "lib.a:lib.a.p/src_lib_compile.c.o:0000000000000000 T ksc_compile_arches\n"
                 "lib.a:lib.a.p/src_lib_compile.c.o:                 U ksc_filter_new\n")
    n = 0
    failed = 0

    def result(ok, what, detail=""):
        nonlocal n, failed
        n += 1
        print(f"{'ok' if ok else 'not ok'} {n} - {what}")
        if not ok:
            failed += 1
            for line in detail.splitlines():
                print(f"# {line}")

    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "clean")
        clean_tree(base)
        v = check_tree(base)
        result(not v.items, "the clean tree has no violation", "\n".join(v.items))
        for key, plant in plants:
            root = os.path.join(tmp, str(len(os.listdir(tmp))))
            clean_tree(root)
            plant(root)
            nm = nm_circle if key.startswith("cycle filter") else None
            v = check_tree(root, (), nm)
            result(key in v.items, f"planted: {key}", "found: " + ", ".join(v.items))

        # The driver: a new violation fails, a stale allowlist line fails, both exact.
        root = os.path.join(tmp, "driver")
        clean_tree(root)
        write(root, "src/lib/enforce.c", "#include <seccomp.h>\n")
        allow = os.path.join(tmp, "allow.txt")
        write(tmp, "allow.txt", "")
        result(run_quiet(root, allow) == 1, "a violation not in the allowlist fails")
        write(tmp, "allow.txt", "seccomp-h src/lib/enforce.c  # today\n")
        result(run_quiet(root, allow) == 0, "an allowlisted violation passes")
        write(tmp, "allow.txt", "seccomp-h src/lib/enforce.c\nseccomp-h src/lib/gone.c\n")
        result(run_quiet(root, allow) == 1, "an allowlist line that no longer occurs fails")

        # Symbols from a real archive, when a compiler and ar are at hand.
        cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("cc")
        ar = shutil.which("ar")
        if cc and ar:
            root = os.path.join(tmp, "objects")
            clean_tree(root)
            write(root, "src/lib/p.c", "int q(void);\nint p(void) { return q(); }\n")
            write(root, "src/lib/q.c", "int p(void);\nint q(void) { return p() + 1; }\n")
            objs = []
            for m in ("p", "q"):
                obj = os.path.join(root, f"src_lib_{m}.c.o")
                subprocess.run([cc, "-c", "-o", obj, os.path.join(root, f"src/lib/{m}.c")],
                               check=True)
                objs.append(obj)
            archive = os.path.join(root, "libt.a")
            subprocess.run([ar, "rcs", archive] + objs, check=True)
            v = check_tree(root, [archive])
            result("cycle p -> q" in v.items and "cycle q -> p" in v.items,
                   "a call circle between two object files is a cycle",
                   "found: " + ", ".join(v.items))
            write(root, "src/lib/r.c", "void *seccomp_init(unsigned a);\n"
                  "void *r(void) { return seccomp_init(0); }\n")
            obj = os.path.join(root, "src_lib_r.c.o")
            subprocess.run([cc, "-c", "-o", obj, os.path.join(root, "src/lib/r.c")],
                           check=True)
            subprocess.run([ar, "rcs", archive, obj], check=True)
            v = check_tree(root, [archive])
            result("seccomp-h src/lib/r.c" in v.items,
                   "an object calling libseccomp without its header is caught",
                   "found: " + ", ".join(v.items))
        else:
            n += 1
            print(f"ok {n} # SKIP no C compiler or ar for a real archive")
    print(f"1..{n}")
    return 1 if failed else 0


def run_quiet(root, allow):
    saved = sys.stdout
    try:
        sys.stdout = open(os.devnull, "w")
        return run_check(root, allow, ())
    finally:
        sys.stdout.close()
        sys.stdout = saved


def main(argv):
    if len(argv) >= 4 and argv[1] == "check":
        return run_check(argv[2], argv[3], argv[4:])
    if len(argv) >= 3 and argv[1] == "list":
        return run_list(argv[2], argv[3:])
    if len(argv) == 2 and argv[1] == "self-test":
        return self_test()
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
