/**
 * `pnpm bench sqs`: tq's SQS broker on ElasticMQ — throughput, and how many tasks each SQS API call
 * carries (SQS bills per call: 10 per call is the ceiling for send, receive and delete alike).
 *
 * - enqueue: TASKS tasks sent with `delay()`, 500 calls at a time (tq packs publishes made in the
 *   same event-loop turn into SendMessageBatch calls)
 * - drain c=10 and c=100: a worker empties a pre-filled queue of TASKS
 * - under load: a producer sends while a c=50 worker consumes the same queue
 *
 * API calls are counted on the SQS client itself (a middleware), per command: calls and the
 * messages they carried. SQS comes from SQS_ENDPOINT, else the integration harness starts
 * ElasticMQ. TASKS=2000 shortens a run.
 */

import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { SQSClient as Client, type SQSClient } from '@aws-sdk/client-sqs';
import { type App, createApp } from '@tq/core';
import { SqsBroker } from '@tq/sqs';
import { sqsTestClientConfig } from '../harness/sqs-test-client-config.js';
import { startBrokers } from '../harness/start-brokers.js';

const TASKS = Number(process.env.TASKS ?? 10_000);
const WAVE = 500;

/** Calls and carried messages per SQS command. */
type Counts = Map<string, { calls: number; messages: number }>;

const MESSAGE_COMMANDS: Record<string, string> = {
  SendMessageBatchCommand: 'send',
  SendMessageCommand: 'send',
  ReceiveMessageCommand: 'receive',
  DeleteMessageBatchCommand: 'delete',
  DeleteMessageCommand: 'delete',
};

/** The benchmark (called by integration/bench/run.ts). */
export async function run(): Promise<void> {
  const { endpoint, stop } = await provideSqs();
  const counts: Counts = new Map();
  const client = countingClient(endpoint, counts);
  const rows: string[][] = [];
  try {
    const queue = `bench-sqs-${randomUUID().slice(0, 8)}`;
    const enqueue = await timed(() => enqueueTasks(client, queue, TASKS));
    rows.push(['enqueue (delay(), 500 at a time)', String(TASKS), fmt(enqueue.perSecond(TASKS))]);
    const drain10 = await drain(client, queue, 10, TASKS);
    rows.push(['drain c=10', String(TASKS), fmt(drain10)]);
    await enqueueTasks(client, queue, TASKS);
    const drain100 = await drain(client, queue, 100, TASKS);
    rows.push(['drain c=100', String(TASKS), fmt(drain100)]);
    const mixed = await underLoad(client, `bench-sqs-mixed-${randomUUID().slice(0, 8)}`, 50, TASKS);
    rows.push(['under load: send + run at once, c=50', String(TASKS), fmt(mixed)]);
    printTable(['phase', 'tasks', 'tasks/s'], rows);

    console.log('');
    const perKind = new Map<string, { calls: number; messages: number }>();
    const callRows: string[][] = [];
    let allCalls = 0;
    for (const [command, row] of [...counts].sort()) {
      allCalls += row.calls;
      const kind = MESSAGE_COMMANDS[command];
      callRows.push([
        command.replace(/Command$/, ''),
        String(row.calls),
        kind ? String(row.messages) : '-',
        kind ? (row.messages / row.calls).toFixed(1) : '-',
      ]);
      if (kind) {
        const total = perKind.get(kind) ?? { calls: 0, messages: 0 };
        total.calls += row.calls;
        total.messages += row.messages;
        perKind.set(kind, total);
      }
    }
    printTable(['SQS API call', 'calls', 'messages', 'tasks/call'], callRows);
    console.log('');
    const summary = ['send', 'receive', 'delete'].map((kind) => {
      const k = perKind.get(kind) ?? { calls: 0, messages: 0 };
      return [kind, String(k.calls), String(k.messages), (k.messages / Math.max(1, k.calls)).toFixed(1)];
    });
    const messages = [...perKind.values()].reduce((sum, k) => sum + k.messages, 0);
    summary.push(['all calls (incl. queue setup, empty polls)', String(allCalls), String(messages), (messages / allCalls).toFixed(1)]);
    printTable(['per task operation', 'calls', 'tasks', 'tasks/call'], summary);
    console.log(`tq sqs tasks per API call: ${(messages / allCalls).toFixed(1)}`);
  } finally {
    client.destroy();
    await stop();
  }
}

/** SQS_ENDPOINT, or ElasticMQ from the integration harness. */
async function provideSqs(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  if (process.env.SQS_ENDPOINT) return { endpoint: process.env.SQS_ENDPOINT, stop: async () => {} };
  const brokers = await startBrokers({ services: ['sqs'], stateFile: `${tmpdir()}/tq-bench-sqs-${process.pid}.json`, required: true });
  return { endpoint: brokers.env().SQS_ENDPOINT as string, stop: () => brokers.stop() };
}

/** An SQS client (explicit test credentials) whose every call is counted. */
function countingClient(endpoint: string, counts: Counts): SQSClient {
  const client = new Client({ ...sqsTestClientConfig(endpoint), maxAttempts: 3 });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const name = context.commandName as string;
      const input = args.input as { Entries?: unknown[] };
      const output = result.output as { Messages?: unknown[] };
      const row = counts.get(name) ?? { calls: 0, messages: 0 };
      row.calls++;
      row.messages +=
        input.Entries?.length ?? output.Messages?.length ?? (name === 'SendMessageCommand' || name === 'DeleteMessageCommand' ? 1 : 0);
      counts.set(name, row);
      return result;
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  return client;
}

function benchApp(client: SQSClient): App {
  // The user's client: tq never destroys it. Results are not stored: this measures the broker.
  return createApp({ broker: new SqsBroker({ client, waitTimeSeconds: 2 }) });
}

async function enqueueTasks(client: SQSClient, queue: string, count: number): Promise<void> {
  const app = benchApp(client);
  const noop = app.task('bench.noop', { queue, ignoreResult: true }, async () => undefined);
  try {
    for (let sent = 0; sent < count; sent += WAVE) {
      await Promise.all(Array.from({ length: Math.min(WAVE, count - sent) }, () => noop.delay()));
    }
  } finally {
    await app.close();
  }
}

/** Empty a pre-filled queue; tasks/s from worker start to the last task. */
async function drain(client: SQSClient, queue: string, concurrency: number, count: number): Promise<number> {
  const app = benchApp(client);
  app.task('bench.noop', { queue, ignoreResult: true }, async () => undefined);
  const worker = app.worker({ queues: [queue], concurrency });
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    worker.events.on('task-succeeded', () => {
      if (++done === count) resolve();
    });
  });
  const started = performance.now();
  await worker.start();
  await finished;
  const perSecond = count / ((performance.now() - started) / 1000);
  await worker.close();
  await app.close();
  return perSecond;
}

/** A producer sends in waves while a worker runs them; tasks/s from the first send to the last task. */
async function underLoad(client: SQSClient, queue: string, concurrency: number, count: number): Promise<number> {
  const consumer = benchApp(client);
  consumer.task('bench.noop', { queue, ignoreResult: true }, async () => undefined);
  const worker = consumer.worker({ queues: [queue], concurrency });
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    worker.events.on('task-succeeded', () => {
      if (++done === count) resolve();
    });
  });
  await worker.start();
  const started = performance.now();
  await enqueueTasks(client, queue, count);
  await finished;
  const perSecond = count / ((performance.now() - started) / 1000);
  await worker.close();
  await consumer.close();
  return perSecond;
}

async function timed(fn: () => Promise<void>): Promise<{ perSecond(count: number): number }> {
  const started = performance.now();
  await fn();
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: (count) => count / seconds };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
