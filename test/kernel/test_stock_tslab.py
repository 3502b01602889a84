"""Imported into a stock tslab kernel (no comms), saddlelab's kernel API is a static
stand-in: live is false, display goes through tslab's own display, comms throw a
[saddlelab] error saying how to get the saddlelab kernel."""
import json
import pathlib
import shutil

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from conftest import run, text

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_stock_tslab_gets_static_display_and_a_clear_comm_error(tmp_path):
    spec_dir = tmp_path / "kernels" / "stock-tslab"
    spec_dir.mkdir(parents=True)
    node = shutil.which("node")
    tslab = str(ROOT / "node_modules" / "tslab" / "bin" / "tslab")
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [node, tslab, "kernel", "--config-path", "{connection_file}"],
        "display_name": "TypeScript (stock tslab)", "language": "typescript"}))
    km = KernelManager(kernel_name="stock-tslab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")]))
    km.start_kernel(cwd=str(ROOT / "test" / "kernel"))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        status, out = run(kc, """
import { kernel } from 'saddlelab';
const k = kernel.getKernel();
console.log('live', k.live);
k.display({ 'text/plain': 'plain', 'text/html': '<b>rich</b>' });
try { k.openComm('jupyter.widget'); } catch (e) { console.log((e as Error).message); }
""", spec=False)
        assert status == "ok", text(out)
        assert "live false" in text(out)
        displays = [c["data"] for t, c, _ in out if t == "display_data"]
        assert displays == [{"text/plain": "plain", "text/html": "<b>rich</b>"}]
        assert "[saddlelab] Jupyter comms need the saddlelab kernel" in text(out)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
