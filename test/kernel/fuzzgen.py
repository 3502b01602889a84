"""A seeded generator of random and malformed Jupyter wire messages.

Each category yields raw frame lists (what a DEALER socket sends; ZMQ prepends the
identity on the kernel's ROUTER side) plus what the kernel must do with them:
  - ``log``: dropped, with this substring in the kernel's stderr log;
  - ``reply``: answered on the same socket with this reply type;
  - ``iopub``: answered on iopub (a ``comm_close`` for an unknown target);
  - ``none``: handled silently (a comm message a live comm ignores, a heartbeat echo).
"""
import json
import random
import uuid

DELIM = b"<IDS|MSG>"

REQUEST_TYPES = ["kernel_info_request", "execute_request", "complete_request", "inspect_request",
                 "is_complete_request", "comm_info_request"]
REPLY_OF = {t: t.replace("_request", "_reply") for t in REQUEST_TYPES}


class Fuzzer:
    def __init__(self, session, seed, widget_id, huge_mb=16):
        self.s = session
        self.r = random.Random(seed)
        self.widget_id = widget_id
        self.huge_size = huge_mb * 2**20

    # -- random values -------------------------------------------------------
    def junk_bytes(self, n=None):
        n = self.r.randint(0, 64) if n is None else n
        return bytes(self.r.getrandbits(8) for _ in range(n))

    def text(self, n=None):
        n = self.r.randint(0, 24) if n is None else n
        alphabet = "abcxyz_-.{}[]\"'\\/<>$\u00e9\u4e2d\U0001F600\x00\n "
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def value(self, depth=0):
        kinds = ["int", "float", "str", "bool", "null", "list", "dict"] if depth < 3 else ["int", "str", "null"]
        k = self.r.choice(kinds)
        if k == "int":
            return self.r.choice([0, -1, 1, 2**31, -(2**53), 2**64, self.r.randint(-10**6, 10**6)])
        if k == "float":
            return self.r.choice([0.5, -1e308, 1e-320, 3.14])
        if k == "str":
            return self.text()
        if k == "bool":
            return self.r.random() < 0.5
        if k == "null":
            return None
        if k == "list":
            return [self.value(depth + 1) for _ in range(self.r.randint(0, 4))]
        return {self.text(6) or "k": self.value(depth + 1) for _ in range(self.r.randint(0, 4))}

    def header(self, msg_type):
        h = self.s.msg_header(msg_type)
        h["date"] = h["date"].isoformat() if hasattr(h["date"], "isoformat") else h["date"]
        return h

    def signed(self, header, content, parent=None, metadata=None, buffers=(), raw_bodies=None):
        bodies = raw_bodies or [json.dumps(p, default=str).encode() for p in (header, parent or {}, metadata or {}, content)]
        return [DELIM, self.s.sign(bodies)] + bodies + list(buffers)

    # -- categories ----------------------------------------------------------
    def bad_hmac(self):
        t = self.r.choice(REQUEST_TYPES + ["shutdown_request", "interrupt_request", "comm_open"])
        frames = self.signed(self.header(t), {"code": "console.log('FORGED')", "cursor_pos": 0})
        true_sig = frames[1]
        frames[1] = self.r.choice([self.junk_bytes(64).hex().encode(), true_sig[:-1] + b"0", b"deadbeef", true_sig.upper(), true_sig + b"0"])
        if frames[1] == true_sig:  # the last digit was already 0
            frames[1] = true_sig[:-1] + b"1"
        return frames, ("log", "bad HMAC signature")

    def missing_hmac(self):
        t = self.r.choice(REQUEST_TYPES + ["shutdown_request", "interrupt_request"])
        frames = self.signed(self.header(t), {"code": "console.log('UNSIGNED')"})
        frames[1] = b""
        return frames, ("log", "bad HMAC signature")

    def no_delimiter(self):
        return [self.junk_bytes() for _ in range(self.r.randint(1, 8))], ("log", "without the <IDS|MSG> delimiter")

    def too_few_frames(self):
        frames = self.signed(self.header("kernel_info_request"), {})
        return frames[: self.r.randint(1, 5)], ("log", "at least 5 needed")

    def bad_json(self):
        bodies = [json.dumps(p).encode() for p in (self.header("kernel_info_request"), {}, {}, {})]
        i = self.r.randrange(4)
        bodies[i] = self.r.choice([self.junk_bytes(), b"{", b"{'a': 1}", b"\xff\xfe{}", b"", b"NaN", b"{\"a\":}"])
        return self.signed(None, None, raw_bodies=bodies), ("log", f"frame {i} is not JSON")

    def json_not_object(self):
        bodies = [json.dumps(p).encode() for p in (self.header("kernel_info_request"), {}, {}, {})]
        i = self.r.randrange(4)
        bodies[i] = json.dumps(self.r.choice([[], [1, 2], 3, "str", None, True, 1.5])).encode()
        return self.signed(None, None, raw_bodies=bodies), ("log", f"frame {i} is not a JSON object")

    def missing_msg_type(self):
        h = self.header("kernel_info_request")
        if self.r.random() < 0.5:
            del h["msg_type"]
        else:
            h["msg_type"] = self.r.choice([None, 1, [], {}, True])
        return self.signed(h, {}), ("log", "header.msg_type is missing")

    def unknown_msg_type(self):
        t = self.r.choice(["connect_request", "input_reply", "debug_request", "usage_request", "", "__proto__",
                           "constructor", "toString", "hasOwnProperty", "execute_reply", self.text(12)])
        if t in REQUEST_TYPES or t in ("comm_open", "comm_msg", "comm_close", "interrupt_request", "shutdown_request"):
            t = "x_" + t
        return self.signed(self.header(t), {"x": self.value()}), ("log", "unknown msg_type")

    def wrong_types(self):
        t = self.r.choice(REQUEST_TYPES)
        content = {"code": self.r.choice([123, None, [], {"a": 1}, True]), "cursor_pos": self.r.choice(["3", None, -5, 10**9, 1.5, []]),
                   "target_name": self.value(), "silent": self.value(), "user_expressions": self.value(),
                   "store_history": self.value(), "detail_level": self.value()}
        if t in ("complete_request", "inspect_request") and self.r.random() < 0.5:
            content["code"] = self.text()  # a string, but cursor_pos of a wrong type or out of range
        if t == "execute_request":
            content["code"] = self.r.choice([123, None, [], {"a": 1}, True])
        return self.signed(self.header(t), content), ("reply", REPLY_OF[t])

    def unknown_comm(self):
        kind = self.r.choice(["msg", "close", "open", "bad_id"])
        if kind == "open":
            cid = uuid.UUID(int=self.r.getrandbits(128)).hex
            target = self.r.choice(["no.such.target", "", "__proto__", "constructor", "toString", self.text()])
            return self.signed(self.header("comm_open"), {"comm_id": cid, "target_name": target, "data": self.value()}), ("iopub", cid)
        if kind == "bad_id":
            t = self.r.choice(["comm_open", "comm_msg", "comm_close"])
            return self.signed(self.header(t), {"comm_id": self.r.choice([None, 5, [], {}, ""]), "data": self.value()}), ("log", "without a comm_id string")
        t = "comm_msg" if kind == "msg" else "comm_close"
        cid = self.r.choice([uuid.UUID(int=self.r.getrandbits(128)).hex, "__proto__", "constructor", self.text(8) or "x"])
        bufs = [self.junk_bytes() for _ in range(self.r.randint(0, 3))]
        return self.signed(self.header(t), {"comm_id": cid, "data": self.value()}, buffers=bufs), ("log", "for unknown comm")

    def widget_garbage(self):
        """comm_msg to a live saddlelab widget: random methods and states, buffer_paths not matching the buffers."""
        method = self.r.choice(["update", "update", "custom", "request_state", "echo_update", self.text(6), None, 5])
        n_buf = self.r.randint(0, 3)
        paths = [[self.text(4)] for _ in range(self.r.randint(0, 4))]
        data = {"method": method, "state": self.value() if self.r.random() < 0.2 else {"paused": self.value(), "view": self.value(), self.text(5): self.value()},
                "buffer_paths": self.r.choice([paths, [["state", "x", 99]], "nope", None, [[]]]),
                "content": self.r.choice([self.value(), {"type": "control", "action": self.r.choice(["stop", "resume", "launch", None])}])}
        bufs = [self.junk_bytes() for _ in range(n_buf)]
        expect = ("reply_iopub", self.widget_id) if method == "request_state" else ("none", None)
        return self.signed(self.header("comm_msg"), {"comm_id": self.widget_id, "data": data}, buffers=bufs), expect

    def huge(self):
        kind = self.r.choice(["content", "buffer", "unsigned"])
        if kind == "content":
            cid = "huge-" + uuid.UUID(int=self.r.getrandbits(128)).hex
            return self.signed(self.header("comm_msg"), {"comm_id": cid, "data": {"blob": "x" * self.huge_size}}), ("log", "for unknown comm")
        if kind == "buffer":
            blob = b"\x00" * self.huge_size
            return self.signed(self.header("comm_msg"), {"comm_id": self.widget_id, "data": {"method": "custom", "content": {}}}, buffers=[blob, blob]), ("none", None)
        frames = self.signed(self.header("execute_request"), {"code": "x" * self.huge_size})
        frames[1] = b"0" * 64
        return frames, ("log", "bad HMAC signature")

    CATEGORIES = {
        # name: (weight, channels)
        "bad_hmac": (14, ("shell", "control")),
        "missing_hmac": (6, ("shell", "control")),
        "no_delimiter": (8, ("shell", "control")),
        "too_few_frames": (6, ("shell", "control")),
        "bad_json": (10, ("shell", "control")),
        "json_not_object": (6, ("shell", "control")),
        "missing_msg_type": (6, ("shell", "control")),
        "unknown_msg_type": (10, ("shell", "control")),
        "wrong_types": (8, ("shell", "control")),
        "unknown_comm": (12, ("shell",)),
        "widget_garbage": (14, ("shell",)),
    }

    def plan(self, n):
        names = list(self.CATEGORIES)
        weights = [self.CATEGORIES[k][0] for k in names]
        for _ in range(n):
            name = self.r.choices(names, weights)[0]
            yield name, self.r.choice(self.CATEGORIES[name][1]), getattr(self, name)
