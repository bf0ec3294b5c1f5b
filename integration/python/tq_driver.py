"""The Python producer of the interop suite: what a Python codebase sends, reads and revokes.

Runs beside the tests (integration/test/celery/python-driver.ts) and answers one JSON request per
stdin line with one JSON line on stdout, so a whole describe pays for one Python start. Requests:

- {"op": "apply", "node": NODE}: builds NODE into Celery canvas and sends it (apply_async);
  answers {"id"} (a chord's: its body's), and {"id", "children": [ids]} for a group.
- {"op": "get", "id", "timeout"}: AsyncResult.get(); answers {"value"} or {"error": ERROR}.
- {"op": "save_group", "id", "ids"} / {"op": "restore_group", "id", "timeout"}: GroupResult.save / restore + get.
- {"op": "revoke", "id", "terminate"}: app.control.revoke.
- {"op": "add_consumer", "queue", "destination"}: tells the Celery worker(s) named in `destination` (all when
  absent; tq workers answer too) to consume `queue` too; answers their replies.
- {"op": "send_values", "task", "queue"}: sends datetime, date, Decimal, UUID and bytes values to
  `task` and answers the task id and the ISO/str/hex text of each value sent.
- {"op": "drain", "queue", "count", "timeout"}: takes `count` messages off `queue` with kombu, as a
  Python worker would receive them, and answers their task ids in that order.

NODE is {"task", "args", "kwargs", "queue", "immutable", "options", "link", "link_error"} for a
signature (options: apply_async's, with "eta" and "expires" as ISO strings or seconds), or
{"chain": [NODE]}, {"group": [NODE]}, {"chord": [NODE], "body": NODE}.
ERROR is {"type", "module", "message", "args"} of the exception `get()` raised.
"""

import json
import sys
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from celery import chain, chord, group
from celery.result import AsyncResult, GroupResult

from tq_peer import app

# AsyncResults of what this process sent: the rpc:// backend only answers the sender, by these.
sent = {}


def build(node):
    if "chain" in node:
        return chain(*[build(member) for member in node["chain"]])
    if "group" in node:
        return group(*[build(member) for member in node["group"]])
    if "chord" in node:
        return chord([build(member) for member in node["chord"]], build(node["body"]))
    options = dict(node.get("options") or {})
    for key in ("eta", "expires"):
        if isinstance(options.get(key), str):
            options[key] = datetime.fromisoformat(options[key])
    if node.get("queue"):
        options["queue"] = node["queue"]
    signature = app.signature(node["task"], args=node.get("args") or [], kwargs=node.get("kwargs") or {}, **options)
    if node.get("immutable"):
        signature = signature.set(immutable=True)
    if node.get("link"):
        signature.link(build(node["link"]))
    if node.get("link_error"):
        signature.link_error(build(node["link_error"]))
    return signature


def remember(result):
    sent[result.id] = result
    if isinstance(result, GroupResult):
        for child in result.results:
            remember(child)
    return result


def result_of(task_id):
    return sent.get(task_id) or AsyncResult(task_id, app=app)


def error_of(exc):
    return {"type": type(exc).__name__, "module": type(exc).__module__, "message": str(exc), "args": [str(a) for a in exc.args]}


def outcome(read):
    try:
        return {"value": read()}
    except Exception as exc:  # the outcome under test: reported, not raised
        return {"error": error_of(exc)}


def apply(request):
    canvas = build(request["node"])
    result = remember(canvas.apply_async())
    if isinstance(result, GroupResult):
        return {"id": result.id, "children": [child.id for child in result.results]}
    return {"id": result.id}


def get(request):
    return outcome(lambda: result_of(request["id"]).get(timeout=request.get("timeout", 30), interval=0.05))


def save_group(request):
    GroupResult(request["id"], [result_of(task_id) for task_id in request["ids"]], app=app).save()
    return {}


def restore_group(request):
    restored = GroupResult.restore(request["id"], app=app)
    if restored is None:
        return {"ids": None}
    return {"ids": [child.id for child in restored.results], **outcome(lambda: restored.get(timeout=request.get("timeout", 30)))}


def revoke(request):
    app.control.revoke(request["id"], terminate=request.get("terminate", False))
    return {}


def add_consumer(request):
    return {
        "replies": app.control.add_consumer(
            request["queue"], destination=request.get("destination"), reply=True, limit=1, timeout=request.get("timeout", 10)
        )
    }


def send_values(request):
    moment = datetime(2024, 2, 29, 13, 45, 30, 123456, tzinfo=timezone.utc)
    values = {
        "datetime": moment,
        "date": date(2024, 2, 29),
        "decimal": Decimal("12345678901234567890.123456789"),
        "uuid": uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
        "bytes": b"plain text",
        "binary": bytes([0, 159, 255, 1]),
    }
    result = remember(app.signature(request["task"], args=list(values.values()), queue=request["queue"]).apply_async())
    texts = {
        key: value.hex() if isinstance(value, bytes) else value.isoformat() if hasattr(value, "isoformat") else str(value)
        for key, value in values.items()
    }
    return {"id": result.id, "sent": texts}


def drain(request):
    ids = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(request["queue"], no_ack=True)
        for _ in range(request["count"]):
            message = queue.get(block=True, timeout=request.get("timeout", 10))
            ids.append(message.headers["id"])
        queue.close()
    return {"ids": ids}


OPS = {
    "apply": apply,
    "get": get,
    "save_group": save_group,
    "restore_group": restore_group,
    "revoke": revoke,
    "add_consumer": add_consumer,
    "send_values": send_values,
    "drain": drain,
}


def main():
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"ok": True, **OPS[request["op"]](request)}
        except Exception as exc:  # a broken request: the test fails with this text
            answer = {"ok": False, "error": error_of(exc)}
        print(json.dumps(answer, default=str), flush=True)


if __name__ == "__main__":
    main()
