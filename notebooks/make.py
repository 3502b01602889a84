"""Builds notebooks/NAME.ipynb from notebooks/sources/NAME.md.

A source is a sequence of cells, each opened by a line `%% md` (Markdown) or
`%% ts` (a TypeScript code cell for the saddlelab kernel). Keeping the sources as
plain text makes diffs readable; the .ipynb files are what Jupyter opens.

The scales a notebook offers are the keys of the `SCALES` table in its code
(docs/tutorials.md); they go into the notebook's metadata (`saddlelab.scales`),
where `scripts/tutorials.py` reads them before it starts a kernel.

    .venv/bin/python notebooks/make.py                 # every source
    .venv/bin/python notebooks/make.py 04-example-1
    .venv/bin/python notebooks/make.py --check         # exit 1 if a .ipynb differs from its source
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KERNELSPEC = {"name": "saddlelab", "display_name": "TypeScript (saddlelab)", "language": "typescript"}


def cells_of(text: str):
    cells, kind, lines = [], None, []
    for line in text.splitlines():
        if line.strip() in ("%% md", "%% ts"):
            if kind is not None:
                cells.append((kind, "\n".join(lines).strip("\n")))
            kind, lines = line.strip()[3:], []
        else:
            lines.append(line)
    if kind is not None:
        cells.append((kind, "\n".join(lines).strip("\n")))
    return cells


def scales_of(cells):
    """Keys of the `const SCALES = { name: {...}, ... };` table, in order."""
    for kind, src in cells:
        m = re.search(r"^const SCALES\b[^=]*= \{\n(.*?)\n\};", src, re.S | re.M)
        if kind == "ts" and m:
            return re.findall(r"^  (\w+): \{", m.group(1), re.M)
    return []


def notebook(cells):
    out = []
    for i, (kind, src) in enumerate(cells):
        cell = {"cell_type": "markdown" if kind == "md" else "code", "id": f"c{i:02d}", "metadata": {}, "source": src.splitlines(True)}
        if kind == "ts":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
            "saddlelab": {"scales": scales_of(cells)},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def text_of(src: Path) -> str:
    return json.dumps(notebook(cells_of(src.read_text())), indent=1, ensure_ascii=False) + "\n"


def main(args):
    check = "--check" in args
    names = [a for a in args if a != "--check"]
    sources = sorted((HERE / "sources").glob("*.md"))
    if names:
        sources = [s for s in sources if s.stem in names]
    stale = []
    for src in sources:
        dst = HERE / f"{src.stem}.ipynb"
        text = text_of(src)
        if check:
            if not dst.exists() or dst.read_text() != text:
                stale.append(dst.name)
            continue
        dst.write_text(text)
        print(f"{src.relative_to(HERE.parent)} -> {dst.relative_to(HERE.parent)} ({len(json.loads(text)['cells'])} cells)")
    if check:
        built = {s.stem for s in sources}
        orphans = [p.name for p in HERE.glob("*.ipynb") if not names and p.stem not in built]
        for name in stale:
            print(f"notebooks/{name} differs from notebooks/sources: run .venv/bin/python notebooks/make.py", file=sys.stderr)
        for name in orphans:
            print(f"notebooks/{name} has no source in notebooks/sources", file=sys.stderr)
        return 1 if stale or orphans else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
