"""`saddlelab install --prefix DIR` writes a kernelspec jupyter_client finds and can
start; `saddlelab uninstall --prefix DIR` removes it."""
import json
import pathlib
import subprocess

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

ROOT = pathlib.Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run(["node", str(ROOT / "bin" / "saddlelab.js"), *args], capture_output=True, text=True, timeout=60)


def test_install_writes_a_startable_kernelspec_and_uninstall_removes_it(tmp_path):
    done = cli("install", "--prefix", str(tmp_path))
    assert done.returncode == 0, done.stderr
    data = tmp_path / "share" / "jupyter"
    spec = json.loads((data / "kernels" / "saddlelab" / "kernel.json").read_text())
    assert spec["display_name"] == "TypeScript (saddlelab)"
    node, launcher, conn = spec["argv"]
    assert pathlib.Path(node).is_absolute() and launcher == str(ROOT / "dist" / "kernel" / "launcher.js") and conn == "{connection_file}"
    ksm = KernelSpecManager(kernel_dirs=[str(data / "kernels")])
    assert "saddlelab" in ksm.find_kernel_specs()
    km = KernelManager(kernel_name="saddlelab", kernel_spec_manager=ksm)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        assert kc.kernel_info(reply=True)["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    done = cli("uninstall", "--prefix", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert not (data / "kernels" / "saddlelab").exists()


def test_install_rejects_two_locations(tmp_path):
    done = cli("install", "--user", "--prefix", str(tmp_path))
    assert done.returncode != 0
    assert done.stderr.startswith("[saddlelab]") and "--user" in done.stderr and "--prefix" in done.stderr
