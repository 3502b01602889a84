"""The session-wide `reports` fixture: every notebook runs once (fast variant), under the
rounding SADDLELAB_ROUNDING names (tutorial_reports.py). SADDLELAB_TUTORIAL_REPORTS=DIR checks
a reports folder made before instead (`npm run tutorials -- --scale fast --out DIR`, under any
rounding): the same claims, without running the notebooks again."""
import os
from pathlib import Path

import pytest

from tutorial_reports import rounding, run_notebooks


def pytest_report_header(config):
    given = os.environ.get("SADDLELAB_TUTORIAL_REPORTS")
    if given:
        return f"tutorial notebooks: the reports in {given} (SADDLELAB_TUTORIAL_REPORTS), not run again"
    name, env = rounding()
    onednn = env.get("TF_ENABLE_ONEDNN_OPTS") or os.environ.get("TF_ENABLE_ONEDNN_OPTS") or "default (on)"
    engine = env.get("SADDLELAB_ENGINE") or os.environ.get("SADDLELAB_ENGINE") or "auto"
    return f"tutorial notebooks: SADDLELAB_ROUNDING={name} (SADDLELAB_ENGINE={engine}, TF_ENABLE_ONEDNN_OPTS={onednn})"


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    """Runs every notebook once (fast) into a temporary reports folder, or takes SADDLELAB_TUTORIAL_REPORTS."""
    given = os.environ.get("SADDLELAB_TUTORIAL_REPORTS")
    if given:
        assert (Path(given) / "summary.json").exists(), f"SADDLELAB_TUTORIAL_REPORTS={given} holds no summary.json"
        return Path(given)
    out = tmp_path_factory.mktemp("reports")
    r = run_notebooks(out)
    assert r.returncode == 0, r.stderr[-3000:]
    return out
