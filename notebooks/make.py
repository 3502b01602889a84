"""Builds notebooks/NAME.ipynb from notebooks/sources/NAME.md.

A source is a sequence of cells, each opened by a line `%% md` (Markdown) or
`%% ts` (a TypeScript code cell for the saddlelab kernel). Keeping the sources as
plain text makes diffs readable; the .ipynb files are what Jupyter opens.

    .venv/bin/python notebooks/make.py            # every source
    .venv/bin/python notebooks/make.py 04-example-1
"""
import json
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


def notebook(cells):
    out = []
    for i, (kind, src) in enumerate(cells):
        cell = {"cell_type": "markdown" if kind == "md" else "code", "id": f"c{i:02d}", "metadata": {}, "source": src.splitlines(True)}
        if kind == "ts":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return {
        "cells": out,
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def main(names):
    sources = sorted((HERE / "sources").glob("*.md"))
    if names:
        sources = [s for s in sources if s.stem in names]
    for src in sources:
        nb = notebook(cells_of(src.read_text()))
        dst = HERE / f"{src.stem}.ipynb"
        dst.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        print(f"{src.relative_to(HERE.parent)} -> {dst.relative_to(HERE.parent)} ({len(nb['cells'])} cells)")


if __name__ == "__main__":
    main(sys.argv[1:])
