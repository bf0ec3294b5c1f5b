import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Broker, createApp, createTaskMessage } from '@tq/core';
import { MetricsServer, TqMetrics } from '@tq/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/unique-name.js';
import { type PrometheusSample, parsePrometheusText, sampleValue } from './prometheus-text.js';

/** How a transport joins the metrics scenario. */
export interface MetricsConformanceConfig {
  /** Shown in the suite name, e.g. `redis`. */
  name: string;
  /** A new, unconnected broker of the transport. */
  createBroker(): Broker;
  /** OpenTelemetry's `messaging.system` the transport is reported as (`redis`, `rabbitmq`, `kafka`, `aws_sqs`, `memory`). */
  messagingSystem: string;
  /** Runs after the test with the queues it used (delete them, say). */
  cleanup?(queues: readonly string[]): void | Promise<void>;
}

/** How long the tasks wait in the queue before the worker starts: every queue wait is at least this. */
const HELD_BEFORE_START_MS = 400;
/** Countdown of the delayed task: its queue wait must not include it. */
const COUNTDOWN_MS = 6000;
/**
 * Buckets (s) that make the wait assertions crisp: 0.25 is below the hold before start, 5.5 below
 * the countdown (a wait that counted it would be past it), with room for a broker delivering a
 * delayed message seconds late (RabbitMQ's ladder did, 3.7 s, on a loaded machine).
 */
const BUCKETS = [0.25, 1, 2.5, 5.5, 10, 60];

class PaymentDeclined extends Error {
  override name = 'PaymentDeclined';
}
class FlakyError extends Error {
  override name = 'FlakyError';
}

/**
 * One scenario every transport runs: a known mix of successes, failures, a retry, a countdown and a
 * rejected message goes through a worker with metrics on, and a scrape of `/metrics` (over HTTP)
 * must report exactly it — the celery-exporter set and the OpenTelemetry set, queue wait (publish
 * to start, countdown excluded) and queue depth by state.
 */
export function metricsConformance(config: MetricsConformanceConfig): void {
  describe(`${config.name}: metrics`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('a scrape reports the known mix of outcomes, queue wait and queue depth', async () => {
      const queue = uniqueName(`metrics-${config.name}`);
      const idle = `${queue}-idle`;
      const app = createApp({ broker: config.createBroker(), defaultQueue: queue });
      cleanups.push(async () => {
        await app.close();
        await config.cleanup?.([queue, idle]);
      });
      const ok = app.task('m.ok', async (n: number) => n);
      const bad = app.task('m.bad', async () => {
        throw new PaymentDeclined('card declined');
      });
      const flaky = app.task('m.flaky', { retry: { max: 2, backoff: 'fixed', baseMs: 200, jitter: false } }, async () => {
        // The worker's own view: the first attempt fails, the retry succeeds.
        if ((await import('@tq/core')).currentTask().retries === 0) throw new FlakyError('first time');
        return 'second time';
      });
      const late = app.task('m.late', async () => 'late');

      // Metrics on before anything is sent: the producer's side is counted too.
      const worker = app.worker({ queues: [queue], concurrency: 2, hostname: `metrics-${randomUUID().slice(0, 8)}@test` });
      const metrics = new TqMetrics(app, { worker, queues: [idle], defaultMetrics: false, buckets: BUCKETS });
      await metrics.start();
      const server = new MetricsServer({ port: 0, host: '127.0.0.1', registry: metrics.registry, worker });
      await server.start();
      cleanups.push(async () => {
        await server.close();
        metrics.close();
        await worker.close();
      });
      await Promise.all([1, 2, 3].map((n) => ok.delay(n)));
      await Promise.all([bad.delay(), bad.delay()]);
      await flaky.delay();
      await late.applyAsync([], { countdownMs: COUNTDOWN_MS });
      await app.publish(queue, createTaskMessage({ task: 'm.unknown', id: randomUUID() }), {});
      // The idle queue nobody consumes: two ready, one delayed for long.
      await ok.applyAsync([4], { queue: idle });
      await ok.applyAsync([5], { queue: idle });
      await ok.applyAsync([6], { queue: idle, countdownMs: 600_000 });
      await sleep(HELD_BEFORE_START_MS);

      await worker.start();

      const scrape = async (): Promise<PrometheusSample[]> => {
        const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
        expect(response.status).toBe(200);
        return parsePrometheusText(await response.text());
      };
      const task = (name: string) => ({ name, hostname: worker.hostname, queue_name: queue });
      const samples = await scrapeUntil(
        scrape,
        (s) =>
          sampleValue(s, 'celery_task_succeeded_total', task('m.ok')) === 3 &&
          sampleValue(s, 'celery_task_succeeded_total', task('m.flaky')) === 1 &&
          sampleValue(s, 'celery_task_succeeded_total', task('m.late')) === 1 &&
          sampleValue(s, 'celery_task_failed_total', { ...task('m.bad'), exception: 'PaymentDeclined' }) === 2 &&
          sampleValue(s, 'celery_task_rejected_total', task('m.unknown')) === 1 &&
          // Dead-lettering follows the count: wait for it to land.
          sampleValue(s, 'tq_queue_messages', { messaging_destination_name: queue, state: 'dead_letter' }) === 1,
        COUNTDOWN_MS + 30_000,
      );
      const value = (name: string, labels: Record<string, string>) => sampleValue(samples, name, labels);

      // celery-exporter's set, with its labels.
      const sent = { hostname: worker.hostname, queue_name: queue };
      expect(value('celery_task_sent_total', { ...sent, name: 'm.ok' })).toBe(3);
      expect(value('celery_task_sent_total', { ...sent, name: 'm.bad' })).toBe(2);
      expect(value('celery_task_sent_total', { ...sent, name: 'm.flaky' })).toBe(2); // the retry is sent again
      expect(value('celery_task_sent_total', { ...sent, name: 'm.late' })).toBe(1);
      for (const [name, received] of [
        ['m.ok', 3],
        ['m.bad', 2],
        ['m.flaky', 2],
        ['m.late', 1],
      ] as const) {
        expect(value('celery_task_received_total', task(name)), name).toBe(received);
        expect(value('celery_task_started_total', task(name)), name).toBe(received);
      }
      expect(value('celery_task_retried_total', task('m.flaky'))).toBe(1);
      expect(value('celery_task_failed_total', { ...task('m.flaky'), exception: 'FlakyError' })).toBeUndefined();
      expect(value('celery_task_failed_total', { ...task('m.ok'), exception: '' })).toBe(0);
      expect(value('celery_task_revoked_total', task('m.ok'))).toBe(0);
      expect(value('celery_task_runtime_count', task('m.ok'))).toBe(3);
      expect(value('celery_task_runtime_count', task('m.bad'))).toBeUndefined(); // successes only, as celery-exporter
      expect(value('celery_worker_up', { hostname: worker.hostname })).toBe(1);
      expect(value('celery_worker_tasks_active', { hostname: worker.hostname })).toBe(0);
      expect(value('celery_active_consumer_count', { queue_name: queue })).toBe(1);
      expect(value('celery_active_process_count', { queue_name: queue })).toBe(2);
      expect(value('celery_queue_length', { queue_name: idle })).toBe(2);
      expect(value('celery_queue_length', { queue_name: queue })).toBe(0);

      // The OpenTelemetry set.
      const destination = { messaging_system: config.messagingSystem, messaging_destination_name: queue };
      expect(value('messaging_client_sent_messages_total', { ...destination, error_type: '' })).toBe(9);
      expect(value('messaging_client_consumed_messages_total', destination)).toBe(8);
      const attempts = (task_name: string, error_type: string) =>
        value('messaging_process_duration_seconds_count', { ...destination, task_name, error_type, messaging_operation_name: 'process' });
      expect(attempts('m.ok', '')).toBe(3);
      expect(attempts('m.bad', 'PaymentDeclined')).toBe(2);
      expect(attempts('m.flaky', 'FlakyError')).toBe(1);
      expect(attempts('m.flaky', '')).toBe(1);

      // Queue wait: publish to start, at least the time held before the worker started; the
      // countdown is not wait (the retry's backoff neither).
      const wait = (task_name: string, le?: string) =>
        value(le ? 'tq_queue_wait_seconds_bucket' : 'tq_queue_wait_seconds_count', { ...destination, task_name, ...(le ? { le } : {}) });
      expect(wait('m.ok')).toBe(3);
      expect(wait('m.ok', '0.25')).toBe(0);
      expect(value('tq_queue_wait_seconds_sum', { ...destination, task_name: 'm.ok' })).toBeGreaterThanOrEqual(
        (3 * HELD_BEFORE_START_MS) / 1000,
      );
      expect(wait('m.late')).toBe(1);
      const lateWait = value('tq_queue_wait_seconds_sum', { ...destination, task_name: 'm.late' });
      expect(wait('m.late', '5.5'), `m.late waited ${lateWait} s after its eta`).toBe(1);
      expect(wait('m.flaky')).toBe(2);

      // Queue depth by state.
      const depth = (name: string, state: string) =>
        value('tq_queue_messages', { messaging_system: config.messagingSystem, messaging_destination_name: name, state });
      expect(depth(idle, 'ready')).toBe(2);
      expect(depth(idle, 'delayed')).toBe(1);
      expect(depth(queue, 'ready')).toBe(0);
      expect(depth(queue, 'delayed')).toBe(0);
      // The unknown task was dead-lettered where the queue was consumed.
      expect(depth(queue, 'dead_letter')).toBe(1);
      expect(depth(idle, 'dead_letter')).toBe(0);

      // The worker stopped: no longer up, no longer consuming.
      await worker.close();
      const after = parsePrometheusText(await metrics.metrics());
      expect(sampleValue(after, 'celery_worker_up', { hostname: worker.hostname })).toBe(0);
      expect(sampleValue(after, 'celery_active_consumer_count', { queue_name: queue })).toBeUndefined();
    }, 90_000);
  });
}

/** Scrape until `accept` holds; on timeout, fail naming the task counters seen (the whole scrape is too long to read). */
async function scrapeUntil(
  scrape: () => Promise<PrometheusSample[]>,
  accept: (samples: PrometheusSample[]) => boolean,
  timeoutMs: number,
): Promise<PrometheusSample[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const samples = await scrape();
    if (accept(samples)) return samples;
    if (performance.now() > deadline) {
      const seen = samples
        .filter((s) => s.name.startsWith('celery_task_') && s.name.endsWith('_total') && s.value > 0)
        .map((s) => `${s.name}{${s.labels.name}${s.labels.exception ? `,${s.labels.exception}` : ''}}=${s.value}`);
      throw new Error(`Timed out after ${timeoutMs} ms waiting for every task of the mix to finish; seen: ${seen.join(' ')}`);
    }
    await sleep(50);
  }
}
