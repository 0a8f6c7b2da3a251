#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a one-layer image as a docker-archive tarball, the format `ctr images import` reads,
so that a private containerd runs the project's test images without pulling anything.

Usage: image-archive.py OUT.tar REF [--file SRC:DEST]... [--link TARGET:DEST]...
                        [--busybox PATH] -- ENTRYPOINT...

--busybox PATH puts a static busybox at /bin/busybox with a link for each applet the tests
use. Files keep their mode; the layer's entries are owned by root, with a fixed time, so the
same inputs give the same archive (and the same image id).
"""
import argparse
import hashlib
import io
import json
import os
import sys
import tarfile

APPLETS = ["sh", "sleep", "cat", "echo", "ls", "mkdir", "true", "false", "id", "env",
           "ps", "grep", "head", "wc", "uname", "touch", "rm", "chmod", "date", "hostname"]
MTIME = 1700000000


def add_dir(tar, name):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    info.mtime = MTIME
    tar.addfile(info)


def add_bytes(tar, name, data, mode):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = MTIME
    tar.addfile(info, io.BytesIO(data))


def add_link(tar, name, target):
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    info.mode = 0o777
    info.mtime = MTIME
    tar.addfile(info)


def layer(files, links, busybox):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        dirs = {"bin", "etc", "proc", "sys", "dev", "tmp", "var", "run"}
        for _, dest in files + links:
            parts = dest.strip("/").split("/")[:-1]
            for i in range(1, len(parts) + 1):
                dirs.add("/".join(parts[:i]))
        for d in sorted(dirs):
            add_dir(tar, d)
        add_bytes(tar, "etc/passwd", b"root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n", 0o644)
        add_bytes(tar, "etc/group", b"root:x:0:\nnobody:x:65534:\n", 0o644)
        if busybox:
            with open(busybox, "rb") as f:
                add_bytes(tar, "bin/busybox", f.read(), 0o755)
            for applet in APPLETS:
                add_link(tar, "bin/" + applet, "busybox")
        for src, dest in files:
            with open(src, "rb") as f:
                add_bytes(tar, dest.strip("/"), f.read(), os.stat(src).st_mode & 0o7777)
        for target, dest in links:
            add_link(tar, dest.strip("/"), target)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("ref")
    ap.add_argument("--file", action="append", default=[])
    ap.add_argument("--link", action="append", default=[])
    ap.add_argument("--busybox")
    ap.add_argument("entrypoint", nargs="+")
    args = ap.parse_args()

    files = [tuple(f.split(":", 1)) for f in args.file]
    links = [tuple(f.split(":", 1)) for f in args.link]
    for pair in files + links:
        if len(pair) != 2:
            sys.exit("image-archive.py: --file and --link take SRC:DEST")
    data = layer(files, links, args.busybox)
    diff_id = "sha256:" + hashlib.sha256(data).hexdigest()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
    config = {
        "architecture": arch,
        "os": "linux",
        "created": "2023-11-14T22:13:20Z",
        "config": {"Entrypoint": args.entrypoint, "Env": ["PATH=/bin"], "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "kseccomp image-archive.py"}],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": [args.ref], "Layers": ["layer.tar"]}]
    with tarfile.open(args.out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        add_bytes(tar, config_name, config_bytes, 0o644)
        add_bytes(tar, "layer.tar", data, 0o644)
        add_bytes(tar, "manifest.json", json.dumps(manifest).encode(), 0o644)
    return 0


if __name__ == "__main__":
    sys.exit(main())
