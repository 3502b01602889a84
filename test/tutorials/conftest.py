"""The session-wide `reports` fixture: every notebook runs once (fast variant)."""
import pytest

from tutorial_reports import run_notebooks


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    """Runs every notebook once (fast) into a temporary reports folder."""
    out = tmp_path_factory.mktemp("reports")
    r = run_notebooks(out)
    assert r.returncode == 0, r.stderr[-3000:]
    return out
