"""The saddlelab kernel speaks Jupyter messaging 5.3 with comms."""
import time
import uuid

from jupyter_client.session import Session

from conftest import error, iopub_until, result, run, text


def test_kernel_info_execute_completion_and_type_errors(kernel):
    km, kc = kernel
    info = kc.kernel_info(reply=True)["content"]
    assert info["status"] == "ok" and info["implementation"] == "saddlelab" and info["language_info"]["name"] == "typescript"
    status, out = run(kc, "const answer: number = 6 * 7; answer")
    assert status == "ok" and result(out) == "42" and text(out) == ""
    status, out = run(kc, "const wrong: string = 1;")
    assert status == "error"
    assert "Type 'number' is not assignable to type 'string'" in error(out)["evalue"]
    reply = kc.complete("answ", 4, reply=True)["content"]
    assert reply["status"] == "ok" and "answer" in reply["matches"]


def test_comm_info_filtered_by_target_and_comm_round_trip_with_buffers(kernel):
    km, kc = kernel
    status, out = run(kc, """
import { kernel } from 'saddlelab';
const k = kernel.getKernel();
k.registerTarget('test.echo', (comm, open) => {
  comm.onMsg((m) => comm.send({ echo: m.data, n: m.buffers.length }, {}, m.buffers));
});
const other = k.openComm('test.other', { hello: 1 });
console.log(k.live);
""")
    assert status == "ok", out
    assert text(out).strip() == "true"
    comm_id = uuid.uuid4().hex
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "test.echo", "data": {}}))
    time.sleep(0.5)
    kc.comm_info(target_name="test.echo")
    reply = kc.get_shell_msg(timeout=10)
    assert reply["msg_type"] == "comm_info_reply" and reply["content"]["status"] == "ok"
    assert reply["content"]["comms"] == {comm_id: {"target_name": "test.echo"}}
    kc.comm_info()
    all_comms = kc.get_shell_msg(timeout=10)["content"]["comms"]
    assert {v["target_name"] for v in all_comms.values()} == {"test.echo", "test.other"}

    payload = bytes(range(256)) * 3
    floats = memoryview(bytearray(b"\x00\x00\x80\x3f" * 4))  # four float32 ones
    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"x": [1, 2]}})
    kc.session.send(kc.shell_channel.socket, msg, buffers=[payload, floats])
    echo = iopub_until(kc, lambda m: m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id)
    assert echo["content"]["data"] == {"echo": {"x": [1, 2]}, "n": 2}
    assert [bytes(b) for b in echo["buffers"]] == [payload, bytes(floats)]
    # A reply sent while handling a comm message is parented to it.
    assert echo["parent_header"]["msg_id"] == msg["header"]["msg_id"]


def test_comm_open_to_an_unknown_target_is_answered_with_comm_close(kernel):
    km, kc = kernel
    comm_id = uuid.uuid4().hex
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "no.such.target", "data": {}}))
    closed = iopub_until(kc, lambda m: m["msg_type"] == "comm_close" and m["content"]["comm_id"] == comm_id)
    assert closed["content"]["comm_id"] == comm_id


def test_a_message_with_a_bad_signature_is_dropped_and_the_kernel_keeps_serving(kernel):
    km, kc = kernel
    forged = Session(key=b"not-the-key", session=kc.session.session)
    msg = forged.msg("execute_request", {"code": "console.log('FORGED')", "silent": False, "store_history": True,
                                          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    forged.send(kc.shell_channel.socket, msg)
    unsigned = Session(key=b"", session=kc.session.session)
    unsigned.send(kc.shell_channel.socket, unsigned.msg("kernel_info_request", {}))
    time.sleep(1.0)
    assert not kc.shell_channel.msg_ready(), "a forged message got a reply"
    status, out = run(kc, "console.log('still here')")
    assert status == "ok" and "still here" in text(out) and "FORGED" not in text(out)


def test_control_comm_request_states_returns_every_live_widget(kernel):
    km, kc = kernel
    status, out = run(kc, """
import { kernel as kern } from 'saddlelab';
const state = { _model_name: 'IntSliderModel', _model_module: '@jupyter-widgets/controls', _model_module_version: '2.0.0',
  _view_name: 'IntSliderView', _view_module: '@jupyter-widgets/controls', _view_module_version: '2.0.0', value: 7 };
const w = kern.getKernel().openComm('jupyter.widget', { state, buffer_paths: [] }, { version: '2.1.0' });
kern.getKernel().registerWidget({ commId: w.commId, getState: () => ({ state: { ...state, data: undefined }, buffer_paths: [['data']], buffers: [new Float64Array([1.5, 2.5])] }) });
console.log(w.commId);
""")
    assert status == "ok", out
    widget_id = text(out).strip()
    control = uuid.uuid4().hex
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}))
    request = kc.session.msg("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
    kc.session.send(kc.shell_channel.socket, request)
    reply = iopub_until(kc, lambda m: m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == control)
    data = reply["content"]["data"]
    assert data["method"] == "update_states"
    assert data["states"][widget_id]["model_name"] == "IntSliderModel"
    assert data["states"][widget_id]["state"]["value"] == 7
    assert data["buffer_paths"] == [[widget_id, "state", "data"]]
    import struct
    assert struct.unpack("<2d", bytes(reply["buffers"][0])) == (1.5, 2.5)
    assert reply["parent_header"]["msg_id"] == request["header"]["msg_id"]


def test_rich_display_of_the_last_expression_and_display_updates(kernel):
    km, kc = kernel
    status, out = run(kc, """
({ [Symbol.for('Jupyter.display')]() { return { 'text/plain': 'plain', 'text/html': '<b>rich</b>' }; } })
""")
    assert status == "ok"
    results = [c for t, c, _ in out if t == "execute_result"]
    assert results and results[0]["data"] == {"text/plain": "plain", "text/html": "<b>rich</b>"}
    status, out = run(kc, """
kern.getKernel().display({ 'text/plain': 'v1' }, { displayId: 'd1' });
kern.getKernel().updateDisplay('d1', { 'text/plain': 'v2' });
""")
    kinds = [(t, c["data"]["text/plain"], c["transient"].get("display_id")) for t, c, _ in out if t in ("display_data", "update_display_data")]
    assert kinds == [("display_data", "v1", "d1"), ("update_display_data", "v2", "d1")]


def interrupt_after_3s(km, kc, msg_id):
    """Interrupts the kernel 3 s into the cell `msg_id`; returns that cell's execute_reply."""
    time.sleep(3)
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=20)
    assert reply["parent_header"]["msg_id"] == msg_id
    return reply


def test_interrupting_a_training_loop_stops_it_and_the_next_cell_runs(kernel):
    km, kc = kernel
    status, out = run(kc, """
import { train, data } from 'saddlelab';
const ds = data.linearTeacher({ singularValues: [1, 2], n: 20, seed: 0 });
const net = train.mlp({ inputDim: 2, widths: [8], outputDim: 2, activation: 'linear', init: { scale: 0.1 } });
const runs: Array<ReturnType<typeof train.start>> = [];
""")
    assert status == "ok", out
    # train.start returns at once; the cell awaits the run, so the run outlives the
    # cell's promise unless the interrupt really reaches the training loop. (An
    # interrupted cell's declarations are dropped, so the run is kept in `runs`.)
    msg_id = kc.execute("runs.push(train.start(net, ds, { steps: 10_000_000, lr: 1e-3, record: false, log: false })); await runs[0].done;")
    reply = interrupt_after_3s(km, kc, msg_id)
    assert reply["content"]["status"] == "error"  # the cell was interrupted
    time.sleep(0.5)
    status, out = run(kc, "const h1 = await runs[0].done; console.log('alive', net.depth, h1.end?.reason, h1.length < 10_000_000)", timeout=30)
    assert status == "ok", text(out)
    assert "alive 2 aborted true" in text(out)


def test_interrupting_a_hand_written_next_loop_stops_its_trainer(kernel):
    km, kc = kernel
    # A trainer made without a signal reads the running cell's at every step, so the interrupt
    # reaches a notebook's own `for (…) await trainer.next()` loop, not only train.fit.
    status, out = run(kc, "const trainers = [train.createTrainer(net, ds, { lr: 1e-3, record: false })];")
    assert status == "ok", out
    msg_id = kc.execute("for (let t = 0; t < 10_000_000; t++) if (!(await trainers[0].next())) break;")
    reply = interrupt_after_3s(km, kc, msg_id)
    assert reply["content"]["status"] == "error"
    time.sleep(0.5)
    status, out = run(kc, """
const before = trainers[0].step;
await new Promise((r) => setTimeout(r, 1000));
const h2 = await trainers[0].finish();
console.log('stopped', trainers[0].step === before, before > 0, h2.end?.reason);
""", timeout=30)
    assert status == "ok", text(out)
    assert "stopped true true aborted" in text(out), text(out)


def test_interrupting_a_synchronous_loop_keeps_the_kernel_and_its_state(kernel):
    km, kc = kernel
    status, out = run(kc, "const kept = 'state survives';")
    assert status == "ok", out
    msg_id = kc.execute("let spins = 0; while (true) { spins++; }")
    reply = interrupt_after_3s(km, kc, msg_id)
    assert reply["content"]["status"] == "error"
    time.sleep(0.5)
    status, out = run(kc, "console.log(kept)", timeout=30)
    assert status == "ok" and "state survives" in text(out), out


def test_an_interrupt_request_message_also_aborts_a_training(kernel):
    km, kc = kernel
    # interrupt_mode "message": the frontend sends interrupt_request on the control channel.
    msg_id = kc.execute("runs.push(train.start(net, ds, { steps: 10_000_000, lr: 1e-3, record: false, log: false })); await runs[1].done;")
    time.sleep(3)
    request = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(request)
    control_reply = kc.control_channel.get_msg(timeout=20)
    assert control_reply["msg_type"] == "interrupt_reply" and control_reply["content"]["status"] == "ok"
    reply = kc.get_shell_msg(timeout=20)
    assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "error"
    time.sleep(0.5)
    status, out = run(kc, "console.log('after', (await runs[1].done).end?.reason)", timeout=30)
    assert status == "ok" and "after aborted" in text(out), text(out)


def test_the_kernel_log_stays_out_of_the_running_cell(kernel):
    km, kc = kernel
    msg_id = kc.execute("await new Promise((r) => setTimeout(r, 2000)); console.log('cell done')")
    time.sleep(0.5)
    forged = Session(key=b"not-the-key", session=kc.session.session)
    forged.send(kc.shell_channel.socket, forged.msg("kernel_info_request", {}))
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_msg", {"comm_id": "no-such-comm", "data": {}}))
    reply = kc.get_shell_msg(timeout=20)
    while reply["parent_header"].get("msg_id") != msg_id:  # earlier replies still queued
        reply = kc.get_shell_msg(timeout=20)
    assert reply["content"]["status"] == "ok"
    time.sleep(0.3)
    streams = []
    while kc.iopub_channel.msg_ready():
        m = kc.iopub_channel.get_msg(timeout=1)
        if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg_id:
            streams.append(m["content"]["text"])
    assert "cell done" in "".join(streams)
    assert "[saddlelab]" not in "".join(streams), streams


def test_the_kernel_stays_busy_while_a_cell_runs_after_it_handled_a_comm_message(kernel):
    """Jupyter shows the last status published: after a comm message (a dashboard's Pause) handled
    while a cell awaits its training, the kernel says busy again for the cell until it ends."""
    km, kc = kernel
    while kc.iopub_channel.msg_ready():
        kc.iopub_channel.get_msg(timeout=1)
    msg_id = kc.execute("await new Promise((r) => setTimeout(r, 2500)); 'ran'")
    time.sleep(0.7)
    comm = kc.session.msg("comm_msg", {"comm_id": "no-such-comm", "data": {"method": "update", "state": {"paused": True}}})
    kc.session.send(kc.shell_channel.socket, comm)
    time.sleep(0.8)  # the comm message is handled while the cell still runs
    states = []
    while kc.iopub_channel.msg_ready():
        m = kc.iopub_channel.get_msg(timeout=1)
        if m["msg_type"] == "status":
            states.append((m["content"]["execution_state"], m["parent_header"].get("msg_id")))
    # The comm message had its own busy and idle, then the running cell's busy came back.
    assert ("idle", comm["header"]["msg_id"]) in states, states
    assert states[-1] == ("busy", msg_id), states
    reply = kc.get_shell_msg(timeout=20)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=20)
    assert reply["content"]["status"] == "ok"
    last = iopub_until(kc, lambda m: m["msg_type"] == "status" and m["parent_header"].get("msg_id") == msg_id and m["content"]["execution_state"] == "idle")
    assert last["content"]["execution_state"] == "idle"
