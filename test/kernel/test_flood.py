"""No shell reply is ever dropped: a client sends 10,000 requests without reading a reply,
then an execute_request, and gets every reply, the execute_reply last (messaging spec: each
request gets exactly one reply). A ZMQ ROUTER socket drops what it cannot queue for a peer, by
default past 1,000 messages; the kernel's shell and control sockets keep every reply queued
until the client reads it (docs/kernel.md, "What else is checked")."""
import os
import time

from jupyter_client.manager import start_new_kernel

from conftest import ROOT

N = int(os.environ.get("SADDLELAB_FLOOD_N", "10000"))


def requests(session, n):
    """A mix of requests the kernel answers without running code: good, and malformed ones that get error replies."""
    kinds = [
        ("kernel_info_request", {}),
        ("is_complete_request", {"code": "for (;;) {"}),
        ("complete_request", {"code": "Math.", "cursor_pos": 99}),  # BadRequest: cursor_pos beyond the code
        ("inspect_request", {"detail_level": 0}),  # BadRequest: no code
        ("history_request", {"hist_access_type": "tail", "n": 3, "output": False, "raw": True}),
        ("comm_info_request", {}),
    ]
    for i in range(n):
        msg_type, content = kinds[i % len(kinds)]
        yield session.msg(msg_type, content)


def test_ten_thousand_unread_replies_then_an_execute_request_is_answered():
    km, kc = start_new_kernel(kernel_name="saddlelab", cwd=str(ROOT / "test" / "kernel"), startup_timeout=120)
    try:
        ids = []
        for msg in requests(kc.session, N):
            kc.shell_channel.send(msg)
            ids.append(msg["header"]["msg_id"])
        # Let the kernel answer all of them while nobody reads.
        time.sleep(2)
        cell = kc.execute("6 * 7")
        replies = {}
        deadline = time.time() + 300
        while cell not in replies:
            assert time.time() < deadline, f"{len(replies)} replies read, no execute_reply"
            msg = kc.get_shell_msg(timeout=max(1, deadline - time.time()))
            parent = msg["parent_header"].get("msg_id")
            assert parent not in replies, f"two replies to {parent}"
            replies[parent] = msg
        assert replies[cell]["msg_type"] == "execute_reply" and replies[cell]["content"]["status"] == "ok"
        missing = [i for i in ids if i not in replies]
        assert not missing, f"{len(missing)} of {N} requests got no reply"
        assert len(replies) == N + 1
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
