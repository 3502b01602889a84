"""Executes the tutorial notebooks headlessly through the saddlelab kernel and
writes reports:

    reports/NAME.ipynb   the executed notebook (live widget views + static figures)
    reports/NAME.html    offline HTML (widgets.writeReport)
    reports/index.html   links to every report, with run times and key figures
    reports/summary.json per notebook: run time (s), scale, and the key figures its
                         last cell displays as `application/vnd.saddlelab.summary+json`
                         (a reader of the notebook sees them as a table: widgets.keyFigures)
    reports/NAME.summary.json  the same, for one notebook (linked from index.html)

Usage (normally through npm, which runs scripts/setup.sh first):
    npm run tutorials -- [NAME ...] [--scale SCALE] [--out DIR]
    .venv/bin/python scripts/tutorials.py [NAME ...] [--scale SCALE] [--out DIR]

NAME is a notebook's file name without .ipynb (e.g. 04-example-1), or the path
of any .ipynb file; none = all. SCALE picks the sizes in each notebook's
`SCALES` table: `tutorial` (the default), `fast` (what the tests run; `--fast`
is the same), `paper` where a notebook has it (05 and 06: Figure 1's width 1000,
all 10,000 images, mini-batches of 100, 100,000 steps). The runner sets
SADDLELAB_SCALE, which the parameter cell reads. While a notebook runs, the
runner prints each cell it starts and, during long training cells, the step,
rate and time left from the notebook's TrainingDashboard (or, without one, how
long the cell has been running). A failing cell stops the run with a message
naming the notebook and the cell, and the exit status is 1.
"""
import argparse
import html
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SUMMARY_MIME = "application/vnd.saddlelab.summary+json"
DEFAULT_SCALE = "tutorial"
# Seconds between two progress lines of one cell (the first comes at once).
PROGRESS_EVERY = 15
HEARTBEAT_EVERY = 60


def say(msg: str) -> None:
    print(f"[tutorials] {msg}", file=sys.stderr, flush=True)


def clock(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def summary_of(nb) -> dict | None:
    """The key figures: the last `application/vnd.saddlelab.summary+json` output of the notebook."""
    found = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if out.get("output_type") in ("display_data", "execute_result") else {}
            if SUMMARY_MIME in data:
                value = data[SUMMARY_MIME]
                found = json.loads(value) if isinstance(value, str) else value
    return found


def first_line(cell) -> str:
    src = cell.source.strip().splitlines()
    return src[0][:80] if src else ""


def why(e: Exception, cell) -> str:
    """The error's own words: its name and value, else what the cell wrote to stderr (tslab's compile errors)."""
    name, value = getattr(e, "ename", ""), getattr(e, "evalue", "")
    lines = [line for line in str(e).strip().splitlines() if line.strip("- ")]
    text = f"{name}: {value}" if value else (lines[-1] if lines else type(e).__name__)
    stderr = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr").strip()
    if stderr and stderr not in text:
        text += f" (stderr: {stderr})"
    return text[:500]


def scales_of(nb) -> list:
    """The scales a notebook offers (notebooks/make.py writes them into its metadata)."""
    return list(nb.metadata.get("saddlelab", {}).get("scales", []))


class ProgressClient(NotebookClient):
    """An nbclient that reports a training's progress as the notebook's dashboard sends it."""

    def __init__(self, *args, name: str = "", every: float = PROGRESS_EVERY, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        self.every = every
        self.last_progress = 0.0  # the first progress line of a run comes at once
        self.last_said = time.time()
        self.lock = threading.Lock()

    def handle_comm_msg(self, outs, msg, cell_index):
        super().handle_comm_msg(outs, msg, cell_index)
        # A dashboard sends its progress in full updates (`state`) and in its live appends (`content`).
        data = msg["content"].get("data") or {}
        progress = (data.get("state") or {}).get("progress") or (data.get("content") or {}).get("progress")
        if isinstance(progress, dict) and (progress.get("step") or 0) > 0:
            self.report(progress)

    def report(self, p: dict) -> None:
        now = time.time()
        with self.lock:
            if now - self.last_progress < self.every:
                return
            self.last_progress = self.last_said = now
        step, total = p.get("step") or 0, p.get("total")
        parts = [f"step {step:,}" + (f"/{total:,} ({100 * step / total:.0f} %)" if total else "")]
        if p.get("stepsPerSecond"):
            parts.append(f"{p['stepsPerSecond']:.1f} steps/s")
        if p.get("etaSeconds") is not None and total and step < total:
            parts.append(f"about {clock(p['etaSeconds'])} left")
        say(f"{self.name}: " + ", ".join(parts))

    def quiet_for(self) -> float:
        with self.lock:
            return time.time() - self.last_said

    def heard(self) -> None:
        with self.lock:
            self.last_said = time.time()


def run_one(path: Path, out_dir: Path, timeout: int | None, scale: str, every: float = PROGRESS_EVERY) -> dict:
    name = path.stem
    nb = nbformat.read(path, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    client = ProgressClient(nb, timeout=timeout, kernel_name="saddlelab", resources={"metadata": {"path": str(path.resolve().parent)}}, name=name, every=every)
    t0 = time.time()
    failure = None
    with client.setup_kernel():
        for n, i in enumerate(code_cells, 1):
            say(f"{name}: cell {n}/{len(code_cells)} (notebook cell {i + 1}: {first_line(nb.cells[i])}), {clock(time.time() - t0)} in")
            client.heard()
            started = time.time()
            done = threading.Event()

            def heartbeat():
                # A long cell without a dashboard still says it is alive.
                while not done.wait(5):
                    if client.quiet_for() >= HEARTBEAT_EVERY:
                        say(f"{name}: cell {n}/{len(code_cells)} running for {clock(time.time() - started)}")
                        client.heard()

            beat = threading.Thread(target=heartbeat, daemon=True)
            beat.start()
            try:
                client.execute_cell(nb.cells[i], i)
            except (CellExecutionError, CellTimeoutError) as e:
                failure = {"cell": i + 1, "codeCell": n, "source": first_line(nb.cells[i]), "error": why(e, nb.cells[i])}
            finally:
                done.set()
                beat.join()
            if failure:
                break
        client.set_widgets_metadata()
    seconds = time.time() - t0
    ipynb = out_dir / f"{name}.ipynb"
    nbformat.write(nb, ipynb)
    result = {"notebook": name, "seconds": round(seconds, 1), "scale": scale}
    if failure:
        result["failed"] = failure
        return result
    result["figures"] = summary_of(nb)
    if result["figures"] is None:
        result["failed"] = {"cell": None, "error": f"no `{SUMMARY_MIME}` output (the key figures) in the notebook"}
        return result
    # writeReport keeps the static figures and drops the widget views, so the HTML shows every figure offline.
    script = "require(process.argv[1]).widgets.writeReport(process.argv[2], process.argv[3])"
    subprocess.run(["node", "-e", script, str(ROOT), str(ipynb), str(out_dir / f"{name}.html")], check=True, cwd=ROOT)
    return result


MAX_CHARS = 120
MAX_ITEMS = 6


def words(key: str) -> str:
    """A key figure's name in words, as widgets.keyFigures names it: camelCase split, capitalized words lower case, symbols kept (leftC0Step -> left C0 step)."""
    split = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key).replace("_", " ").split(" ")
    return " ".join(w.lower() if re.fullmatch(r"[A-Z][a-z]+", w) else w for w in split)


def short(value, depth: int = 0) -> str:
    """A key figure as short text: numbers to 4 significant digits, long lists cut to their first items."""
    if value is None:
        return "–"  # JSON has no NaN: the notebook's NaN arrives as null
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) and abs(value) < 10**6:
        return str(value)
    if isinstance(value, int):
        return f"{value:.4g}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        if not value:
            return "none"
        items = [short(v, depth + 1) for v in value[:MAX_ITEMS]]
        sep = "; " if any(isinstance(v, (dict, list)) for v in value) else ", "
        text = sep.join(items) + (f" … ({len(value)} in all)" if len(value) > MAX_ITEMS else "")
        return f"[{text}]" if depth else text
    if isinstance(value, dict):
        inner = ", ".join(f"{k} {short(v, depth + 1)}" for k, v in value.items())
        return f"({inner})" if depth else inner
    return str(value)


def figures_html(figures) -> str:
    """The key figures as a list of name: value, each value shortened as text before it is escaped (a cut never falls in markup)."""
    if not isinstance(figures, dict):
        return ""
    rows = []
    for key, value in figures.items():
        text = short(value)
        if len(text) > MAX_CHARS:
            text = text[: MAX_CHARS - 1] + "…"
        rows.append(f"<li><b>{html.escape(words(key))}</b> {html.escape(text)}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


def write_index(out_dir: Path, results: list) -> None:
    rows = []
    for r in results:
        status = "failed at cell %s" % r["failed"].get("cell") if "failed" in r else "ok"
        name = r["notebook"]
        # The full values, one file per notebook, linked from its row.
        (out_dir / f"{name}.summary.json").write_text(json.dumps(r, indent=2) + "\n")
        figs = figures_html(r.get("figures")) + f'<a href="{html.escape(name)}.summary.json">all values (JSON)</a>'
        link = f'<a href="{html.escape(name)}.html">{html.escape(name)}</a>' if "failed" not in r else html.escape(name)
        rows.append(f"<tr><td>{link}</td><td>{status}</td><td>{html.escape(str(r.get('scale', DEFAULT_SCALE)))}</td><td>{r['seconds']}</td><td class=figures>{figs}</td></tr>")
    (out_dir / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>saddlelab tutorials</title>"
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}td{border-top:1px solid #ccc;padding:.3em;vertical-align:top}"
        ".figures{font-size:85%}.figures ul{margin:0;padding-left:1.2em}</style>"
        "<h1>saddlelab tutorials</h1><p>Reports of the notebooks in <code>notebooks/</code>, executed by <code>npm run tutorials</code>. "
        "Each report is one HTML page that needs no network (figures interactive; the static images without JavaScript); "
        "the executed <code>.ipynb</code> beside it opens in JupyterLab, Notebook 7, VS Code or on GitHub with every figure. "
        "Key figures shortened here; every value in <a href=summary.json>summary.json</a>.</p>"
        "<table><tr><th>notebook</th><th>status</th><th>scale</th><th>seconds</th><th>key figures</th></tr>" + "".join(rows) + "</table>\n"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*")
    ap.add_argument("--scale", help="sizes from each notebook's SCALES table: tutorial (default), fast, paper (05, 06)")
    ap.add_argument("--fast", action="store_true", help="the same as --scale fast (what the tests run)")
    ap.add_argument("--out", default=str(ROOT / "reports"))
    ap.add_argument("--backend", help="SADDLELAB_BACKEND for the kernels: webgpu, gpu, tensorflow, wasm or cpu (default: the first that loads)")
    ap.add_argument("--timeout", type=int, default=None, help="seconds per cell (default 900; none at --scale paper)")
    ap.add_argument("--progress-every", type=float, default=PROGRESS_EVERY, help=f"seconds between progress lines of a training cell (default {PROGRESS_EVERY})")
    a = ap.parse_args()
    if a.fast and a.scale not in (None, "fast"):
        say(f"--fast means --scale fast; got --scale {a.scale} as well")
        return 2
    scale = "fast" if a.fast else (a.scale or DEFAULT_SCALE)
    # The paper scale trains for tens of minutes in one cell; a timeout would only lose it.
    timeout = a.timeout if a.timeout is not None else (None if scale == "paper" else 900)
    available = sorted(p for p in NOTEBOOKS.glob("*.ipynb"))
    paths = [Path(n) if n.endswith(".ipynb") else NOTEBOOKS / f"{n}.ipynb" for n in a.names] or available
    unknown = [str(p) for p in paths if not p.exists()]
    if unknown:
        say(f"unknown notebook(s) {', '.join(unknown)}; accepted: {', '.join(p.stem for p in available)} or a path to an .ipynb file")
        return 2
    lacking = []
    for p in paths:
        offered = scales_of(nbformat.read(p, as_version=4))
        if offered and scale not in offered:
            lacking.append(f"{p.stem} (scales: {', '.join(offered)})")
        elif not offered and scale != DEFAULT_SCALE:
            lacking.append(f"{p.stem} (no SCALES table: it runs at one size)")
    if lacking:
        say(f"scale '{scale}' is not offered by {'; '.join(lacking)}")
        return 2
    os.environ["SADDLELAB_SCALE"] = scale
    if a.backend:
        os.environ["SADDLELAB_BACKEND"] = a.backend
    out_dir = Path(a.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary_path = out_dir / "summary.json"
    # A run of one notebook updates its entry and keeps the others'.
    previous = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    results = []
    t0 = time.time()
    for k, p in enumerate(paths, 1):
        say(f"[{k}/{len(paths)}] {p.stem} at scale {scale}")
        r = run_one(p, out_dir, timeout, scale, a.progress_every)
        results.append(r)
        previous[p.stem] = r
        summary_path.write_text(json.dumps(previous, indent=2) + "\n")
        if "failed" in r:
            f = r["failed"]
            say(f"FAILED: notebook {p.stem}, cell {f.get('cell')} ({f.get('source', '')}): {f['error']}")
            say(f"the partly executed notebook is in {out_dir / (p.stem + '.ipynb')}")
            write_index(out_dir, [previous[k2] for k2 in sorted(previous)])
            return 1
        say(f"{p.stem}: done in {clock(r['seconds'])} -> {out_dir / (p.stem + '.html')}")
    write_index(out_dir, [previous[k2] for k2 in sorted(previous)])
    say(f"all done: {len(results)} notebook(s) in {clock(time.time() - t0)}; {out_dir / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
