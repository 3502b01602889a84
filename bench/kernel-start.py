"""How fast the saddlelab kernel starts, with ipykernel measured in the same run as the reference.

    .venv/bin/python bench/kernel-start.py [--repeats 5] [--kernels saddlelab,python3] [--out FILE]

To compare two builds, install the other one's kernelspec under a name starting with
`saddlelab` (say `saddlelab-before`) and list both in --kernels: they alternate within a round.

Three figures per kernel, each over `--repeats` rounds (kernels alternate within a round, so
machine load hits both alike), reported as min / median / max seconds:

- launch_to_kernel_info: from starting the kernel process (jupyter_client) to its first
  kernel_info_reply (a request is sent at once and again every 50 ms until one is answered);
- launch_to_first_cell: from the same start to the reply of a first trivial cell sent right
  after that kernel_info_reply;
- restart_to_first_cell: as JupyterLab does it, through a real Jupyter server: POST
  /api/kernels/<id>/restart, then an execute_request on the kernel's websocket, to its
  execute_reply (the server's "nudge" of the new kernel included).

Runs in an empty temporary folder with its own Jupyter config and runtime folders (nothing is
written to ~). Figures, not thresholds: docs/kernel.md quotes them.
"""
import argparse
import asyncio
import json
import os
import pathlib
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
os.environ.setdefault("JUPYTER_PATH", str(ROOT / ".venv" / "share" / "jupyter"))

from jupyter_client.manager import KernelManager  # noqa: E402

FIRST_CELL = {"saddlelab": "const one: number = 1; one + 1", "python3": "1 + 1"}


def first_cell(kernel):
    """The first cell for `kernel`; every kernelspec named saddlelab* (say a build to compare) gets saddlelab's."""
    return FIRST_CELL["saddlelab"] if kernel.startswith("saddlelab") else FIRST_CELL.get(kernel, "1")


def launch(kernel, cwd):
    """(launch_to_kernel_info, launch_to_first_cell) of one fresh kernel."""
    km = KernelManager(kernel_name=kernel)
    t0 = time.perf_counter()
    km.start_kernel(cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        info_at = None
        while info_at is None:
            if time.perf_counter() - t0 > 120:
                raise RuntimeError(f"{kernel}: no kernel_info_reply in 120 s")
            msg_id = kc.kernel_info()
            deadline = time.perf_counter() + 0.05
            while time.perf_counter() < deadline:
                try:
                    reply = kc.get_shell_msg(timeout=max(0.001, deadline - time.perf_counter()))
                except Exception:
                    break
                if reply["msg_type"] == "kernel_info_reply":
                    info_at = time.perf_counter()
                    break
        msg_id = kc.execute(first_cell(kernel))
        while True:
            reply = kc.get_shell_msg(timeout=120)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        cell_at = time.perf_counter()
        assert reply["content"]["status"] == "ok", reply["content"]
        return info_at - t0, cell_at - t0
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Jupyter server in its own process, folders and port."""

    def __init__(self, root):
        self.port = free_port()
        self.token = secrets.token_hex(16)
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / "config"), JUPYTER_RUNTIME_DIR=str(root / "runtime"),
                   JUPYTER_DATA_DIR=str(root / "data"))
        self.log = open(root / "server.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root / 'nb'}", "--ServerApp.port_retries=0"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                self.http("GET", "/api/status")
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError("the Jupyter server did not start")

    def http(self, method, path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            text = r.read()
            return json.loads(text) if text else None

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


async def run_cell_over_websocket(server, kernel_id, code):
    """Opens the kernel's channels websocket, sends one execute_request, waits for its reply."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {server.token}"}))
    msg_id = uuid.uuid4().hex
    ws.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "bench", "session": uuid.uuid4().hex,
                   "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
                    "stop_on_error": True}}))
    try:
        while True:
            raw = await asyncio.wait_for(ws.read_message(), timeout=120)
            if raw is None:
                raise RuntimeError("websocket closed")
            msg = json.loads(raw)
            if msg.get("msg_type") == "execute_reply" and msg["parent_header"].get("msg_id") == msg_id:
                assert msg["content"]["status"] == "ok", msg["content"]
                return
    finally:
        ws.close()


def restart_to_first_cell(server, kernel_id, kernel):
    t0 = time.perf_counter()
    server.http("POST", f"/api/kernels/{kernel_id}/restart")
    asyncio.run(run_cell_over_websocket(server, kernel_id, first_cell(kernel)))
    return time.perf_counter() - t0


def summary(values):
    return {"min": round(min(values), 3), "median": round(statistics.median(values), 3), "max": round(max(values), 3), "n": len(values)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--kernels", default="saddlelab,python3")
    ap.add_argument("--out")
    args = ap.parse_args()
    kernels = args.kernels.split(",")
    samples = {k: {"launch_to_kernel_info": [], "launch_to_first_cell": [], "restart_to_first_cell": []} for k in kernels}
    load = [os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="saddlelab-kernel-start-") as tmp:
        root = pathlib.Path(tmp)
        (root / "nb").mkdir()
        for i in range(args.repeats):
            for k in kernels:
                info, cell = launch(k, str(root / "nb"))
                samples[k]["launch_to_kernel_info"].append(info)
                samples[k]["launch_to_first_cell"].append(cell)
                print(f"round {i + 1} {k}: kernel_info {info:.2f} s, first cell {cell:.2f} s", file=sys.stderr)
        load.append(os.getloadavg())
        server = Server(root)
        try:
            ids = {k: server.http("POST", "/api/kernels", {"name": k})["id"] for k in kernels}
            for k in kernels:  # the first cell of each kernel once, so every restart below is like a user's
                asyncio.run(run_cell_over_websocket(server, ids[k], first_cell(k)))
            for i in range(args.repeats):
                for k in kernels:
                    s = restart_to_first_cell(server, ids[k], k)
                    samples[k]["restart_to_first_cell"].append(s)
                    print(f"round {i + 1} {k}: restart to first cell {s:.2f} s", file=sys.stderr)
        finally:
            server.close()
            nudges = (root / "server.log").read_text(errors="replace").count("Nudge: attempt")
        load.append(os.getloadavg())
    report = {
        "seconds": {k: {m: summary(v) for m, v in ms.items()} for k, ms in samples.items()},
        "raw": {k: {m: [round(x, 3) for x in v] for m, v in ms.items()} for k, ms in samples.items()},
        "server_nudge_warnings": nudges,
        "loadavg": [[round(x, 2) for x in l] for l in load],
        "cores": os.cpu_count(),
    }
    print(json.dumps(report["seconds"], indent=1))
    print(f"load average (1, 5, 15 min) before/middle/after: {report['loadavg']}; server 'Nudge' warnings: {nudges}")
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
