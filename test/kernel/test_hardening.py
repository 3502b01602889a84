"""Hardening of the saddlelab kernel: where it listens, signatures on the control
channel, widget/comm messages that look like code, interrupt latency, divergence shown in the
cell, and no process left behind by a restart, a shutdown, or a dead parent."""
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import uuid

from jupyter_client.connect import write_connection_file
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

from conftest import ROOT, iopub_until, run, text

LAUNCHER = ROOT / "dist" / "kernel" / "launcher.js"


def descendants(pid):
    """Every process whose parent chain reaches pid (from /proc)."""
    children = {}
    for d in pathlib.Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def alive(pid):
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def listening(pid):
    """(proto, ip, port) of every listening TCP socket and bound UDP socket of pid."""
    inodes = set()
    for fd in pathlib.Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        path = pathlib.Path(f"/proc/net/{proto}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            f = line.split()
            if f[9] not in inodes or (proto.startswith("tcp") and f[3] != "0A"):
                continue
            hexip, hexport = f[1].split(":")
            if len(hexip) == 8:
                ip = socket.inet_ntop(socket.AF_INET, bytes.fromhex(hexip)[::-1])
            else:
                raw = bytes.fromhex(hexip)
                ip = socket.inet_ntop(socket.AF_INET6, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))
            found.append((proto, ip, int(hexport, 16)))
    return sorted(found)


def test_the_kernel_listens_only_where_the_connection_file_says(kernel):
    km, kc = kernel
    info = km.get_connection_info()
    pid = km.provisioner.process.pid
    want = sorted(("tcp", info["ip"], info[f"{c}_port"]) for c in ("shell", "iopub", "stdin", "control", "hb"))
    assert listening(pid) == want
    for child in descendants(pid):  # no helper process listening either
        assert listening(child) == []


def test_forged_messages_on_the_control_channel_are_dropped(kernel):
    km, kc = kernel
    status, out = run(kc, """
import { train, data, widgets, kernel as kern } from 'saddlelab';
const ds = data.linearTeacher({ singularValues: [1, 2], n: 20, seed: 0 });
const net = train.mlp({ inputDim: 2, widths: [8], outputDim: 2, activation: 'linear', init: { scale: 0.1 } });
const ctl = train.createRunControl();
const bg = train.start(net, ds, { steps: 10_000_000, lr: 1e-3, record: false, log: false, control: ctl });
""")
    assert status == "ok", text(out)
    forged = Session(key=b"not-the-key", session=kc.session.session)
    unsigned = Session(key=b"", session=kc.session.session)
    for s in (forged, unsigned):
        s.send(kc.control_channel.socket, s.msg("interrupt_request", {}))
        s.send(kc.control_channel.socket, s.msg("shutdown_request", {"restart": False}))
        s.send(kc.shell_channel.socket, s.msg("shutdown_request", {"restart": False}))
    time.sleep(2)
    assert km.is_alive()
    assert not kc.control_channel.msg_ready(), "a forged control message got a reply"
    # The training in the background was not aborted by the forged interrupts.
    status, out = run(kc, "console.log(ctl.state, bg.history.end === undefined); ctl.stop(); console.log((await bg.done).end?.reason)")
    assert status == "ok" and text(out).split() == ["running", "true", "stopped"], text(out)


CODE_LIKE = [
    {"method": "update", "state": {"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}},
    {"method": "update", "state": {"toString": "globalThis.PWNED = 1", "hasOwnProperty": 1, "valueOf": "process.exit(3)",
                                   "view": "(() => { globalThis.PWNED = 1 })()", "paused": "require('child_process').execSync('touch /tmp/saddlelab-pwned')"}},
    {"method": "custom", "content": {"type": "control", "action": "constructor", "__proto__": {"polluted": "yes"}}},
    {"method": "custom", "content": {"type": "eval", "code": "globalThis.PWNED = 1", "action": "__proto__"}},
    {"method": "__proto__", "state": {"x": 1}},
    {"method": "constructor"},
    {"method": "eval", "code": "globalThis.PWNED = 1"},
    {"method": "request_state", "__proto__": {"polluted": "yes"}},
    {"method": "update", "state": "globalThis.PWNED = 1", "buffer_paths": [["__proto__", "polluted"], ["constructor", "prototype", "polluted"]]},
]


def test_widget_and_comm_messages_that_look_like_code_have_no_effect(kernel):
    km, kc = kernel
    marker = pathlib.Path("/tmp/saddlelab-pwned")
    marker.unlink(missing_ok=True)
    status, out = run(kc, "const wsec = new widgets.LossPlot(bg.history); wsec")
    assert status == "ok", text(out)
    widget_id = next(c["comm_id"] for t, c, _ in out if t == "comm_open")
    send = lambda t, content, buffers=None: kc.session.send(kc.shell_channel.socket, kc.session.msg(t, content), buffers=buffers)
    for data in CODE_LIKE:
        # The JSON text carries a literal "__proto__" key, as a hostile frontend would send it.
        send("comm_msg", {"comm_id": widget_id, "data": data}, buffers=[b"\x01\x02"])
    for target in ("__proto__", "constructor", "toString", "jupyter.widget.control"):
        cid = uuid.uuid4().hex
        send("comm_open", {"comm_id": cid, "target_name": target, "data": {"__proto__": {"polluted": "yes"}, "code": "globalThis.PWNED = 1"}})
        send("comm_msg", {"comm_id": cid, "data": {"method": "request_states", "__proto__": {"polluted": "yes"}}})
    for cid in ("__proto__", "constructor", "prototype"):
        send("comm_msg", {"comm_id": cid, "data": {"__proto__": {"polluted": "yes"}}})
        send("comm_close", {"comm_id": cid, "data": {}})
    send("comm_info_request", {"target_name": "__proto__"})
    time.sleep(1.5)
    status, out = run(kc, """
const probe: any = {};
console.log(JSON.stringify([probe.polluted, (globalThis as any).PWNED, Object.keys(Object.prototype), Object.keys(Array.prototype),
  Object.keys(Function.prototype), typeof Object.prototype.toString, typeof ({}).hasOwnProperty, ctl.state]));
""")
    assert status == "ok", text(out)
    assert json.loads(text(out)) == [None, None, [], [], [], "function", "function", "stopped"]
    assert not marker.exists()
    # The widget still serves its real state.
    req = kc.session.msg("comm_msg", {"comm_id": widget_id, "data": {"method": "request_state"}})
    kc.session.send(kc.shell_channel.socket, req)
    upd = iopub_until(kc, lambda m: m["msg_type"] == "comm_msg" and m["parent_header"].get("msg_id") == req["header"]["msg_id"])
    assert upd["content"]["data"]["state"]["_model_module"] == "saddlelab"
    assert km.is_alive()


def test_interrupt_latency_history_kept_and_next_cell_runs(kernel):
    km, kc = kernel
    status, out = run(kc, "const lat: { last: number }[] = [{ last: 0 }]; const runs2: Array<ReturnType<typeof train.start>> = [];")
    assert status == "ok", text(out)
    msg_id = kc.execute("runs2.push(train.start(net, ds, { steps: 10_000_000, lr: 1e-3, record: { every: 100 }, log: false,"
                        " onStep: () => { lat[0].last = Date.now(); } })); await runs2[0].done;")
    time.sleep(3)
    t_interrupt = time.time() * 1000
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=20)
    t_reply = time.time() * 1000
    assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "error"
    time.sleep(0.5)  # tslab aborts its queue for 200 ms after an error
    status, out = run(kc, "const hh = await runs2[0].done; console.log(JSON.stringify([lat[0].last, hh.end?.reason, hh.length, hh.records.length, hh.end?.step]))", timeout=30)
    assert status == "ok", text(out)
    last_step, reason, n, records, end_step = json.loads(text(out))
    assert reason == "aborted" and n > 10 and records > 0 and end_step == n - 1
    report = {"last_step_after_interrupt_ms": round(last_step - t_interrupt, 1), "execute_reply_after_ms": round(t_reply - t_interrupt, 1),
              "steps_kept": n, "records_kept": records, "loadavg": open("/proc/loadavg").read().split()[:3]}
    print("\ninterrupt latency:", json.dumps(report))
    if os.environ.get("SADDLELAB_HARDENING_REPORT"):
        pathlib.Path(os.environ["SADDLELAB_HARDENING_REPORT"]).write_text(json.dumps(report))


def test_divergence_stops_with_a_saddlelab_message_in_the_cell(kernel):
    km, kc = kernel
    status, out = run(kc, """
const dnet = train.mlp({ inputDim: 2, widths: [8], outputDim: 2, activation: 'linear', init: { scale: 1, seed: 1 } });
const dh = await train.fit(dnet, ds, { steps: 500, lr: 50, record: { every: 1 } });
console.log(JSON.stringify([dh.end?.reason, dh.length, dh.end?.step, Array.from(dh.loss()).every(Number.isFinite)]));
""")
    assert status == "ok", text(out)
    stdout = text(out, "stdout")
    # The cell shows the reason in its progress display: the last update of that display.
    shown = [c["data"]["text/plain"] for t, c, _ in out if t in ("display_data", "update_display_data")]
    assert shown, out
    assert "diverged: the loss became non-finite at step" in shown[-1] and "Lower lr" in shown[-1], shown[-1]
    reason, n, end_step, finite = json.loads(stdout.strip().splitlines()[-1])
    assert reason == "diverged" and 0 < n < 500 and end_step == n - 1 and finite


def test_a_second_connection_with_the_same_identity_takes_over():
    # Every client of a KernelManager connects with the manager's session id as its zmq identity,
    # and a client that reconnects (a fresh client, a reconnecting frontend) may do so before the
    # kernel has noticed that the old connection is gone. The kernel must answer the new one, as
    # ipykernel does (ROUTER_HANDOVER on shell, control and stdin); without it the kernel ignored
    # the new connection for good, and its kernel_info_request went unanswered.
    km, kc = start_new_kernel(kernel_name="saddlelab", cwd=str(ROOT / "test" / "kernel"), startup_timeout=60)
    kc2 = km.client()
    try:
        kc2.start_channels()
        assert kc2.session.bsession == kc.session.bsession  # the same identity, the old one still connected
        time.sleep(0.5)  # both connections established
        kc2.kernel_info()
        assert kc2.get_shell_msg(timeout=10)["msg_type"] == "kernel_info_reply"
        req = kc2.session.msg("kernel_info_request")
        kc2.control_channel.send(req)
        reply = kc2.control_channel.get_msg(timeout=10)
        assert reply["msg_type"] == "kernel_info_reply" and reply["parent_header"]["msg_id"] == req["header"]["msg_id"]
        status, out = run(kc2, "console.log('answered', 6 * 7)")
        assert status == "ok" and "answered 42" in text(out)
    finally:
        kc2.stop_channels()
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_restart_and_shutdown_leave_no_process_behind():
    km, kc = start_new_kernel(kernel_name="saddlelab", cwd=str(ROOT / "test" / "kernel"), startup_timeout=60)
    try:
        run(kc, "import { backend } from 'saddlelab'; await backend.useBackend(); console.log(1)")
        first = km.provisioner.process.pid
        tree = [first] + descendants(first)
        km.restart_kernel(now=False)
        assert wait_gone(tree) == [], "processes of the old kernel survived a restart"
        kc.wait_for_ready(timeout=60)
        second = km.provisioner.process.pid
        assert second != first
        status, out = run(kc, "console.log('restarted')")
        assert status == "ok" and "restarted" in text(out)
        tree = [second] + descendants(second)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert wait_gone(tree) == [], "processes of the kernel survived a shutdown"


def test_a_kernel_whose_parent_dies_exits(tmp_path):
    # The parent (a stand-in for a notebook server) starts the kernel as jupyter_client does,
    # with JPY_PARENT_PID, and is then killed with SIGKILL: it cannot shut the kernel down.
    conn, _ = write_connection_file(str(tmp_path / "conn.json"), ip="127.0.0.1", key=uuid.uuid4().hex.encode())
    parent_code = (
        "import os, subprocess, sys, time\n"
        f"env = dict(os.environ, JPY_PARENT_PID=str(os.getpid()))\n"
        f"p = subprocess.Popen(['node', {str(LAUNCHER)!r}, {conn!r}], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    kernel_pid = int(parent.stdout.readline())
    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(listening(kernel_pid)) < 5:  # started: its five ports are up
            time.sleep(0.2)
        assert alive(kernel_pid) and len(listening(kernel_pid)) == 5
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert wait_gone([kernel_pid], timeout=10) == [], "the kernel outlived its parent"
    finally:
        if alive(kernel_pid):
            os.kill(kernel_pid, signal.SIGKILL)
