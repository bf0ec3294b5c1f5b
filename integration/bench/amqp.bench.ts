/**
 * `pnpm bench amqp`: tq over RabbitMQ beside raw amqplib on the same node, in one run.
 *
 * - publish: N persistent messages with publisher confirms (raw: one confirm channel, all in
 *   flight, `waitForConfirms`; tq: `broker.publishBatch` in batches, i.e. what the app's sends cost).
 * - drain: N messages already queued, consumed and acknowledged (raw: `basic.consume` + `ack`
 *   per message; tq: a real worker running a no-op task, acking after each attempt). Same prefetch.
 *
 * The machine is shared and noisy, so the four measurements run interleaved for BENCH_ROUNDS
 * rounds (default 3) and each row reports its best round: raw and tq see the same conditions.
 *
 * RabbitMQ comes from AMQP_URL, else the integration harness starts a private node.
 */
import { randomUUID } from 'node:crypto';
import { AmqpBroker } from '@tq/amqp';
import { createApp, createTaskMessage, type OutgoingMessage } from '@tq/core';
import { connect } from 'amqplib';
import { stateDir } from '../harness/paths.js';
import { startBrokers } from '../harness/start-brokers.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const CONCURRENCY = 100;
const PREFETCH = CONCURRENCY * 2;
const BATCH = 1_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Row {
  what: string;
  seconds: number;
}

export async function run(): Promise<void> {
  process.env.TQ_LOG_LEVEL ??= 'error';
  const brokers = process.env.AMQP_URL
    ? undefined
    : await startBrokers({ services: ['amqp'], stateFile: `${stateDir}/runs/bench-${process.pid}.json` });
  const url = process.env.AMQP_URL ?? brokers?.env().AMQP_URL;
  if (!url) throw new Error('no RabbitMQ: set AMQP_URL or install rabbitmq-server for the harness');
  try {
    const rounds: Row[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const rawQueue = `bench-raw-${randomUUID()}`;
      const tqQueue = `bench-tq-${randomUUID()}`;
      rounds.push([
        { what: 'raw amqplib publish (confirmed)', seconds: await rawPublish(url, rawQueue) },
        { what: 'raw amqplib consume+ack', seconds: await rawDrain(url, rawQueue) },
        { what: 'tq publish (confirmed)', seconds: await tqPublish(url, tqQueue) },
        { what: 'tq worker drain (no-op task)', seconds: await tqDrain(url, tqQueue) },
      ]);
      await deleteQueues(url, [rawQueue, tqQueue]);
    }
    const rows = (rounds[0] as Row[]).map((row, i) => ({ what: row.what, seconds: Math.min(...rounds.map((r) => (r[i] as Row).seconds)) }));

    console.log(`${MESSAGES} messages, prefetch ${PREFETCH}, tq worker concurrency ${CONCURRENCY}, best of ${ROUNDS} interleaved rounds\n`);
    console.log(`${'what'.padEnd(34)} ${'msg/s'.padStart(9)} ${'seconds'.padStart(8)}`);
    for (const row of rows) console.log(`${row.what.padEnd(34)} ${rate(row).toFixed(0).padStart(9)} ${row.seconds.toFixed(2).padStart(8)}`);
    const [rawPub, rawDrainRow, tqPub, tqDrainRow] = rows as [Row, Row, Row, Row];
    console.log(`\ntq/amqplib publish ratio: ${(rate(tqPub) / rate(rawPub)).toFixed(2)}`);
    console.log(`tq/amqplib drain ratio: ${(rate(tqDrainRow) / rate(rawDrainRow)).toFixed(2)}`);
  } finally {
    await brokers?.stop();
  }
}

function rate(row: Row): number {
  return MESSAGES / row.seconds;
}

/** The same bytes tq sends: a real protocol v2 message. */
function sample(): ReturnType<typeof createTaskMessage> {
  return createTaskMessage({ task: 'bench.noop', id: randomUUID(), args: [1, 2] });
}

async function rawPublish(url: string, queue: string): Promise<number> {
  const connection = await connect(url);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  const message = sample();
  const body = Buffer.from(JSON.stringify(message.body));
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    const more = channel.sendToQueue(queue, body, {
      persistent: true,
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      headers: { ...message.headers, id: randomUUID() },
      correlationId: message.headers.id,
    });
    if (!more) await new Promise((resolve) => channel.once('drain', resolve));
  }
  await channel.waitForConfirms();
  const seconds = (performance.now() - started) / 1000;
  await connection.close();
  return seconds;
}

async function rawDrain(url: string, queue: string): Promise<number> {
  const connection = await connect(url);
  const channel = await connection.createChannel();
  await channel.prefetch(PREFETCH, true);
  let count = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    void channel.consume(queue, (message) => {
      if (!message) return;
      channel.ack(message);
      if (++count === MESSAGES) resolve();
    });
  });
  const seconds = (performance.now() - started) / 1000;
  await connection.close();
  return seconds;
}

async function tqPublish(url: string, queue: string): Promise<number> {
  const broker = new AmqpBroker({ url });
  await broker.connect();
  await broker.size(queue); // declared before the clock starts, as raw's assertQueue
  const started = performance.now();
  for (let sent = 0; sent < MESSAGES; sent += BATCH) {
    const batch: OutgoingMessage[] = Array.from({ length: Math.min(BATCH, MESSAGES - sent) }, () => ({ queue, message: sample() }));
    await broker.publishBatch(batch);
  }
  const seconds = (performance.now() - started) / 1000;
  await broker.close();
  return seconds;
}

async function tqDrain(url: string, queue: string): Promise<number> {
  const app = createApp({ broker: new AmqpBroker({ url }), defaultQueue: queue });
  let count = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => {
    finished = resolve;
  });
  app.task('bench.noop', (_a: number, _b: number) => {
    if (++count === MESSAGES) finished();
  });
  await app.connect();
  const worker = app.worker({ queues: [queue], concurrency: CONCURRENCY });
  const started = performance.now();
  await worker.start();
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await app.close();
  return seconds;
}

async function deleteQueues(url: string, queues: string[]): Promise<void> {
  const connection = await connect(url);
  const channel = await connection.createChannel();
  for (const queue of queues) {
    await channel.deleteQueue(queue);
    await channel.deleteExchange(queue);
    for (let level = 0; level < 32; level++) await channel.deleteQueue(`tq.delay.${queue}.${level}`);
  }
  await connection.close();
}
