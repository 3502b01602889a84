"""Shared helpers of the tutorial tests: every notebook runs once per test session
at the `fast` scale (`npm run tutorials -- --scale fast`: the same code on smaller
sizes) into a temporary reports folder; each test file checks the claims of its
notebooks from `figures(reports, NAME)`."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "scripts" / "tutorials.py"


def run_notebooks(out: Path, *args: str, scale: str = "fast") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RUNNER), "--scale", scale, "--out", str(out), *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def figures(out: Path, name: str) -> dict:
    summary = json.loads((out / "summary.json").read_text())
    assert "failed" not in summary[name], summary[name]
    return summary[name]["figures"]
