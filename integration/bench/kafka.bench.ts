/**
 * `pnpm bench kafka`: tq over Kafka beside raw kafkajs on the same broker, in one run.
 *
 * Every row moves the same number of messages through a fresh 6-partition topic:
 * - kafkajs: `send` in chunks (acks all), then one consumer-group member that JSON-parses each
 *   message, with `eachBatch` (the floor of any Node consumer) and with `eachMessage` (one awaited
 *   handler call per message, the same unit of work as a worker running a task). The headline
 *   ratio is against `eachMessage` carrying the very bytes tq carries: the Celery task envelope
 *   (about 800 bytes, required for Python interop), so the ratio is what tq costs on top of reading
 *   its messages. A row with a 30-byte JSON value shows what the envelope's size itself costs.
 * - tq: `applyAsync` in chunks (tq micro-batches each tick's sends into one produce request), then
 *   one tq worker (concurrency 64) running a no-op task per message, with everything tq does for
 *   each one: envelope decode and validation, per-message completion tracking, per-key locks,
 *   commits with metadata, worker bookkeeping. The same worker over memory:// shows how much of
 *   that is the transport and how much is tq's worker itself.
 * Drain time runs from the first message handled to the last (group joins and connection set-up
 * are not throughput, and their timing varies by hundreds of ms from run to run).
 * The Kafka comes from `KAFKA_BROKERS`, else the integration harness starts one.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, createApp, createTaskMessage, MemoryBroker, toEnvelope } from '@tq/core';
import { KafkaBroker, KafkajsClient } from '@tq/kafka';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startBrokers } from '../harness/start-brokers.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const CHUNK = 1000;
const PARTITIONS = 6;

interface Result {
  name: string;
  produceMs: number;
  drainMs: number;
}

export async function run(): Promise<void> {
  let stop: (() => Promise<void>) | undefined;
  let seeds = process.env.KAFKA_BROKERS;
  if (!seeds) {
    const brokers = await startBrokers({
      services: ['kafka'],
      stateFile: join(mkdtempSync(join(tmpdir(), 'tq-bench-')), 'state.json'),
      required: true,
    });
    seeds = brokers.env().KAFKA_BROKERS as string;
    stop = () => brokers.stop();
  }
  const brokers = seeds.split(',');
  const admin = new KafkajsClient({ brokers });
  await admin.connect();
  const topics: string[] = [];
  try {
    console.log(`${MESSAGES} messages, ${PARTITIONS} partitions, one consumer each, Kafka at ${seeds}`);
    const batch = await rawKafkajs(brokers, admin, topics, 'eachBatch', 'envelope');
    const raw = await rawKafkajs(brokers, admin, topics, 'eachMessage', 'envelope');
    const small = await rawKafkajs(brokers, admin, topics, 'eachMessage', 'small');
    const memoryName = `bench-${randomUUID()}`;
    const memory = await tqWorker('tq worker on memory://', () => new MemoryBroker({ name: memoryName }), 'bench-memory');
    const tq = await tqWorker('tq worker on kafka', () => new KafkaBroker(tqConfig(brokers)), tqQueue(topics));
    printTable([batch, raw, small, memory, tq]);
    console.log(`tq on kafka vs tq on memory:// (what the transport costs): ${(memory.drainMs / tq.drainMs).toFixed(2)}`);
    console.log(`tq/kafkajs-eachBatch drain ratio: ${(batch.drainMs / tq.drainMs).toFixed(2)}`);
    // The headline compares like with like: one async handler call per message, as a worker runs tasks.
    console.log(`tq/kafkajs drain ratio: ${(raw.drainMs / tq.drainMs).toFixed(2)}`);
  } finally {
    await admin.deleteTopics(topics).catch(() => {});
    await admin.disconnect();
    await stop?.();
  }
}

async function rawKafkajs(
  brokers: string[],
  admin: KafkajsClient,
  topics: string[],
  mode: 'eachBatch' | 'eachMessage',
  payload: 'envelope' | 'small',
): Promise<Result> {
  const topic = `bench-raw-${randomUUID().slice(0, 8)}`;
  topics.push(topic);
  await admin.ensureTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }]);
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const values = Array.from({ length: MESSAGES }, (_, i) => payloadOf(payload, topic, i));
  const produceStart = performance.now();
  for (let sent = 0; sent < MESSAGES; sent += CHUNK) {
    const messages = values.slice(sent, sent + CHUNK).map((value) => ({ value }));
    await producer.send({ topic, acks: -1, messages });
  }
  const produceMs = performance.now() - produceStart;
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: 100 });
  let received = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let drainStart = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run(
    mode === 'eachBatch'
      ? {
          eachBatch: async ({ batch }) => {
            if (received === 0) drainStart = performance.now();
            for (const message of batch.messages) JSON.parse(String(message.value));
            received += batch.messages.length;
            if (received >= MESSAGES) finish();
          },
        }
      : {
          eachMessage: async ({ message }) => {
            if (received === 0) drainStart = performance.now();
            JSON.parse(String(message.value));
            if (++received >= MESSAGES) finish();
          },
        },
  );
  await finished;
  const drainMs = performance.now() - drainStart;
  await consumer.disconnect();
  const bytes = payload === 'envelope' ? `tq's ${values[0]?.length}-byte envelope` : `${values[0]?.length}-byte JSON`;
  return { name: `kafkajs ${mode}, ${bytes}`, produceMs, drainMs };
}

/** What the raw rows carry: the exact envelope tq sends for a no-op task, or a small JSON value. */
function payloadOf(payload: 'envelope' | 'small', topic: string, i: number): Buffer {
  if (payload === 'small') return Buffer.from(JSON.stringify({ task: 'bench.noop', args: [i] }));
  return Buffer.from(toEnvelope(createTaskMessage({ task: 'bench.noop', id: randomUUID(), args: [i] }), { queue: topic }));
}

function tqConfig(brokers: string[]) {
  return { brokers, partitions: PARTITIONS, replicationFactor: 1, maxWaitMs: 100, heartbeatIntervalMs: 1000, sessionTimeoutMs: 10_000 };
}

function tqQueue(topics: string[]): string {
  const queue = `bench-tq-${randomUUID().slice(0, 8)}`;
  topics.push(queue, `${queue}.tq-delay-1s`, `${queue}.tq-delay-1m`, `${queue}.tq-delay-1h`, `${queue}.tq-dead`);
  return queue;
}

/** Produce with `applyAsync`, then drain with one worker (concurrency 64) running a no-op task. */
async function tqWorker(name: string, broker: () => Broker, queue: string): Promise<Result> {
  const shared = broker();
  const producer = createApp({ broker: shared, defaultQueue: queue });
  const noop = producer.task('bench.noop', { queue }, async (_i: number) => {});
  await (await producer.broker()).size(queue); // creates Kafka topics outside the timing, like the raw side
  const produceStart = performance.now();
  for (let sent = 0; sent < MESSAGES; sent += CHUNK) {
    await Promise.all(
      Array.from({ length: Math.min(CHUNK, MESSAGES - sent) }, (_, i) => noop.applyAsync([sent + i], { ignoreResult: true })),
    );
  }
  const produceMs = performance.now() - produceStart;

  // The worker is another app with its own broker (memory:// brokers of one name share queues).
  const consumer = createApp({ broker: broker(), defaultQueue: queue });
  let ran = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let drainStart = 0;
  consumer.task('bench.noop', { queue }, async (_i: number) => {
    if (ran === 0) drainStart = performance.now();
    if (++ran >= MESSAGES) finish();
  });
  const worker = consumer.worker({ queues: [queue], concurrency: 64 });
  await worker.start();
  await finished;
  const drainMs = performance.now() - drainStart;
  await worker.close();
  await consumer.close();
  await producer.close();
  return { name, produceMs, drainMs };
}

function printTable(results: Result[]): void {
  const rows = results.map((r) => [
    r.name,
    `${(MESSAGES / (r.produceMs / 1000)).toFixed(0)}`,
    `${(r.produceMs / 1000).toFixed(2)}`,
    `${(MESSAGES / (r.drainMs / 1000)).toFixed(0)}`,
    `${(r.drainMs / 1000).toFixed(2)}`,
  ]);
  const header = ['', 'produce msg/s', 'produce s', 'drain msg/s', 'drain s'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
