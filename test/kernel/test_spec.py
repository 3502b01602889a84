"""The kernel speaks the Jupyter messaging spec 5.3 exactly: every message it sends, of every
type it can send, validates against the schemas written from the spec's text (msgspec.py);
replies are parented to their requests; each request's iopub messages lie between its busy
and idle; a cell's value is an execute_result with the execution count; a failed cell sends an
error message and an error reply with ename, evalue and traceback; history_request returns
the session's inputs."""
import time
import uuid

import pytest
from jupyter_client.manager import start_new_kernel

import msgspec


class Recorder:
    """Sends requests and collects every reply and iopub message, validating each one."""

    def __init__(self, kc):
        self.kc = kc
        self.seen = {}
        self.by_parent = {}  # parent msg_id -> iopub messages received so far

    def _check(self, msg, parent=None):
        msgspec.validate(msg, parent)
        self.seen.setdefault(msg["msg_type"], 0)
        self.seen[msg["msg_type"]] += 1
        return msg

    def iopub_of(self, request, timeout=60):
        """The iopub messages of `request`, from its busy to its idle (both checked)."""
        deadline = time.time() + timeout
        mid = request["header"]["msg_id"]
        msgs = self.by_parent.setdefault(mid, [])
        while not (msgs and msgs[-1]["msg_type"] == "status" and msgs[-1]["content"]["execution_state"] == "idle"):
            assert time.time() < deadline, f"no idle for {request['msg_type']}"
            m = self._check(self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time())))
            self.by_parent.setdefault(m["parent_header"].get("msg_id"), []).append(m)
        assert msgs[0]["msg_type"] == "status" and msgs[0]["content"]["execution_state"] == "busy", kinds(msgs)
        return msgs[1:-1]

    def request(self, msg_type, content, channel="shell", timeout=60):
        """Sends a request; returns (reply, its iopub messages between busy and idle)."""
        msg = self.kc.session.msg(msg_type, content)
        chan = self.kc.shell_channel if channel == "shell" else self.kc.control_channel
        chan.send(msg)
        reply = self._check(chan.get_msg(timeout=timeout))
        while reply["msg_type"] == "kernel_info_reply" and reply["parent_header"]["msg_id"] != msg["header"]["msg_id"]:
            reply = self._check(chan.get_msg(timeout=timeout))  # left over from the client's wait_for_ready
        self._check(reply, parent=msg)
        assert reply["msg_type"] == msg_type.replace("_request", "_reply")
        return reply["content"], self.iopub_of(msg, timeout)

    def execute(self, code, **kw):
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
        content.update(kw)
        return self.request("execute_request", content)


@pytest.fixture(scope="module")
def rec(tmp_path_factory):
    # An empty folder: the kernel's own saddlelab serves the import.
    km, kc = start_new_kernel(kernel_name="saddlelab", cwd=str(tmp_path_factory.mktemp("spec")), startup_timeout=60)
    yield Recorder(kc)
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def kinds(msgs):
    return [m["msg_type"] for m in msgs]


def test_kernel_info_on_shell_and_control(rec):
    for channel in ("shell", "control"):
        info, io = rec.request("kernel_info_request", {}, channel)
        assert info["status"] == "ok" and info["protocol_version"] == "5.3" and info["language_info"]["file_extension"] == ".ts"
        assert io == []


def test_execute_input_result_with_its_count_and_streams(rec):
    reply, io = rec.execute("console.log('out'); console.error('err'); const n: number = 6 * 7; n")
    assert reply["status"] == "ok"
    count = reply["execution_count"]
    assert kinds(io) == ["execute_input", "stream", "stream", "execute_result"]
    assert io[0]["content"] == {"code": "console.log('out'); console.error('err'); const n: number = 6 * 7; n", "execution_count": count}
    assert [(m["content"]["name"], m["content"]["text"]) for m in io[1:3]] == [("stdout", "out\n"), ("stderr", "err\n")]
    assert io[3]["content"] == {"execution_count": count, "data": {"text/plain": "42"}, "metadata": {}}
    # The counter goes up by one per stored cell; a cell without a value has no execute_result.
    reply2, io2 = rec.execute("const m = n + 1;")
    assert reply2["execution_count"] == count + 1 and kinds(io2) == ["execute_input"]


def test_errors_carry_ename_evalue_traceback_in_reply_and_error_message(rec):
    for code, ename, evalue in [
        ("throw new RangeError('out of range');", "RangeError", "out of range"),
        ("const s: string = 1;", "CompileError", "Type 'number' is not assignable to type 'string'"),
        ("throw 'a string';", "Uncaught", "'a string'"),
    ]:
        reply, io = rec.execute(code)
        assert reply["status"] == "error", reply
        assert reply["ename"] == ename and evalue in reply["evalue"], reply
        assert isinstance(reply["traceback"], list) and reply["traceback"]
        assert kinds(io) == ["execute_input", "error"]
        assert io[1]["content"] == {k: reply[k] for k in ("ename", "evalue", "traceback")}


def test_displays_updates_and_comms(rec):
    reply, io = rec.execute("""
import { kernel } from 'saddlelab';
const k = kernel.getKernel();
k.display({ 'text/plain': 'v1', 'text/html': '<b>v1</b>' }, { displayId: 'spec-d' });
k.updateDisplay('spec-d', { 'text/plain': 'v2' });
k.registerTarget('spec.echo', (comm) => comm.onMsg((m) => { comm.send({ echo: m.data }); comm.close({ bye: 1 }); }));
const opened = k.openComm('spec.other', { hello: 1 });
opened.close();
""")
    assert reply["status"] == "ok", reply
    assert kinds(io) == ["execute_input", "display_data", "update_display_data", "comm_open", "comm_close"]
    assert io[1]["content"]["transient"] == {"display_id": "spec-d"} and io[2]["content"]["transient"] == {"display_id": "spec-d"}
    cid = uuid.uuid4().hex
    msg = rec.kc.session.msg("comm_open", {"comm_id": cid, "target_name": "spec.echo", "data": {}})
    rec.kc.shell_channel.send(msg)
    assert rec.iopub_of(msg) == []
    msg = rec.kc.session.msg("comm_msg", {"comm_id": cid, "data": {"x": 1}})
    rec.kc.shell_channel.send(msg)
    io = rec.iopub_of(msg)
    assert kinds(io) == ["comm_msg", "comm_close"] and io[0]["content"]["data"] == {"echo": {"x": 1}}
    info, _ = rec.request("comm_info_request", {"target_name": "spec.echo"})
    assert info == {"status": "ok", "comms": {}}


def test_silent_and_store_history_false_and_user_expressions(rec):
    before, _ = rec.execute("const base = 10;")
    reply, io = rec.execute("console.log('hidden'); base", silent=True, store_history=False)
    assert reply["status"] == "ok" and io == []  # silent: nothing broadcast
    assert reply["execution_count"] == before["execution_count"]
    reply, io = rec.execute("const ue = 5;", store_history=False, user_expressions={"twice": "ue * 2", "bad": "nope.x"})
    assert reply["execution_count"] == before["execution_count"]
    assert reply["user_expressions"]["twice"] == {"status": "ok", "data": {"text/plain": "10"}, "metadata": {}}
    assert reply["user_expressions"]["bad"]["status"] == "error" and reply["user_expressions"]["bad"]["ename"] == "CompileError"


def test_complete_inspect_is_complete_with_code_point_cursors(rec):
    code = "'😀😀'.toUpperC"  # astral-plane characters: one code point, two UTF-16 units each
    reply, _ = rec.request("complete_request", {"code": code, "cursor_pos": len(code)})  # Python len: code points
    assert "toUpperCase" in reply["matches"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (code.index("toUpperC"), len(code))
    reply, _ = rec.request("inspect_request", {"code": "Math.max", "cursor_pos": 6, "detail_level": 0})
    assert reply["found"] is True and "max" in reply["data"]["text/plain"]
    reply, _ = rec.request("inspect_request", {"code": "   ", "cursor_pos": 1, "detail_level": 0})
    assert reply == {"status": "ok", "found": False, "data": {}, "metadata": {}}
    reply, _ = rec.request("is_complete_request", {"code": "for (let i = 0; i < 3; i++) {"})
    assert reply["status"] == "incomplete" and isinstance(reply["indent"], str)
    reply, _ = rec.request("is_complete_request", {"code": "const done = 1;"})
    assert reply == {"status": "complete"}


def test_history_has_the_sessions_inputs(rec):
    first, _ = rec.execute("const h1 = 'one'; h1")
    second, _ = rec.execute("const h2 = 2;")
    tail, _ = rec.request("history_request", {"hist_access_type": "tail", "n": 2, "output": False, "raw": True})
    assert [h[1:] for h in tail["history"]] == [[first["execution_count"], "const h1 = 'one'; h1"], [second["execution_count"], "const h2 = 2;"]]
    session = tail["history"][0][0]
    with_out, _ = rec.request("history_request", {"hist_access_type": "range", "session": session, "start": first["execution_count"],
                                                   "stop": first["execution_count"] + 1, "output": True, "raw": True})
    assert with_out["history"] == [[session, first["execution_count"], ["const h1 = 'one'; h1", "'one'"]]]
    found, _ = rec.request("history_request", {"hist_access_type": "search", "pattern": "const h?*", "unique": True, "output": False, "raw": True})
    assert [h[2] for h in found["history"]][-2:] == ["const h1 = 'one'; h1", "const h2 = 2;"]


def test_bad_requests_get_error_replies(rec):
    reply, io = rec.request("execute_request", {"code": 5})
    assert reply["status"] == "error" and reply["ename"] == "BadRequest" and "execution_count" in reply and io == []
    reply, _ = rec.request("complete_request", {"code": "abc", "cursor_pos": 99})
    assert reply["status"] == "error" and "cursor_pos" in reply["evalue"]


def test_stop_on_error_cancels_the_cells_queued_behind(rec):
    session = rec.kc.session
    reqs = [session.msg("execute_request", {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                                            "allow_stdin": False, "stop_on_error": True})
            for code in ("await new Promise((r) => setTimeout(r, 300)); throw new Error('first fails');", "console.log('never')")]
    for r in reqs:
        rec.kc.shell_channel.send(r)
    replies = {}
    for _ in reqs:
        m = rec._check(rec.kc.shell_channel.get_msg(timeout=60))
        replies[m["parent_header"]["msg_id"]] = m["content"]
    first, second = (replies[r["header"]["msg_id"]] for r in reqs)
    assert first["status"] == "error" and first["evalue"] == "first fails"
    assert second["status"] == "error" and second["ename"] == "ExecutionCancelled"
    for r in reqs:
        rec.iopub_of(r)
    reply, _ = rec.execute("console.log('runs again')")
    assert reply["status"] == "ok"


def test_interrupt_request_then_shutdown_request(rec):
    msg = rec.kc.session.msg("execute_request", {"code": "await new Promise((r) => setTimeout(r, 60000));", "silent": False,
                                                 "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    rec.kc.shell_channel.send(msg)
    time.sleep(1)
    reply, _ = rec.request("interrupt_request", {}, "control")
    assert reply == {"status": "ok"}
    cell = rec._check(rec.kc.shell_channel.get_msg(timeout=30), parent=msg)
    assert cell["content"]["status"] == "error" and cell["content"]["ename"] == "KernelInterrupted"
    rec.iopub_of(msg)
    reply, _ = rec.request("shutdown_request", {"restart": False}, "control")
    assert reply == {"status": "ok", "restart": False}
    # Every type the kernel can send was seen above and validated.
    missing = msgspec.SENT_TYPES - msgspec.NOT_SENT_BY_KERNEL - set(rec.seen)
    assert not missing, missing
