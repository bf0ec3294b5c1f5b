"""The traced Python side of the tracing interop test (integration/test/celery/redis.tracing.test.ts).

A Celery app instrumented with opentelemetry-instrumentation-celery (its defaults: W3C trace context
in the message headers, the task's span a child of the publisher's), with the OpenTelemetry SDK
exporting every finished span as one JSON line to a file the test reads.

- TQ_TRACING_BROKER: broker URL; required.
- TQ_TRACING_PY_QUEUE: the queue of `py.traced` (the worker consumes it); required.
- TQ_TRACING_SPANS: the JSON-lines file finished spans are appended to; required.

As a worker: `celery -A tq_tracing worker -P solo ...` (solo: the instrumentation is set up in the
one process that runs tasks). As a producer: `python tq_tracing.py send TASK QUEUE ARG` sends TASK
inside a `py.request` span and prints `{"traceId", "spanId", "taskId"}`.
"""

import json
import os
import sys

from celery import Celery
from opentelemetry import trace
from opentelemetry.instrumentation.celery import CeleryInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult


class JsonLinesExporter(SpanExporter):
    """Appends each finished span to a file: what the test needs of it, ids in W3C hex."""

    def __init__(self, path):
        self.path = path

    def export(self, spans):
        with open(self.path, "a", encoding="utf-8") as out:
            for span in spans:
                context = span.get_span_context()
                out.write(
                    json.dumps(
                        {
                            "name": span.name,
                            "kind": span.kind.name,
                            "traceId": format(context.trace_id, "032x"),
                            "spanId": format(context.span_id, "016x"),
                            "parentSpanId": format(span.parent.span_id, "016x") if span.parent else None,
                            "attributes": {key: str(value) for key, value in (span.attributes or {}).items()},
                        }
                    )
                    + "\n"
                )
        return SpanExportResult.SUCCESS


provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(JsonLinesExporter(os.environ["TQ_TRACING_SPANS"])))
trace.set_tracer_provider(provider)
CeleryInstrumentor().instrument()

PY_QUEUE = os.environ["TQ_TRACING_PY_QUEUE"]
app = Celery("tq_tracing", broker=os.environ["TQ_TRACING_BROKER"])
app.conf.update(task_default_queue=PY_QUEUE, broker_connection_retry_on_startup=True)


@app.task(name="py.traced")
def traced(x):
    return x + 1


@app.task(name="tq.traced")
def tq_traced(x):
    """Runs on tq's worker: declared here so the instrumentation ends its publish span (it only does for known tasks)."""
    raise RuntimeError("tq.traced runs on tq's worker, not here")


def send(task, queue, arg):
    with trace.get_tracer("tq-interop").start_as_current_span("py.request") as span:
        result = app.send_task(task, args=[arg], queue=queue)
    context = span.get_span_context()
    print(json.dumps({"traceId": format(context.trace_id, "032x"), "spanId": format(context.span_id, "016x"), "taskId": result.id}))


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "send":
        sys.exit("usage: tq_tracing.py send TASK QUEUE ARG")
    send(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    provider.shutdown()
