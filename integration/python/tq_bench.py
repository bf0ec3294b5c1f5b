"""The Python Celery side of `pnpm bench celery` (integration/bench/celery.bench.ts).

A Celery app configured from the environment:

- TQ_BENCH_BROKER: broker URL (redis://... or amqp://...); required.
- TQ_BENCH_BACKEND: result backend URL (redis://...); default none.
- TQ_BENCH_QUEUE: the queue its calls go to (the worker is started with -Q on it); required.
- TQ_BENCH_COUNT and TQ_BENCH_DONE_FILE: drain mode. Once TQ_BENCH_COUNT `bench.noop` calls ran,
  the worker writes {"count", "seconds"} to TQ_BENCH_DONE_FILE, `seconds` being the time from the
  first completion to the last (tq's bench worker measures the same span).

Tasks, the same two as tq's bench worker (integration/bench/tq-bench-worker.ts):

- bench.noop: does nothing and stores nothing (ignore_result), so a drain measures the broker path.
- bench.ping: does nothing and stores its None result, for round trips.

As a script, `python tq_bench.py round-trips CALLS WARM_UP` is the Python client of the round-trip
row: it sends bench.ping and waits for its result, one call at a time, and prints the last CALLS
durations (ms) as a JSON list.
"""

import json
import logging
import multiprocessing
import os
import sys
import time

from celery import Celery



def required(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set: tq_bench.py is configured from the environment (see its docstring); celery.bench.ts sets it")
    return value


QUEUE = required("TQ_BENCH_QUEUE")

app = Celery("tq_bench", broker=required("TQ_BENCH_BROKER"), backend=os.environ.get("TQ_BENCH_BACKEND"))
# Defaults otherwise (prefetch multiplier 4, ack on receipt, no events): what a Celery worker runs with.
app.conf.update(task_default_queue=QUEUE, broker_connection_retry_on_startup=True)

# One INFO line per received and per finished task would cost Celery more than the task itself;
# tq's worker runs without per-task logging too. The worker's " ready." line (INFO, celery.apps.worker)
# still shows, which is what the harness waits for.
for per_task_logger in ("celery.worker.strategy", "celery.app.trace", "celery.worker.request"):
    logging.getLogger(per_task_logger).setLevel(logging.WARNING)


class DrainClock:
    """Counts bench.noop completions across the prefork pool's processes (shared memory made
    before the fork) and writes the first-to-last span once the expected count is reached."""

    def __init__(self, count, done_file):
        self.count = count
        self.done_file = done_file
        self.completed = multiprocessing.Value("q", 0)
        self.first = multiprocessing.Value("d", 0.0, lock=False)

    def tick(self):
        with self.completed.get_lock():
            self.completed.value += 1
            completed = self.completed.value
            # CLOCK_MONOTONIC is system-wide on Linux: comparable between the pool's processes.
            now = time.monotonic()
            if completed == 1:
                self.first.value = now
        if completed == self.count:
            partial = f"{self.done_file}.partial"
            with open(partial, "w") as out:
                json.dump({"count": completed, "seconds": now - self.first.value}, out)
            os.replace(partial, self.done_file)  # the bench never reads a half-written file


clock = DrainClock(int(os.environ["TQ_BENCH_COUNT"]), os.environ["TQ_BENCH_DONE_FILE"]) if "TQ_BENCH_COUNT" in os.environ else None


@app.task(name="bench.noop", ignore_result=True)
def noop():
    if clock:
        clock.tick()


@app.task(name="bench.ping")
def ping():
    return None


def round_trips(calls, warm_up):
    samples = []
    for i in range(warm_up + calls):
        started = time.perf_counter()
        ping.apply_async(queue=QUEUE).get(timeout=10)
        if i >= warm_up:
            samples.append((time.perf_counter() - started) * 1000)
    print(json.dumps(samples))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "round-trips":
        sys.exit("usage: python tq_bench.py round-trips CALLS WARM_UP")
    round_trips(int(sys.argv[2]), int(sys.argv[3]))
