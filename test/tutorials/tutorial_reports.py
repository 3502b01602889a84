"""Shared helpers of the tutorial tests: every notebook runs once per test session
at the `fast` scale (`npm run tutorials -- --scale fast`: the same code on smaller
sizes) into a temporary reports folder; each test file checks the claims of its
notebooks from `figures(reports, NAME)`.

A claim must hold whatever the last bits of the arithmetic are. `SADDLELAB_ROUNDING`
picks the rounding the notebooks train under (docs/tutorials.md):
    native      the default: native TensorFlow's graph step, with its oneDNN kernels
    no-onednn   the same with TF_ENABLE_ONEDNN_OPTS=0 (another order of summation)
    js64        every trainer on the float64 JavaScript engine (SADDLELAB_ENGINE=js64)
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "scripts" / "tutorials.py"
ROUNDINGS = {
    "native": {},
    "no-onednn": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "js64": {"SADDLELAB_ENGINE": "js64"},
}


def rounding() -> tuple[str, dict]:
    """The rounding SADDLELAB_ROUNDING names (default `native`) and the environment it sets."""
    name = os.environ.get("SADDLELAB_ROUNDING") or "native"
    if name not in ROUNDINGS:
        raise ValueError(f"[saddlelab] SADDLELAB_ROUNDING must be one of {', '.join(ROUNDINGS)}; got {name!r}")
    return name, ROUNDINGS[name]


def run_notebooks(out: Path, *args: str, scale: str = "fast") -> subprocess.CompletedProcess:
    env = {**os.environ, **rounding()[1]}
    return subprocess.run([sys.executable, str(RUNNER), "--scale", scale, "--out", str(out), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)


def figures(out: Path, name: str) -> dict:
    summary = json.loads((out / "summary.json").read_text())
    assert "failed" not in summary[name], summary[name]
    return summary[name]["figures"]
