"""Executes the tutorial notebooks headlessly through the saddlelab kernel and
writes reports (issue 5):

    reports/NAME.ipynb   the executed notebook (live widget views + static SVG figures)
    reports/NAME.html    offline HTML (widgets.writeReport: prepareReport + nbconvert)
    reports/index.html   links to every report, with run times and key figures
    reports/summary.json per notebook: run time (s) and the key figures its last cell
                         prints as one line `SADDLELAB_SUMMARY {json}`

Usage (normally through npm, which runs scripts/setup.sh first):
    .venv/bin/python scripts/tutorials.py [NAME ...] [--fast] [--out DIR]
NAME is a notebook's file name without .ipynb (e.g. 04-example-1); none = all.
--fast sets SADDLELAB_FAST=1, which each notebook's parameter cell reads to use
smaller sizes (the tests use it). A failing cell stops the run with a message
naming the notebook and the cell, and the exit status is 1.
"""
import argparse
import html
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MARK = "SADDLELAB_SUMMARY "


def say(msg: str) -> None:
    print(f"[tutorials] {msg}", file=sys.stderr, flush=True)


def summary_of(nb) -> dict:
    """The JSON of the last `SADDLELAB_SUMMARY` line in the notebook's outputs."""
    found = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            for line in text.splitlines():
                if line.startswith(MARK):
                    found = json.loads(line[len(MARK):])
    return found


def first_line(cell) -> str:
    src = cell.source.strip().splitlines()
    return src[0][:80] if src else ""


def run_one(path: Path, out_dir: Path, timeout: int) -> dict:
    name = path.stem
    nb = nbformat.read(path, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    client = NotebookClient(nb, timeout=timeout, kernel_name="saddlelab", resources={"metadata": {"path": str(path.resolve().parent)}})
    t0 = time.time()
    failure = None
    with client.setup_kernel():
        for n, i in enumerate(code_cells, 1):
            say(f"{name}: cell {n}/{len(code_cells)} (notebook cell {i + 1}: {first_line(nb.cells[i])})")
            try:
                client.execute_cell(nb.cells[i], i)
            except (CellExecutionError, CellTimeoutError) as e:
                failure = {"cell": i + 1, "codeCell": n, "source": first_line(nb.cells[i]), "error": str(e).strip().splitlines()[-1][:500]}
                break
        client.set_widgets_metadata()
    seconds = time.time() - t0
    ipynb = out_dir / f"{name}.ipynb"
    nbformat.write(nb, ipynb)
    result = {"notebook": name, "seconds": round(seconds, 1), "fast": os.environ.get("SADDLELAB_FAST") == "1"}
    if failure:
        result["failed"] = failure
        return result
    result["figures"] = summary_of(nb)
    if result["figures"] is None:
        result["failed"] = {"cell": None, "error": f"no `{MARK.strip()}` line in the outputs"}
        return result
    # The widgets engineer's writeReport keeps the static SVG figures and drops the
    # widget views, so the HTML shows every figure offline.
    script = "require(process.argv[1]).widgets.writeReport(process.argv[2], process.argv[3])"
    subprocess.run(["node", "-e", script, str(ROOT), str(ipynb), str(out_dir / f"{name}.html")], check=True, cwd=ROOT)
    return result


def write_index(out_dir: Path, results: list) -> None:
    rows = []
    for r in results:
        status = "failed at cell %s" % r["failed"].get("cell") if "failed" in r else "ok"
        figs = html.escape(json.dumps(r.get("figures"), indent=None))[:600]
        link = f'<a href="{r["notebook"]}.html">{r["notebook"]}</a>' if "failed" not in r else r["notebook"]
        rows.append(f"<tr><td>{link}</td><td>{status}</td><td>{r['seconds']}</td><td><code>{figs}</code></td></tr>")
    (out_dir / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>saddlelab tutorials</title>"
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}td{border-top:1px solid #ccc;padding:.3em;vertical-align:top}code{font-size:80%}</style>"
        "<h1>saddlelab tutorials</h1><p>Reports of the notebooks in <code>notebooks/</code>, executed by <code>npm run tutorials</code>. "
        "See <a href=summary.json>summary.json</a>.</p>"
        "<table><tr><th>notebook</th><th>status</th><th>seconds</th><th>key figures</th></tr>" + "".join(rows) + "</table>\n"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*")
    ap.add_argument("--fast", action="store_true", help="SADDLELAB_FAST=1: the notebooks' small sizes")
    ap.add_argument("--out", default=str(ROOT / "reports"))
    ap.add_argument("--timeout", type=int, default=900, help="seconds per cell (default 900)")
    a = ap.parse_args()
    if a.fast:
        os.environ["SADDLELAB_FAST"] = "1"
    available = sorted(p for p in NOTEBOOKS.glob("*.ipynb"))
    # A name is a notebook of notebooks/ (without .ipynb) or the path of any .ipynb file.
    paths = [Path(n) if n.endswith(".ipynb") else NOTEBOOKS / f"{n}.ipynb" for n in a.names] or available
    unknown = [str(p) for p in paths if not p.exists()]
    if unknown:
        say(f"unknown notebook(s) {', '.join(unknown)}; accepted: {', '.join(p.stem for p in available)} or a path to an .ipynb file")
        return 2
    out_dir = Path(a.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary_path = out_dir / "summary.json"
    # A run of one notebook updates its entry and keeps the others'.
    previous = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    results = []
    for k, p in enumerate(paths, 1):
        say(f"[{k}/{len(paths)}] {p.stem}")
        r = run_one(p, out_dir, a.timeout)
        results.append(r)
        previous[p.stem] = r
        summary_path.write_text(json.dumps(previous, indent=2) + "\n")
        if "failed" in r:
            f = r["failed"]
            say(f"FAILED: notebook {p.stem}, cell {f.get('cell')} ({f.get('source', '')}): {f['error']}")
            say(f"the partly executed notebook is in {out_dir / (p.stem + '.ipynb')}")
            write_index(out_dir, [previous[k2] for k2 in sorted(previous)])
            return 1
        say(f"{p.stem}: done in {r['seconds']} s -> {out_dir / (p.stem + '.html')}")
    write_index(out_dir, [previous[k2] for k2 in sorted(previous)])
    say(f"all done: {len(results)} notebook(s), {sum(r['seconds'] for r in results):.0f} s; {out_dir / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
