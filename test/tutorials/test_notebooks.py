"""Executes the tutorial notebooks at the `fast` scale (same code paths, smaller
sizes) through the saddlelab kernel with the report runner, and checks the paper's
claims from the key figures each notebook displays; also the runner itself: scales,
progress lines, failures, and that the notebooks are what notebooks/make.py builds
from notebooks/sources. A notebook whose code no longer runs fails here."""
import json
import subprocess
import sys

import nbformat

from tutorial_reports import ROOT, figures, run_notebooks

SUMMARY_MIME = "application/vnd.saddlelab.summary+json"

SQRT2_MINUS_1 = 2 ** 0.5 - 1


def test_every_notebook_has_a_report_with_figures(reports):
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks"
    summary = json.loads((reports / "summary.json").read_text())
    assert sorted(summary) == notebooks
    index = (reports / "index.html").read_text()
    for name in notebooks:
        assert f'href="{name}.html"' in index
        assert summary[name]["seconds"] > 0 and summary[name]["scale"] == "fast", summary[name]
        assert summary[name]["figures"], summary[name]


def test_key_figures_are_a_short_table_for_the_reader(reports):
    """The figures travel as their own MIME type; the reader sees a short table of named values,
    as text and HTML, never the JSON."""
    for name in sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(reports / f"{name}.ipynb", as_version=4)
        outputs = [o for c in nb.cells for o in c.get("outputs", [])]
        carriers = [o for o in outputs if SUMMARY_MIME in o.get("data", {})]
        assert len(carriers) == 1, name
        data = carriers[0]["data"]
        lines = data["text/plain"].split("\n")
        assert lines[0] == "Key figures", lines
        assert len(lines) == 1 + len(data[SUMMARY_MIME]), (name, lines)
        assert all(len(line) < 200 and "{" not in line for line in lines), lines
        assert 'class="saddlelab-key-figures"' in data["text/html"], name
        html = (reports / f"{name}.html").read_text()
        shown = json.dumps(data[SUMMARY_MIME])[:60]
        assert "Key figures" in html and shown not in html, name


def test_example_1_speeds_to_three_decimals(reports):
    f = figures(reports, "04-example-1")
    assert round(f["rank1Speed"], 3) == round(SQRT2_MINUS_1, 3) == 0.414
    assert round(f["rank2Speed"], 3) == 0.5
    rates = {r["width"]: r["rank2"] for r in f["successRate"]}
    # Width 1 is rank 1 by construction; at the largest width some starts find the rank-2 escape.
    assert rates[1] == 0
    assert rates[max(rates)] > 0


def test_linear_warmup_learns_modes_largest_first(reports):
    f = figures(reports, "01-deep-linear-warmup")
    steps = f["learnedAtStep"]
    assert None not in steps, steps
    by_strength = [s for _, s in sorted(zip(f["teacher"], steps), reverse=True)]
    assert by_strength == sorted(by_strength) and len(set(by_strength)) == len(by_strength), (f["teacher"], steps)
    assert f["finalLoss"] < 1e-3
    # Two-layer run against Saxe et al.'s closed form: within a few percent of the teacher's values.
    assert f["saxeMaxRelErr"] < 0.05


def test_notebooks_are_built_from_their_sources():
    r = subprocess.run([sys.executable, str(ROOT / "notebooks" / "make.py"), "--check"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_every_notebook_offers_the_tutorial_and_fast_scales_and_05_the_paper_scale():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        scales = nbformat.read(path, as_version=4).metadata["saddlelab"]["scales"]
        assert scales[:2] == ["tutorial", "fast"], (path.name, scales)
    assert "paper" in nbformat.read(ROOT / "notebooks" / "05-mnist-figure-1.ipynb", as_version=4).metadata["saddlelab"]["scales"]


def test_a_scale_a_notebook_lacks_is_refused_before_any_kernel_starts(tmp_path):
    r = run_notebooks(tmp_path, "04-example-1", scale="paper")
    assert r.returncode == 2
    assert "scale 'paper' is not offered by 04-example-1 (scales: tutorial, fast)" in r.stderr, r.stderr
    assert not (tmp_path / "summary.json").exists()
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "tutorials.py"), "--fast", "--scale", "paper", "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and "--fast means --scale fast" in r.stderr, r.stderr


def tiny_training_notebook(path, steps):
    src = f"""import {{ train, data, widgets, kernel }} from 'saddlelab';
const SCALE = process.env.SADDLELAB_SCALE ?? 'tutorial';
const SCALES = {{
  tutorial: {{ steps: {steps} }},
  fast: {{ steps: {steps} }},
}};
const SIZE = SCALES[SCALE as keyof typeof SCALES];
const ds = data.linearTeacher({{ singularValues: [1, 2], n: 20, seed: 0 }});
const net = train.mlp({{ inputDim: 2, widths: [4], outputDim: 2, activation: 'linear', init: {{ scale: 0.1, seed: 0 }} }});
const trainer = train.createTrainer(net, ds, {{ lr: 0.01, record: false }});
new widgets.TrainingDashboard(trainer.history, undefined, {{ totalSteps: SIZE.steps, interval: 100 }})"""
    loop = f"""for (let t = 0; t < SIZE.steps; t++) {{ await trainer.next(); if (t % 100 === 0) await new Promise((r) => setTimeout(r, 100)); }}
trainer.history.finish('completed');
kernel.getKernel().display({{ 'text/plain': 'key figures: scale', '{SUMMARY_MIME}': {{ scale: SCALE, steps: SIZE.steps }} }});"""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "saddlelab", "display_name": "TypeScript (saddlelab)", "language": "typescript"}, "saddlelab": {"scales": ["tutorial", "fast"]}})
    nb.cells = [nbformat.v4.new_code_cell(src), nbformat.v4.new_code_cell(loop)]
    nbformat.write(nb, path)


def test_a_training_cell_reports_its_progress_and_the_scale_reaches_the_notebook(tmp_path):
    # Inside the repository, where 'saddlelab' resolves (node_modules/saddlelab links to it); .cache is ignored.
    here = ROOT / ".cache" / "test-notebooks"
    here.mkdir(parents=True, exist_ok=True)
    path = here / "tiny.ipynb"
    tiny_training_notebook(path, 3000)
    r = run_notebooks(tmp_path / "out", "--progress-every", "1", str(path))
    assert r.returncode == 0, r.stderr[-3000:]
    # The dashboard's progress, relayed by the runner while the cell runs: "tiny: step N/3,000 (P %), R steps/s, about T left".
    lines = [line for line in r.stderr.splitlines() if "tiny: step " in line]
    assert any("/3,000 (" in line and "steps/s" in line and "left" in line for line in lines), r.stderr[-3000:]
    f = figures(tmp_path / "out", "tiny")
    assert f == {"scale": "fast", "steps": 3000}


def test_a_failing_cell_is_named_and_exits_non_zero(tmp_path):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "saddlelab", "display_name": "TypeScript (saddlelab)", "language": "typescript"}})
    nb.cells = [nbformat.v4.new_code_cell("const a = 1;"), nbformat.v4.new_markdown_cell("text"), nbformat.v4.new_code_cell("throw new Error('boom from cell 3');")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    r = run_notebooks(tmp_path / "out", str(path), scale="tutorial")
    assert r.returncode == 1
    assert "FAILED: notebook broken, cell 3" in r.stderr, r.stderr[-2000:]
    assert "Error: boom from cell 3" in r.stderr, r.stderr[-2000:]
