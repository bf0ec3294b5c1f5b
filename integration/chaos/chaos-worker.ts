/**
 * A tq worker in its own process, for the chaos suite: `node --import tsx chaos-worker.ts` with its
 * settings as JSON in `TQ_CHAOS_WORKER` (see {@link ChaosWorkerSettings}). It runs real worker code
 * on a real broker and writes what happened to files the test reads, so the record survives a
 * SIGKILL and does not depend on the transport under test:
 * - `<recordDir>/runs-<pid>`: `<task id> <ms since epoch>` per line for each run of `chaos.record` that finished;
 * - `<recordDir>/rejected-<pid>`: one JSON line per `task-rejected` event (id, reason).
 * Prints `ready` on stdout once consuming.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp, defaultLogger } from '@tq/core';
import { chaosBroker } from './chaos-broker.js';
import { type ChaosWorkerSettings, RECORD_TASK } from './chaos-worker-settings.js';

const settings = JSON.parse(process.env.TQ_CHAOS_WORKER ?? '{}') as ChaosWorkerSettings;
// Warnings (connection lost, regained) go to stderr, which the test keeps in a log file.
const logger = defaultLogger().child({}, { level: 'warn' });
const runs = `${settings.recordDir}/runs-${process.pid}`;
const rejected = `${settings.recordDir}/rejected-${process.pid}`;

const app = createApp({
  broker: chaosBroker(settings.transport, { via: settings.via, kafkaSessionTimeoutMs: settings.kafkaSessionTimeoutMs, logger }),
  logger,
});
app.task(RECORD_TASK, async (id: string) => {
  await sleep(settings.taskMs);
  // Synchronous: once it returns the line is in the kernel's page cache, which a SIGKILL keeps.
  appendFileSync(runs, `${id} ${Date.now()}\n`);
});
const worker = app.worker({
  queues: [settings.queue],
  concurrency: settings.concurrency,
  prefetchMultiplier: settings.prefetchMultiplier,
  ...(settings.maxPayloadBytes ? { maxPayloadBytes: settings.maxPayloadBytes } : {}),
});
worker.events.on('task-rejected', (event) => {
  appendFileSync(rejected, `${JSON.stringify({ id: event.id, reason: event.reason })}\n`);
});
await worker.start();
process.stdout.write('ready\n');

// The suite's memory check asks for a full collection first (SIGUSR2; the process runs with
// --expose-gc), so it compares what the worker keeps, not how far V8 let its heap grow meanwhile.
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());

process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => app.close())
    .finally(() => process.exit(0));
});
