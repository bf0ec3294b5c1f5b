import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { type App, createApp, defaultLogger } from '@tq/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerUrl, type CeleryWorkerProcess, runPythonScript, startCeleryWorker } from '../../harness/index.js';
import { waitUntil } from '../../harness/wait-until.js';
import { deleteQueues } from '../redis/redis-test-env.js';

/** A span as integration/python/tq_tracing.py writes it (ids in W3C hex). */
interface PythonSpan {
  name: string;
  kind: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, string>;
}

// One trace across tq and Python Celery with opentelemetry-instrumentation-celery (PyPI, pinned in
// requirements.txt), both ways, on one Redis. tq runs in parent mode, as the Python side does by
// default: the consumer's span is the producer's child, so the whole exchange is one trace id.
describe('tracing across tq and Python Celery (opentelemetry-instrumentation-celery)', () => {
  const redis = brokerUrl('redis');
  const suffix = randomUUID().slice(0, 8);
  const tqQueue = `tracing-tq-${suffix}`;
  const linkedQueue = `tracing-linked-${suffix}`;
  const pyQueue = `tracing-py-${suffix}`;
  const spansFile = `${tmpdir()}/tq-tracing-spans-${suffix}.jsonl`;
  const pythonEnv = { TQ_TRACING_BROKER: redis, TQ_TRACING_PY_QUEUE: pyQueue, TQ_TRACING_SPANS: spansFile };

  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  const app: App = createApp({
    broker: redis,
    defaultQueue: tqQueue,
    tracing: { consumerSpan: 'parent' },
    logger: defaultLogger().child({}, { level: 'error' }),
  });
  app.task('tq.traced', { queue: tqQueue }, (x: number) => x + 1);
  const pyTraced = app.remoteTask<[x: number], number>('py.traced', { queue: pyQueue });
  const worker = app.worker({ queues: [tqQueue] });
  // tq's default: the consumer span starts a trace of its own, linked to the producer's.
  const linkedApp: App = createApp({ broker: redis, defaultQueue: linkedQueue, logger: defaultLogger().child({}, { level: 'error' }) });
  linkedApp.task('tq.traced', { queue: linkedQueue }, (x: number) => x + 1);
  const linkedWorker = linkedApp.worker({ queues: [linkedQueue] });
  let celery: CeleryWorkerProcess | undefined;

  beforeAll(async () => {
    const [celeryWorker, tqWorker, linkedWorkerStarted] = await Promise.allSettled([
      startCeleryWorker({ app: 'tq_tracing', queues: [pyQueue], name: `tracing-${suffix}`, env: pythonEnv }),
      worker.start(),
      linkedWorker.start(),
    ]);
    if (celeryWorker.status === 'fulfilled') celery = celeryWorker.value;
    for (const outcome of [celeryWorker, tqWorker, linkedWorkerStarted]) if (outcome.status === 'rejected') throw outcome.reason;
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([worker.close({ timeoutMs: 10_000 }), linkedWorker.close({ timeoutMs: 10_000 }), celery?.stop()]);
    await Promise.all([app.close(), linkedApp.close()]);
    await provider.shutdown();
    await deleteQueues('redis', [tqQueue, linkedQueue, pyQueue]);
  }, 60_000);

  const pythonSpans = (): PythonSpan[] => {
    let text = '';
    try {
      text = readFileSync(spansFile, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as PythonSpan);
  };

  /** The tq worker's process span on `queue`, once it ended. */
  const processSpan = (queue: string): Promise<ReadableSpan> =>
    waitUntil(
      async () => {
        const found = exporter.getFinishedSpans().find((s) => s.name === `process ${queue}`);
        if (!found) throw new Error('no process span yet');
        return found;
      },
      { what: `the tq worker to process the Python message on ${queue}`, intervalMs: 50 },
    );

  it('Python producer → tq worker: the tq process span continues the Python trace', async () => {
    const sent = JSON.parse(await runPythonScript('tq_tracing.py', ['send', 'tq.traced', tqQueue, '41'], pythonEnv)) as {
      traceId: string;
      spanId: string;
      taskId: string;
    };
    const process = await processSpan(tqQueue);
    const publish = pythonSpans().find((s) => s.name === 'apply_async/tq.traced' && s.traceId === sent.traceId);
    expect(publish, 'the Python producer exported its publish span').toBeDefined();
    expect(publish?.parentSpanId).toBe(sent.spanId);
    expect(process.spanContext().traceId).toBe(sent.traceId);
    expect(process.parentSpanContext?.spanId).toBe(publish?.spanId);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.attributes).toMatchObject({
      'messaging.system': 'redis',
      'messaging.destination.name': tqQueue,
      'messaging.message.id': sent.taskId,
      'celery.task_name': 'tq.traced',
      'tq.task.outcome': 'success',
    });
  });

  it('Python producer → tq worker in link mode: a trace of its own, linked to the Python publish span', async () => {
    const sent = JSON.parse(await runPythonScript('tq_tracing.py', ['send', 'tq.traced', linkedQueue, '1'], pythonEnv)) as {
      traceId: string;
      taskId: string;
    };
    const process = await processSpan(linkedQueue);
    const publish = pythonSpans().find((s) => s.name === 'apply_async/tq.traced' && s.traceId === sent.traceId);
    expect(process.parentSpanContext).toBeUndefined();
    expect(process.spanContext().traceId).not.toBe(sent.traceId);
    expect(process.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([[sent.traceId, publish?.spanId]]);
    expect(process.attributes['messaging.message.id']).toBe(sent.taskId);
  });

  it('tq producer → Python worker: the Celery task span continues the tq trace', async () => {
    const request = trace.getTracer('test').startSpan('request');
    const result = await context.with(trace.setSpan(context.active(), request), () => pyTraced.delay(1));
    request.end();
    const traceId = request.spanContext().traceId;
    const run = await waitUntil(
      async () => {
        const found = pythonSpans().find((s) => s.name === 'run/py.traced');
        if (!found) throw new Error('no run span yet');
        return found;
      },
      { what: 'the Celery worker to run the tq message and export its span', intervalMs: 100 },
    );
    const send = exporter.getFinishedSpans().find((s) => s.name === `send ${pyQueue}`);
    expect(send?.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(run.traceId).toBe(traceId);
    expect(run.parentSpanId).toBe(send?.spanContext().spanId);
    expect(run.kind).toBe('CONSUMER');
    expect(run.attributes['messaging.message.id']).toBe(result.id);
  });
});
