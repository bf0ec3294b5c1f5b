import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { App, CeleryEvent } from '@tq/core';
import { expect } from 'vitest';
import { waitUntil } from '../support/wait-until.js';
import type { TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, TaskKit } from './task-kit.js';

/** A short heartbeat, so the tests see several in well under a second. */
const HEARTBEAT_MS = 100;

/** One test's view of the event stream: the events of its own worker only (the broker is shared). */
interface Monitor {
  /** Events from the test's worker, in arrival order. */
  events: CeleryEvent[];
  /** The node name the test's worker must use. */
  hostname: string;
  ofType(type: string): CeleryEvent[];
  forTask(id: string): CeleryEvent[];
}

/**
 * Celery's monitoring events as a real tq worker sends them over the transport (spec §8), read
 * back through `app.events` as Flower would: worker-online, heartbeats at the configured interval
 * and worker-offline always; task-received/started/succeeded/failed with Celery's fields only
 * when the worker's `taskEvents` is on.
 */
export function monitoringEventTests(config: TaskConformanceConfig): void {
  const test = itIf(config.capabilities.events, 'events');

  /**
   * Subscribe through `app.events` before the worker starts, and wait until the subscription
   * demonstrably receives (some transports reach a new subscriber only shortly after it starts).
   */
  async function monitor(app: App): Promise<Monitor> {
    const hostname = `tq-conformance-${randomUUID().slice(0, 8)}@events`;
    const events: CeleryEvent[] = [];
    let probed = false;
    // Ends with the app, when the test finishes.
    await app.events.subscribe((event) => {
      if (event.hostname !== hostname) return;
      if (event.type === 'conformance-probe') probed = true;
      else events.push(event);
    });
    const channel = (await app.broker()).events;
    if (!channel) throw new Error('capabilities.events is declared but the broker has no events channel');
    const probe = {
      type: 'conformance-probe',
      hostname,
      timestamp: Date.now() / 1000,
      utcoffset: 0,
      pid: process.pid,
      clock: 0,
    };
    const deadline = performance.now() + RESULT_TIMEOUT_MS;
    while (!probed) {
      if (performance.now() > deadline) throw new Error('Timed out waiting for the event subscription to receive');
      await channel.publish('conformance.probe', { body: Buffer.from(JSON.stringify(probe)), headers: { hostname } });
      await sleep(50);
    }
    return {
      events,
      hostname,
      ofType: (type) => events.filter((e) => e.type === type),
      forTask: (id) => events.filter((e) => e.uuid === id),
    };
  }

  test('worker-online at start, heartbeats at the configured interval, worker-offline at close', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const seen = await monitor(kit.app);
    const worker = await kit.worker({ hostname: seen.hostname, heartbeatIntervalMs: HEARTBEAT_MS });
    await waitUntil(() => seen.ofType('worker-heartbeat').length >= 3, 'three heartbeats', RESULT_TIMEOUT_MS);
    await worker.close();
    await waitUntil(() => seen.ofType('worker-offline').length === 1, 'worker-offline', RESULT_TIMEOUT_MS);
    const settled = seen.events.length;
    await sleep(3 * HEARTBEAT_MS);

    expect(seen.events[0]?.type).toBe('worker-online');
    // Heartbeats stop with the worker: nothing follows worker-offline.
    expect(seen.events.length).toBe(settled);
    expect(seen.events.at(-1)?.type).toBe('worker-offline');
    for (const event of seen.events) {
      expect(event).toMatchObject({
        hostname: seen.hostname,
        pid: expect.any(Number),
        clock: expect.any(Number),
        utcoffset: expect.any(Number),
        freq: HEARTBEAT_MS / 1000,
        active: expect.any(Number),
        processed: expect.any(Number),
        sw_ident: 'tq',
        sw_ver: expect.any(String),
        sw_sys: expect.any(String),
      });
      expect(event.loadavg).toHaveLength(3);
      expect(Math.abs(event.timestamp - Date.now() / 1000)).toBeLessThan(300);
    }
    // Sent one interval apart (not a speed bound: timers never fire early; half allows for send jitter).
    const stamps = seen.ofType('worker-heartbeat').map((e) => e.timestamp);
    const sorted = [...stamps].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect((sorted[i] as number) - (sorted[i - 1] as number)).toBeGreaterThan(HEARTBEAT_MS / 2000);
    const clocks = seen.events.map((e) => e.clock);
    expect(new Set(clocks).size).toBe(clocks.length);
  });

  test('with taskEvents on: task-received, task-started, task-succeeded with Celery’s fields', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const add = kit.task('add', async (x: number, y: number) => x + y);
    const seen = await monitor(kit.app);
    await kit.worker({ hostname: seen.hostname, taskEvents: true, heartbeatIntervalMs: HEARTBEAT_MS });
    const result = await add.delay(2, 3);
    expect(await result.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(5);
    await waitUntil(() => seen.forTask(result.id).some((e) => e.type === 'task-succeeded'), 'task-succeeded', RESULT_TIMEOUT_MS);

    const events = seen.forTask(result.id);
    // Clocks order the events a monitor gets (arrival order may differ on some transports).
    expect([...events].sort((a, b) => a.clock - b.clock).map((e) => e.type)).toEqual(['task-received', 'task-started', 'task-succeeded']);
    const [received, started, succeeded] = ['task-received', 'task-started', 'task-succeeded'].map((type) =>
      events.find((e) => e.type === type),
    );
    expect(received).toMatchObject({
      hostname: seen.hostname,
      uuid: result.id,
      name: 'add',
      args: '(2, 3)',
      kwargs: '{}',
      root_id: result.id,
      parent_id: null,
      retries: 0,
      eta: null,
      expires: null,
    });
    expect(started).toMatchObject({ hostname: seen.hostname, uuid: result.id });
    expect(succeeded).toMatchObject({ hostname: seen.hostname, uuid: result.id, result: '5', runtime: expect.any(Number) });
    expect(succeeded?.runtime as number).toBeGreaterThanOrEqual(0);
    for (const event of events)
      expect(event).toMatchObject({ pid: expect.any(Number), utcoffset: expect.any(Number), timestamp: expect.any(Number) });
  });

  test('with taskEvents on: task-failed carries the exception repr and the traceback', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const boom = kit.task('boom', async () => {
      throw new TypeError('kaboom');
    });
    const seen = await monitor(kit.app);
    await kit.worker({ hostname: seen.hostname, taskEvents: true, heartbeatIntervalMs: HEARTBEAT_MS });
    const result = await boom.delay();
    await expect(result.get({ timeoutMs: RESULT_TIMEOUT_MS })).rejects.toThrow('kaboom');
    await waitUntil(() => seen.forTask(result.id).some((e) => e.type === 'task-failed'), 'task-failed', RESULT_TIMEOUT_MS);

    const failed = seen.forTask(result.id).find((e) => e.type === 'task-failed');
    expect(failed).toMatchObject({ hostname: seen.hostname, uuid: result.id, exception: "TypeError('kaboom')" });
    expect(failed?.traceback).toEqual(expect.stringContaining('kaboom'));
  });

  test('with taskEvents off (the default): no task events, heartbeats still', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const add = kit.task('add', async (x: number, y: number) => x + y);
    const seen = await monitor(kit.app);
    const worker = await kit.worker({ hostname: seen.hostname, heartbeatIntervalMs: HEARTBEAT_MS });
    const result = await add.delay(1, 1);
    expect(await result.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(2);
    // Closing flushes whatever task events a worker buffered before worker-offline goes out.
    await worker.close();
    await waitUntil(() => seen.ofType('worker-offline').length === 1, 'worker-offline', RESULT_TIMEOUT_MS);
    // Room for events sent before worker-offline to arrive after it (no order across SQS queues).
    await sleep(3 * HEARTBEAT_MS);

    expect(seen.events.filter((e) => e.type.startsWith('task-'))).toEqual([]);
    expect(seen.ofType('worker-online')).toHaveLength(1);
    expect(seen.ofType('worker-offline')[0]?.processed).toBe(1);
  });
}
