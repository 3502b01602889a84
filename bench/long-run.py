"""Long run in the real saddlelab kernel: 10^6 training steps with recording and a live
LossPlot widget, while this script samples the kernel process's memory from /proc.

    .venv/bin/python bench/long-run.py [--steps 1000000] [--every 100] [--engine js64] [--out FILE]

Prints (and writes to --out) a JSON report: peak RSS (VmHWM), RSS after set-up and at the end,
RSS samples against time, steps and records kept, the widget's state size. A tiny net (2-2-2
linear) keeps the run to a few minutes; the memory at stake is the history, the records and the
widget traffic, which do not depend on the net's size.
"""
import argparse
import json
import os
import pathlib
import sys
import threading
import time

from jupyter_client.manager import start_new_kernel

ROOT = pathlib.Path(__file__).resolve().parents[1]
os.environ.setdefault("JUPYTER_PATH", str(ROOT / ".venv" / "share" / "jupyter"))


def status_kb(pid, field):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run(kc, code, timeout):
    out = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: out.append(m))
    text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")
    if reply["content"]["status"] != "ok":
        sys.exit(f"[saddlelab] cell failed: {text}")
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1_000_000)
    ap.add_argument("--every", type=int, default=100, help="record every N steps")
    ap.add_argument("--engine", default="js64", choices=["js64", "tfjs"])
    ap.add_argument("--out")
    a = ap.parse_args()
    km, kc = start_new_kernel(kernel_name="saddlelab", cwd=str(ROOT), startup_timeout=120)
    pid = km.provisioner.process.pid
    samples = []
    try:
        run(kc, f"""
import {{ backend, train, data, widgets }} from 'saddlelab';
await backend.useBackend();
const ds = data.linearTeacher({{ singularValues: [1, 2], n: 8, seed: 0 }});
const net = train.mlp({{ inputDim: 2, widths: [2], outputDim: 2, activation: 'linear', init: {{ scale: 0.1, seed: 0 }} }});
const run = train.start(net, ds, {{ steps: {a.steps}, lr: 1e-3, record: {{ every: {a.every} }}, log: false{", engine: 'js64'" if a.engine == 'js64' else ''} }});
const plot = new widgets.LossPlot(run.history);
plot
""", 120)
        rss_setup = status_kb(pid, "VmRSS")
        stop = threading.Event()

        def sample():
            t0 = time.time()
            while not stop.is_set():
                try:
                    samples.append((round(time.time() - t0, 1), status_kb(pid, "VmRSS")))
                except OSError:
                    break
                stop.wait(1.0)

        th = threading.Thread(target=sample, daemon=True)
        t0 = time.time()
        th.start()
        out = run(kc, """
const h = await run.done;
const st = plot.getState();
const stateBytes = JSON.stringify(st.state).length + st.buffers.reduce((s, b) => s + b.byteLength, 0);
console.log(JSON.stringify({ reason: h.end?.reason, lastStep: h.end?.step, pointsKept: h.length, keptEvery: h.keptEvery, records: h.records.length, widgetStateBytes: stateBytes }));
""", 3600)
        seconds = time.time() - t0
        stop.set()
        th.join()
        result = json.loads(out.strip().splitlines()[-1])
        rss = [kb for _, kb in samples]
        report = {
            "steps": a.steps, "record_every": a.every, "engine": a.engine, **result,
            "seconds": round(seconds, 1),
            "rss_after_setup_mb": round(rss_setup / 1024, 1),
            "rss_end_mb": round(status_kb(pid, "VmRSS") / 1024, 1),
            "peak_rss_mb": round(status_kb(pid, "VmHWM") / 1024, 1),
            "rss_at_10_50_90_percent_mb": [round(rss[int(len(rss) * f)] / 1024, 1) for f in (0.1, 0.5, 0.9)] if rss else [],
            "loadavg": open("/proc/loadavg").read().split()[:3],
        }
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(report, indent=1))
    if a.out:
        pathlib.Path(a.out).write_text(json.dumps({**report, "rss_samples_s_kb": samples}, indent=1))


if __name__ == "__main__":
    main()
