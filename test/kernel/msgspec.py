"""JSON schemas of the Jupyter messages the saddlelab kernel sends, written from the text of
the messaging specification, version 5.3 (jupyter_client's docs/messaging.rst: "Message
Header", "Request-Reply", and each message's section). `validate(msg)` checks one message
as jupyter_client delivers it; `SENT_TYPES` lists every type the kernel may send, so a test
can check that each one was seen and validated.
"""
import datetime
import json

from jsonschema import Draft7Validator

ISO_DATE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
STR = {"type": "string"}
INT = {"type": "integer"}
OBJ = {"type": "object"}
STRINGS = {"type": "array", "items": STR}

# "Message Header": msg_id, session, username, date (ISO 8601, mandatory since 5.1), msg_type, version.
HEADER = {
    "type": "object",
    "properties": {
        "msg_id": {"type": "string", "minLength": 1},
        "session": {"type": "string", "minLength": 1},
        "username": STR,
        "date": {"type": "string", "pattern": ISO_DATE},
        "msg_type": {"type": "string", "minLength": 1},
        "version": {"type": "string", "pattern": r"^5\.\d+"},
    },
    "required": ["msg_id", "session", "username", "date", "msg_type", "version"],
}

MESSAGE = {
    "type": "object",
    "properties": {
        "header": HEADER,
        # "If there is no parent, an empty dict should be used."
        "parent_header": {"anyOf": [HEADER, {"type": "object", "maxProperties": 0}]},
        "metadata": OBJ,
        "content": OBJ,
    },
    "required": ["header", "parent_header", "metadata", "content"],
}


def obj(required, **props):
    return {"type": "object", "properties": props, "required": list(required)}


# "Request-Reply": status 'error' replies carry ename, evalue, traceback instead of the usual content.
ERROR = obj(["status", "ename", "evalue", "traceback"], status={"const": "error"}, ename=STR, evalue=STR, traceback=STRINGS)
# 'aborted' (deprecated since 5.1): no fields other than status.
ABORTED = {"type": "object", "properties": {"status": {"const": "aborted"}}, "required": ["status"], "additionalProperties": False}


def reply(ok_schema, also=None):
    """A reply's content: its 'ok' form or the error form (plus `also`, e.g. execution_count)."""
    err = ERROR if also is None else {"allOf": [ERROR, also]}
    return {"oneOf": [ok_schema, err]}


MIME_BUNDLE = {"type": "object", "propertyNames": {"pattern": r"^[\w.+-]+/[\w.+-]+$"}}

CONTENT = {
    # -- replies on shell / control ------------------------------------------------------------
    "kernel_info_reply": reply(obj(
        ["status", "protocol_version", "implementation", "implementation_version", "language_info", "banner"],
        status={"const": "ok"},
        protocol_version={"type": "string", "pattern": r"^\d+\.\d+(\.\d+)?$"},
        implementation=STR,
        implementation_version=STR,
        language_info=obj(["name", "version", "mimetype", "file_extension"],
                          name=STR, version=STR, mimetype=STR,
                          file_extension={"type": "string", "pattern": r"^\."},
                          pygments_lexer=STR,
                          codemirror_mode={"anyOf": [STR, OBJ]},
                          nbconvert_exporter=STR),
        banner=STR,
        debugger={"type": "boolean"},
        help_links={"type": "array", "items": obj(["text", "url"], text=STR, url=STR)},
        supported_features=STRINGS,
    )),
    # "execute_reply messages have an execution_count field regardless of their status."
    "execute_reply": {"oneOf": [
        obj(["status", "execution_count", "user_expressions"], status={"const": "ok"}, execution_count=INT,
            user_expressions=OBJ, payload={"type": "array", "items": obj(["source"], source=STR)}),
        {"allOf": [ERROR, obj(["execution_count"], execution_count=INT)]},
        {"type": "object", "properties": {"status": {"const": "aborted"}, "execution_count": INT}, "required": ["status"],
         "additionalProperties": False},
    ]},
    "complete_reply": reply(obj(["status", "matches", "cursor_start", "cursor_end", "metadata"], status={"const": "ok"},
                                matches=STRINGS, cursor_start={"type": "integer", "minimum": 0},
                                cursor_end={"type": "integer", "minimum": 0}, metadata=OBJ)),
    "inspect_reply": reply(obj(["status", "found", "data", "metadata"], status={"const": "ok"}, found={"type": "boolean"},
                               data=MIME_BUNDLE, metadata=OBJ)),
    # "If status is 'incomplete', indent should contain the characters to use to indent the next
    # line. ... For other statuses, this field does not exist."
    "is_complete_reply": {"oneOf": [
        {"type": "object", "properties": {"status": {"enum": ["complete", "invalid", "unknown"]}}, "required": ["status"],
         "not": {"required": ["indent"]}},
        obj(["status", "indent"], status={"const": "incomplete"}, indent=STR),
        ERROR,
    ]},
    # "A list of 3 tuples, either: (session, line_number, input) or (session, line_number, (input, output))"
    "history_reply": reply(obj(["status", "history"], status={"const": "ok"}, history={"type": "array", "items": {
        "type": "array", "minItems": 3, "maxItems": 3, "items": [INT, INT, {"anyOf": [
            STR, {"type": "array", "minItems": 2, "maxItems": 2, "items": [STR, {"type": ["string", "null"]}]}]}]}})),
    "comm_info_reply": reply(obj(["status", "comms"], status={"const": "ok"},
                                 comms={"type": "object", "additionalProperties": obj(["target_name"], target_name=STR)})),
    "shutdown_reply": reply(obj(["status", "restart"], status={"const": "ok"}, restart={"type": "boolean"})),
    "interrupt_reply": reply(obj(["status"], status={"const": "ok"})),
    # -- iopub -------------------------------------------------------------------------------------
    "status": obj(["execution_state"], execution_state={"enum": ["busy", "idle", "starting"]}),
    "stream": obj(["name", "text"], name={"enum": ["stdout", "stderr"]}, text=STR),
    "execute_input": obj(["code", "execution_count"], code=STR, execution_count=INT),
    # "A plain text representation should always be provided in the text/plain mime-type."
    "execute_result": obj(["execution_count", "data", "metadata"], execution_count=INT,
                          data={"allOf": [MIME_BUNDLE, {"required": ["text/plain"]}]}, metadata=OBJ),
    "display_data": obj(["data", "metadata"], data=MIME_BUNDLE, metadata=OBJ, transient=obj([], display_id=STR)),
    # "must contain a transient field with a display_id"
    "update_display_data": obj(["data", "metadata", "transient"], data=MIME_BUNDLE, metadata=OBJ,
                               transient=obj(["display_id"], display_id=STR)),
    "clear_output": obj(["wait"], wait={"type": "boolean"}),
    # "Similar content to the execute_reply messages for the 'error' case, except the 'status' and
    # 'execution_count' fields are omitted."
    "error": {"allOf": [obj(["ename", "evalue", "traceback"], ename=STR, evalue=STR, traceback=STRINGS),
                        {"not": {"anyOf": [{"required": ["status"]}, {"required": ["execution_count"]}]}}]},
    # "Custom Messages"
    "comm_open": obj(["comm_id", "target_name", "data"], comm_id=STR, target_name=STR, data=OBJ),
    "comm_msg": obj(["comm_id", "data"], comm_id=STR, data=OBJ),
    "comm_close": obj(["comm_id", "data"], comm_id=STR, data=OBJ),
}

SENT_TYPES = frozenset(CONTENT)
REPLY_TYPES = frozenset(t for t in CONTENT if t.endswith("_reply"))
# clear_output is in the spec's list but the kernel itself never sends it (a cell's code may, through display APIs).
NOT_SENT_BY_KERNEL = frozenset({"clear_output"})

_message = Draft7Validator(MESSAGE)
_content = {t: Draft7Validator(s) for t, s in CONTENT.items()}


def _plain(value):
    """A message as JSON (jupyter_client turns header dates into datetimes)."""
    def default(o):
        if isinstance(o, (datetime.datetime, datetime.date)):
            s = o.isoformat()
            return s.replace("+00:00", "Z")
        raise TypeError(type(o))
    return json.loads(json.dumps(value, default=default))


def errors(msg, parent=None):
    """The spec violations of `msg` (empty when valid); `parent`: the request it must answer."""
    m = _plain({k: msg[k] for k in ("header", "parent_header", "metadata", "content")})
    found = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _message.iter_errors(m)]
    t = m["header"].get("msg_type")
    if t not in _content:
        return found + [f"msg_type {t!r} has no schema (not a message type the kernel should send)"]
    found += [f"content/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _content[t].iter_errors(m["content"])]
    if t.endswith("_reply") and not m["parent_header"]:
        found.append("a reply MUST have a parent_header")
    if parent is not None and m["parent_header"].get("msg_id") != parent["header"]["msg_id"]:
        found.append("parent_header is not the request's header")
    return found


def validate(msg, parent=None):
    """Raises AssertionError listing every violation of the spec in `msg`."""
    problems = errors(msg, parent)
    assert not problems, f"{msg['header'].get('msg_type')} violates the messaging spec: {problems}\n{_plain(msg['content'])}"
    return msg
