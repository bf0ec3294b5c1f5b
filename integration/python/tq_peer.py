"""The Python Celery side of the interop suite (integration/test/celery/).

A Celery app configured from the environment, so one module serves every broker and backend:

- TQ_PEER_BROKER: broker URL (redis://..., amqp://..., sqs://KEY:SECRET@host:port); required.
- TQ_PEER_BACKEND: result backend URL (redis://... or rpc://); default none.
- TQ_PEER_TRANSPORT_OPTIONS: JSON of broker_transport_options (SQS: region, is_secure...); default {}.
- TQ_PEER_PY_QUEUE: the queue of the Python tasks below (the worker consumes it); required.
- TQ_PEER_BEAT_TASK, TQ_PEER_BEAT_QUEUE, TQ_PEER_BEAT_SECONDS: what `celery beat` sends, where,
  and how often (the beat scenario: a task run by a tq worker). Unset: no schedule.

Tasks are named `py.*`; tq's are `tq.*` and are called by name (`app.signature('tq.add', queue=...)`),
as a Python codebase calls tasks it does not define.
"""

import json
import os
import time
from decimal import Decimal

from celery import Celery

PY_QUEUE = os.environ["TQ_PEER_PY_QUEUE"]

app = Celery("tq_peer", broker=os.environ["TQ_PEER_BROKER"], backend=os.environ.get("TQ_PEER_BACKEND") or None)
app.conf.update(
    task_default_queue=PY_QUEUE,
    broker_transport_options=json.loads(os.environ.get("TQ_PEER_TRANSPORT_OPTIONS") or "{}"),
    broker_connection_retry_on_startup=True,
    # A revoke from tq must reach the worker while the task waits for its eta.
    worker_enable_remote_control=True,
)

if os.environ.get("TQ_PEER_BEAT_TASK"):
    app.conf.beat_schedule = {
        "interop-tick": {
            "task": os.environ["TQ_PEER_BEAT_TASK"],
            "schedule": float(os.environ.get("TQ_PEER_BEAT_SECONDS", "1")),
            "options": {"queue": os.environ["TQ_PEER_BEAT_QUEUE"]},
        }
    }


class PeerError(Exception):
    """A Python error type of its own, so tq must carry the type name (`tq_peer.PeerError`) across."""


@app.task(name="py.add")
def add(x, y):
    return x + y


@app.task(name="py.mul")
def mul(x, y):
    return x * y


@app.task(name="py.double")
def double(x):
    return x * 2


@app.task(name="py.tsum")
def tsum(values):
    return sum(values)


@app.task(name="py.collect")
def collect(values):
    """A chord body that returns what it was given, to check order and content."""
    return values


@app.task(name="py.fail")
def fail(message):
    raise PeerError(message)


@app.task(name="py.kwargs")
def keywords(a, b=2, c=3):
    return {"a": a, "b": b, "c": c}


@app.task(name="py.echo_types")
def echo_types(*args, **kwargs):
    """What Python received: each value's type name and its text (str, ISO for dates, hex for bytes)."""
    return {"args": [describe(value) for value in args], "kwargs": {key: describe(value) for key, value in kwargs.items()}}


def describe(value):
    if isinstance(value, bytes):
        text = value.hex()
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    elif isinstance(value, Decimal):
        text = str(value)
    else:
        text = value if isinstance(value, str) else json.dumps(value)
    return {"type": type(value).__name__, "text": text}


@app.task(name="py.flaky", bind=True, max_retries=5)
def flaky(self, failures):
    """Retries itself `failures` times, then returns how many retries it took."""
    if self.request.retries < failures:
        raise self.retry(countdown=0.2)
    return self.request.retries


@app.task(name="py.stamp")
def stamp():
    """When it ran, in ms since the epoch (the countdown and eta scenarios compare it with the send time)."""
    return time.time() * 1000


@app.task(name="py.call_tq")
def call_tq(task, args, queue):
    """Sends a tq task by name from inside a Python task, as Python code calls tasks it does not define."""
    return app.send_task(task, args=args, queue=queue).id


@app.task(name="py.errback")
def errback(failed_task_id):
    """An old-style errback (one argument): the form a tq worker sends, and Celery's for unregistered errbacks."""
    return {"failed": failed_task_id}
