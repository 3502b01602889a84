"""Fixtures: a real saddlelab kernel (dist/kernel/launcher.js through the kernelspec
that `saddlelab install --prefix .venv` wrote), driven by jupyter_client. Every message
`run` sees is checked against the messaging spec's schemas (msgspec.py)."""
import os
import pathlib

import pytest
from jupyter_client.manager import start_new_kernel

import msgspec

ROOT = pathlib.Path(__file__).resolve().parents[2]
os.environ["JUPYTER_PATH"] = str(ROOT / ".venv" / "share" / "jupyter")

# Under SADDLELAB_STRICT=1 (CI: .ci/run) a check that needs something from outside the repository
# fails where that is missing, instead of skipping: a run cannot pass with it silently skipped.
STRICT = os.environ.get("SADDLELAB_STRICT") == "1"


def outside_check_missing(what, why):
    """Ends the test: skipped, naming why, or under SADDLELAB_STRICT=1 failed, naming why."""
    if STRICT:
        pytest.fail(f"[saddlelab] {what} cannot run here: {why}. SADDLELAB_STRICT=1 makes a skipped outside check a failure.", pytrace=False)
    pytest.skip(f"{what} cannot run here: {why}")


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name="saddlelab", cwd=str(ROOT / "test" / "kernel"), startup_timeout=60)
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def run(kc, code, timeout=120, spec=True):
    """Executes code; returns (status, [(msg_type, content, parent_msg_id)]). Every message
    of the cell (its reply and iopub messages) must satisfy the messaging spec (unless `spec`
    is false: stock tslab's kernel does not)."""
    out = []

    def hook(m):
        if spec:
            msgspec.validate(m)
        out.append((m["msg_type"], m["content"], m["parent_header"].get("msg_id")))

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    if spec:
        msgspec.validate(reply)
    return reply["content"]["status"], out


def result(out):
    """The text/plain of the cell's execute_result (its last expression's value), or None."""
    return next((c["data"]["text/plain"] for t, c, _ in out if t == "execute_result"), None)


def error(out):
    """The cell's error message content (ename, evalue, traceback), or None."""
    return next((c for t, c, _ in out if t == "error"), None)


def text(out, name=None):
    return "".join(c.get("text", "") for t, c, _ in out if t == "stream" and (name is None or c["name"] == name))


def iopub_until(kc, predicate, timeout=20):
    """Reads iopub messages until predicate(msg) is true; returns that message."""
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        except Exception:
            break
        if predicate(msg):
            return msg
    raise AssertionError("no matching iopub message within %s s" % timeout)
