"""The library's host in the real kernel (src/host): cells see the kernel's host (live comms and
displays, the interrupt signal, the progress bar), also through a second copy of saddlelab that
the notebook's folder installed for itself; the kernel provides its host to that copy too."""
import json
import os
import shutil

from jupyter_client.manager import start_new_kernel

from conftest import ROOT, error, run, text

PROBE = """
import { host, kernel, widgets } from 'saddlelab';
const h = host.currentHost();
console.log(JSON.stringify([require.resolve('saddlelab'), h.live, h === kernel.getKernel(), typeof h.currentSignal()?.aborted, h.progress({ name: 'p', total: 2 }) !== undefined]));
"""


def probe(kc):
    status, out = run(kc, PROBE)
    assert status == "ok", error(out)
    return json.loads(text(out, "stdout").strip().splitlines()[-1])


def test_a_folder_with_its_own_copy_of_saddlelab_gets_the_kernels_host(tmp_path):
    # A copy of the built package, as `npm install saddlelab` in the notebook's folder leaves it
    # (its dependencies resolved from this checkout's node_modules).
    own = tmp_path / "node_modules" / "saddlelab"
    own.mkdir(parents=True)
    shutil.copy(ROOT / "package.json", own / "package.json")
    shutil.copytree(ROOT / "dist", own / "dist")
    os.symlink(ROOT / "node_modules", own / "node_modules")
    km, kc = start_new_kernel(kernel_name="saddlelab", cwd=str(tmp_path), startup_timeout=120)
    try:
        where, live, same, signal, progress = probe(kc)
        assert where == str(own / "dist" / "index.js")  # the folder's own copy, not the kernel's
        assert live is True and same is True and signal == "boolean" and progress is True
        # A widget of that copy is live: it opens a comm, and displays itself with a widget view.
        status, out = run(kc, """
const hist = (await import('saddlelab')).train.createHistory({ name: 'copy', activation: 'linear', dims: [2, 1], depth: 1, config: {} });
hist.addStep({ step: 0, loss: 1, paramNorm: 1, lr: 0.1 });
new widgets.LossPlot(hist)
""")
        assert status == "ok", error(out)
        assert any(t == "comm_open" and c["target_name"] == "jupyter.widget" for t, c, _ in out)
        assert any(t == "display_data" and "application/vnd.jupyter.widget-view+json" in c["data"] for t, c, _ in out)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_the_kernels_own_copy_has_its_host(kernel):
    km, kc = kernel
    where, live, same, signal, progress = probe(kc)
    assert where.endswith(os.path.join("dist", "index.js")) and live is True and same is True and signal == "boolean" and progress is True
