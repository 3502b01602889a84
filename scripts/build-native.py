#!/usr/bin/env python3
"""Extracts what the tfjs-node addon needs from a TensorFlow wheel.

Called by scripts/build-native.mjs. Python is used because the wheel is a zip
and python3 is needed by node-gyp anyway, so it adds no requirement.

    python3 scripts/build-native.py WHEEL DEPS_DIR [SOURCE_DIR ...]

Writes DEPS_DIR/lib/{libtensorflow_cc.so.2, libtensorflow_framework.so.2} and
DEPS_DIR/include/<the C API headers>. Only the include closure of the headers
that the addon's sources include is copied: a fixed list broke when TF 2.21
moved tsl_status.h under xla/, the closure follows such moves by itself.
Prints one JSON line: {"libs": [...], "headers": N}.
"""
import json
import os
import re
import shutil
import sys
import zipfile

LIBS = ("libtensorflow_cc.so.2", "libtensorflow_framework.so.2")
INCLUDE_PREFIX = "tensorflow/include/"
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def addon_includes(source_dirs):
    found = set()
    for d in source_dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith((".cc", ".h")):
                with open(os.path.join(d, name), encoding="utf8", errors="replace") as f:
                    found.update(INCLUDE_RE.findall(f.read()))
    return found


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: build-native.py WHEEL DEPS_DIR [SOURCE_DIR ...]")
    wheel, deps = sys.argv[1], sys.argv[2]
    sources = sys.argv[3:]
    z = zipfile.ZipFile(wheel)
    names = set(z.namelist())
    headers = {n[len(INCLUDE_PREFIX):] for n in names if n.startswith(INCLUDE_PREFIX)}

    lib_dir = os.path.join(deps, "lib")
    os.makedirs(lib_dir, exist_ok=True)
    for lib in LIBS:
        member = "tensorflow/" + lib
        if member not in names:
            sys.exit(f"[saddlelab] {wheel} has no {member}; accepted: a tensorflow or tensorflow-cpu >= 2.16 wheel")
        # Write to a temporary name and rename, so an interrupted run never leaves
        # a truncated library that a later run would take as complete.
        tmp = os.path.join(lib_dir, lib + ".part")
        with z.open(member) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
        os.replace(tmp, os.path.join(lib_dir, lib))

    todo = [h for h in addon_includes(sources) if h in headers]
    todo += ["tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h"]
    seen = set()
    while todo:
        h = todo.pop()
        if h in seen or h not in headers:
            continue
        seen.add(h)
        text = z.read(INCLUDE_PREFIX + h)
        out = os.path.join(deps, "include", h)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            f.write(text)
        todo.extend(INCLUDE_RE.findall(text.decode("utf8", "replace")))
    print(json.dumps({"libs": list(LIBS), "headers": len(seen)}))


if __name__ == "__main__":
    main()
