import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type App, type AppConfig, chain, chord, createApp, MemoryBroker, MemoryResultBackend } from '../../src/index.js';
import { nextMessage } from './next-message.js';

// The SDK as an application registers it: global tracer provider, AsyncLocalStorage context, W3C propagators.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const tracer = trace.getTracer('test');

let apps: App[] = [];
beforeEach(() => exporter.reset());
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});
afterAll(() => provider.shutdown());

function newApp(config: Partial<AppConfig> = {}): App {
  const app = createApp({ broker: new MemoryBroker(), backend: new MemoryResultBackend(), ...config });
  apps.push(app);
  return app;
}

/** Run `send` inside a `request` span, as a web handler would; returns that span's ids. */
async function inRequest<T>(send: () => Promise<T>): Promise<{ value: T; traceId: string; spanId: string }> {
  const span = tracer.startSpan('request');
  try {
    const value = await context.with(trace.setSpan(context.active(), span), send);
    return { value, ...span.spanContext() };
  } finally {
    span.end();
  }
}

const spans = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);
const byTask = (list: ReadableSpan[], task: string) => list.filter((s) => s.attributes['celery.task_name'] === task);
const one = (list: ReadableSpan[]) => {
  expect(list).toHaveLength(1);
  return list[0] as ReadableSpan;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const eventNames = (span: ReadableSpan) => span.events.map((e) => e.name);

describe('tracing: the span tree of a chain', () => {
  it('parent mode: one trace, each step a child of the previous step, the ids of every task on its spans', async () => {
    const app = newApp({ tracing: { consumerSpan: 'parent' } });
    const add = app.task('add', async (x: number, y: number) => x + y);
    const worker = app.worker({ queues: ['celery'] });
    await worker.start();
    const request = await inRequest(() => chain(add.s(1, 2), add.s(10), add.s(100)).delay());
    expect(await request.value.get({ timeoutMs: 5000 })).toBe(113);
    await worker.close();

    const sends = spans('send celery');
    const processes = spans('process celery');
    expect(sends).toHaveLength(3);
    expect(processes).toHaveLength(3);
    for (const s of [...sends, ...processes]) expect(s.spanContext().traceId).toBe(request.traceId);
    // request → send 1 → process 1 → send 2 → process 2 → send 3 → process 3, in publish order.
    const ordered = [...sends].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    let parent = request.spanId;
    for (const send of ordered) {
      expect(send.kind).toBe(SpanKind.PRODUCER);
      expect(parentOf(send)).toBe(parent);
      const process = one(processes.filter((p) => parentOf(p) === send.spanContext().spanId));
      expect(process.kind).toBe(SpanKind.CONSUMER);
      expect(process.attributes['messaging.message.id']).toBe(send.attributes['messaging.message.id']);
      expect(process.attributes['tq.task.outcome']).toBe('success');
      expect(eventNames(process)).toEqual(['ack']);
      parent = process.spanContext().spanId;
    }
    const first = ordered[0] as ReadableSpan;
    expect(first.attributes).toMatchObject({
      'messaging.system': 'memory',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': 'celery',
      'celery.task_name': 'add',
    });
    // Every step shares the workflow's root id as its conversation id.
    const rootId = first.attributes['messaging.message.id'];
    for (const s of [...sends, ...processes]) expect(s.attributes['messaging.message.conversation_id']).toBe(rootId);
  });

  it('link mode (the default): each step is a trace of its own, linked to the send that published it', async () => {
    const app = newApp();
    const add = app.task('add', async (x: number, y: number) => x + y);
    const worker = app.worker({ queues: ['celery'] });
    await worker.start();
    const request = await inRequest(() => chain(add.s(1, 2), add.s(10)).delay());
    expect(await request.value.get({ timeoutMs: 5000 })).toBe(13);
    await worker.close();

    const [first, second] = [...spans('send celery')].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    if (!first || !second) throw new Error('expected two sends');
    expect(parentOf(first)).toBe(request.spanId);
    const processes = spans('process celery');
    expect(processes).toHaveLength(2);
    for (const [send, process] of [first, second].map(
      (s) => [s, one(processes.filter((p) => p.links[0]?.context.spanId === s.spanContext().spanId))] as const,
    )) {
      expect(process.parentSpanContext).toBeUndefined();
      expect(process.spanContext().traceId).not.toBe(send.spanContext().traceId);
      expect(process.links).toHaveLength(1);
      expect(process.links[0]?.context.traceId).toBe(send.spanContext().traceId);
    }
    // The second step was sent from inside the first step's process span.
    const firstProcess = one(processes.filter((p) => p.links[0]?.context.spanId === first.spanContext().spanId));
    expect(parentOf(second)).toBe(firstProcess.spanContext().spanId);
  });
});

describe('tracing: the span tree of a chord', () => {
  it('parent mode: the header members are children of the request, the body a child of the member that completed the chord', async () => {
    const app = newApp({ tracing: { consumerSpan: 'parent' } });
    const double = app.task('double', async (x: number) => x * 2);
    const sum = app.task('sum', async (xs: number[]) => xs.reduce((a, b) => a + b, 0));
    const worker = app.worker({ queues: ['celery'], concurrency: 3 });
    await worker.start();
    const request = await inRequest(() => chord([double.s(1), double.s(2), double.s(3)], sum.s()).delay());
    expect(await request.value.get({ timeoutMs: 5000 })).toBe(12);
    await worker.close();

    const sends = spans('send celery');
    const processes = spans('process celery');
    for (const s of [...sends, ...processes]) expect(s.spanContext().traceId).toBe(request.traceId);
    const memberSends = byTask(sends, 'double');
    expect(memberSends).toHaveLength(3);
    for (const send of memberSends) expect(parentOf(send)).toBe(request.spanId);
    const memberProcesses = byTask(processes, 'double');
    expect(memberProcesses.map(parentOf).sort()).toEqual(memberSends.map((s) => s.spanContext().spanId).sort());
    // The body was sent by whichever member counted the last part.
    const bodySend = one(byTask(sends, 'sum'));
    expect(memberProcesses.map((p) => p.spanContext().spanId)).toContain(parentOf(bodySend));
    const bodyProcess = one(byTask(processes, 'sum'));
    expect(parentOf(bodyProcess)).toBe(bodySend.spanContext().spanId);
    expect(bodyProcess.attributes['tq.task.outcome']).toBe('success');
  });
});

describe('tracing: a retry', () => {
  it('the failed attempt is an error span, the retry is sent from inside it and processed under it', async () => {
    const app = newApp({ tracing: { consumerSpan: 'parent' } });
    let attempts = 0;
    const flaky = app.task('flaky', { retry: { max: 2, baseMs: 1, jitter: false } }, async () => {
      attempts++;
      if (attempts === 1) throw new RangeError('first attempt fails');
      return 'ok';
    });
    const worker = app.worker({ queues: ['celery'] });
    await worker.start();
    const request = await inRequest(() => flaky.delay());
    expect(await request.value.get({ timeoutMs: 5000 })).toBe('ok');
    await worker.close();

    const sends = spans('send celery');
    const processes = spans('process celery');
    expect(sends).toHaveLength(2);
    expect(processes).toHaveLength(2);
    const firstSend = one(sends.filter((s) => parentOf(s) === request.spanId));
    const failedAttempt = one(processes.filter((p) => parentOf(p) === firstSend.spanContext().spanId));
    expect(failedAttempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(failedAttempt.attributes).toMatchObject({ 'error.type': 'RangeError', 'tq.task.outcome': 'failure', 'celery.retries': 0 });
    expect(eventNames(failedAttempt)).toEqual(['exception', 'ack']);
    const retrySend = one(sends.filter((s) => parentOf(s) === failedAttempt.spanContext().spanId));
    const secondAttempt = one(processes.filter((p) => parentOf(p) === retrySend.spanContext().spanId));
    expect(secondAttempt.status.code).toBe(SpanStatusCode.UNSET);
    expect(secondAttempt.attributes).toMatchObject({ 'tq.task.outcome': 'success', 'celery.retries': 1 });
    // Same task id throughout: a retry is the same message sent again.
    expect(new Set([...sends, ...processes].map((s) => s.attributes['messaging.message.id'])).size).toBe(1);
    for (const s of [...sends, ...processes]) expect(s.spanContext().traceId).toBe(request.traceId);
  });
});

describe('tracing: settling and the wire', () => {
  it('a message nobody can run is dead-lettered, and its process span says so', async () => {
    const app = newApp();
    const ghost = app.remoteTask<[], null>('nobody.defines.this');
    const worker = app.worker({ queues: ['celery'] });
    await worker.start();
    await ghost.delay();
    await expect.poll(() => spans('process celery').length, { timeout: 5000 }).toBe(1);
    await worker.close();
    const process = one(spans('process celery'));
    expect(eventNames(process)).toEqual(['dead_letter']);
    expect(process.events[0]?.attributes).toMatchObject({
      'messaging.operation.type': 'settle',
      'tq.reason': expect.stringMatching(/nobody\.defines\.this/),
    });
    expect(process.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('the trace context travels as top-level traceparent/tracestate headers; a re-send replaces it', async () => {
    const app = newApp();
    const task = app.remoteTask<[number], number>('elsewhere');
    const request = await inRequest(() => task.delay(1));
    const first = await nextMessage(app);
    const send = one(spans('send celery'));
    expect(first.headers.traceparent).toBe(`00-${request.traceId}-${send.spanContext().spanId}-01`);
    // Sent again (as a retry is): the old context is replaced, not kept beside the new one.
    const again = structuredClone(first);
    again.headers.tracestate = 'stale=1';
    await app.publish('celery', again, {});
    const resent = (await nextMessage(app)).headers;
    expect(resent.traceparent).not.toBe(first.headers.traceparent);
    expect(resent.tracestate).toBeUndefined();
  });

  it('tracing: false makes no spans and adds no headers', async () => {
    const app = newApp({ tracing: false });
    const add = app.task('add', async (x: number, y: number) => x + y);
    await inRequest(() => add.delay(1, 2));
    expect((await nextMessage(app)).headers.traceparent).toBeUndefined();
    const worker = app.worker({ queues: ['celery'] });
    await worker.start();
    expect(await (await add.delay(1, 2)).get({ timeoutMs: 5000 })).toBe(3);
    await worker.close();
    expect(spans('send celery')).toHaveLength(0);
    expect(spans('process celery')).toHaveLength(0);
  });
});
