import { hostname as osHostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CeleryEvent, RemoteTaskError, TaskRevokedError, type Worker } from '@tq/core';
import { expect } from 'vitest';
import { deferred } from '../support/deferred.js';
import { eventually } from '../support/eventually.js';
import { waitUntil } from '../support/wait-until.js';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, TaskKit } from './task-kit.js';

/** A request to one named node returns once it answered; this only bounds a node that never does. */
const REPLY_TIMEOUT_MS = 10_000;
/** How long a request gathers replies when the test must see that some node does NOT answer. */
const GATHER_MS = 2000;
/** How long to wait before concluding that something did not happen. */
const QUIET_MS = 300;

/** Ask `worker` alone and return its reply (failing when it does not answer exactly once). */
async function ask(kit: TaskKit, worker: Worker, method: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const replies = await kit.app.control.request(method, args, { destination: [worker.hostname], timeoutMs: REPLY_TIMEOUT_MS });
  expect(replies.map((r) => r.node)).toEqual([worker.hostname]);
  return replies[0]?.reply;
}

/** `celery inspect`/`celery control` against a running tq worker: the commands, their replies in Celery's shapes, and their effects. */
export function controlTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  const withControl = itIf(caps.broadcast, 'broadcast (remote control)');
  const withControlAndEvents = itIf(caps.broadcast && caps.events, 'broadcast and events');

  withControl('ping: the worker answers with its node name (%h expanded); unknown commands answer an error', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const worker = await kit.worker({ hostname: `${kit.queue}@%h` });
    expect(worker.hostname).toBe(`${kit.queue}@${osHostname()}`);
    expect(await kit.app.control.ping({ destination: [worker.hostname], timeoutMs: REPLY_TIMEOUT_MS })).toEqual([
      { node: worker.hostname, reply: { ok: 'pong' } },
    ]);
    expect(await ask(kit, worker, 'no_such_command')).toEqual({ error: "unknown command 'no_such_command'" });
    // The worker is unharmed.
    expect(await ask(kit, worker, 'ping')).toEqual({ ok: 'pong' });
  });

  withControl('destination and pattern (glob, pcre) pick which of two workers answers', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const a = await kit.worker({ hostname: `${kit.queue}-a@test` });
    const b = await kit.worker({ hostname: `${kit.queue}-b@test` });
    const nodes = async (options: Parameters<typeof kit.app.control.ping>[0]) =>
      (await kit.app.control.ping({ timeoutMs: GATHER_MS, ...options })).map((r) => r.node).sort();
    // Gathered at once; a limit above what should answer makes a destination request gather for the whole time.
    const [byName, byGlob, byRegex] = await Promise.all([
      nodes({ destination: [a.hostname], limit: 2 }),
      nodes({ pattern: `${kit.queue}-b@*` }),
      nodes({ pattern: `${kit.queue}-[ab]@`, matcher: 'pcre' }),
    ]);
    expect(byName).toEqual([a.hostname]);
    expect(byGlob).toEqual([b.hostname]);
    expect(byRegex).toEqual([a.hostname, b.hostname]);
  });

  withControl('inspect active, reserved and query_task describe held tasks as Celery requests', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const gate = deferred();
    const slow = kit.task('slow', async (n: number, label: string) => {
      await gate.promise;
      return `${label}${n}`;
    });
    const worker = await kit.worker({ concurrency: 1, hostname: `${kit.queue}@test` });
    const events = kit.record(worker);
    const running = await slow.delay(7, 'x');
    await waitUntil(() => events.some((e) => e.type === 'task-started' && e.id === running.id), 'the task to start', RESULT_TIMEOUT_MS);
    const waiting = await slow.delay(8, 'y');
    await waitUntil(
      () => events.some((e) => e.type === 'task-received' && e.id === waiting.id),
      'the second task to arrive',
      RESULT_TIMEOUT_MS,
    );

    const active = (await ask(kit, worker, 'active')) as Record<string, unknown>[];
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({
      id: running.id,
      name: 'slow',
      args: [7, 'x'],
      kwargs: {},
      type: 'slow',
      hostname: worker.hostname,
      time_start: expect.any(Number),
      acknowledged: false,
      delivery_info: { routing_key: kit.queue, redelivered: false },
      worker_pid: expect.any(Number),
    });
    const reserved = (await ask(kit, worker, 'reserved')) as Record<string, unknown>[];
    expect(reserved.map((r) => r.id)).toEqual([waiting.id]);
    expect(await ask(kit, worker, 'query_task', { ids: [running.id, waiting.id, 'unknown-id'] })).toEqual({
      [running.id]: ['active', expect.objectContaining({ id: running.id })],
      [waiting.id]: ['reserved', expect.objectContaining({ id: waiting.id, time_start: null })],
    });
    gate.resolve();
    expect(await running.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe('x7');
    expect(await waiting.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe('y8');
    // A task leaves `active` once its message is settled, which can follow the stored result (SQS batches acks).
    await eventually(
      () => ask(kit, worker, 'active'),
      (active) => Array.isArray(active) && active.length === 0,
      'no active task',
    );
  });

  withControl('inspect registered, stats, active_queues, clock and conf answer in Celery shapes', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const add = kit.task('add', async (x: number, y: number) => x + y);
    kit.task('limited', { rateLimit: '10/s' }, async () => null);
    const worker = await kit.worker({ hostname: `${kit.queue}@test` });
    expect(await ask(kit, worker, 'registered')).toEqual(['add', 'limited [rate_limit=10/s]']);
    expect(await (await add.delay(1, 2)).get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(3);

    expect(await ask(kit, worker, 'stats')).toMatchObject({
      total: { add: 1 },
      pid: expect.any(Number),
      clock: expect.stringMatching(/^\d+$/),
      uptime: expect.any(Number),
      pool: { 'max-concurrency': 4, processes: [expect.any(Number)] },
      broker: expect.objectContaining({ transport: expect.any(String) }),
      prefetch_count: 16,
      rusage: expect.objectContaining({ utime: expect.any(Number), stime: expect.any(Number), maxrss: expect.any(Number) }),
    });
    expect(await ask(kit, worker, 'active_queues')).toEqual([
      expect.objectContaining({
        name: kit.queue,
        exchange: expect.objectContaining({ name: kit.queue, type: 'direct' }),
        routing_key: kit.queue,
      }),
    ]);
    expect(await ask(kit, worker, 'clock')).toEqual({ clock: expect.any(Number) });
    expect(await ask(kit, worker, 'conf')).toMatchObject({ worker_concurrency: 4 });
  });

  withControl('rate_limit and time_limit change how this worker runs a task', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const tick = kit.task('tick', async (n: number) => n);
    const stuck = kit.task('stuck', async () => {
      // Ignores its signal: only the hard limit set remotely ends it.
      await new Promise<never>(() => {});
    });
    const worker = await kit.worker({ hostname: `${kit.queue}@test` });
    const events = kit.record(worker);
    expect(await ask(kit, worker, 'rate_limit', { task_name: 'tick', rate_limit: '1/h' })).toEqual({
      ok: 'new rate limit set successfully',
    });
    expect(await ask(kit, worker, 'rate_limit', { task_name: 'nope', rate_limit: '1/h' })).toEqual({ error: 'unknown task' });
    expect(await ask(kit, worker, 'rate_limit', { task_name: 'tick', rate_limit: 'often' })).toEqual({
      error: expect.stringContaining('Invalid rate limit string'),
    });
    expect(await ask(kit, worker, 'registered')).toContain('tick [rate_limit=1/h]');
    const ticks = [await tick.delay(1), await tick.delay(2)];
    const count = (type: string) => events.filter((e) => e.type === type && ticks.some((t) => t.id === e.id)).length;
    await waitUntil(() => count('task-received') === 2 && count('task-succeeded') === 1, 'one tick to run', RESULT_TIMEOUT_MS);
    await sleep(QUIET_MS);
    // One start an hour: the other one waits.
    expect(count('task-started')).toBe(1);

    expect(await ask(kit, worker, 'time_limit', { task_name: 'stuck', hard: 0.1, soft: null })).toEqual({
      ok: 'time limits set successfully',
    });
    const error = await (await stuck.delay()).get({ timeoutMs: RESULT_TIMEOUT_MS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect((error as RemoteTaskError).remoteType).toBe('TimeLimitExceeded');
  });

  withControl(
    'revoke through control: a waiting task never runs, terminate ends a running one; hello hands the ids on',
    async (context) => {
      const kit = await TaskKit.forTest(config, context);
      const blocker = kit.task('blocker', async () => {
        await new Promise<never>(() => {});
      });
      let victimRuns = 0;
      const victim = kit.task('victim', async () => {
        victimRuns++;
        return 'ran';
      });
      const worker = await kit.worker({ concurrency: 1, hostname: `${kit.queue}@test` });
      const events = kit.record(worker);
      const running = await blocker.delay();
      await waitUntil(
        () => events.some((e) => e.type === 'task-started' && e.id === running.id),
        'the blocker to start',
        RESULT_TIMEOUT_MS,
      );
      const waiting = await victim.delay();
      await kit.app.control.cast('revoke', { task_id: waiting.id, terminate: false, signal: 'SIGTERM' });
      await eventually(
        () => ask(kit, worker, 'revoked'),
        (ids) => (ids as string[]).includes(waiting.id),
        'the revoke to arrive',
        RESULT_TIMEOUT_MS,
      );
      expect(await ask(kit, worker, 'revoke', { task_id: [running.id], terminate: true })).toEqual({ ok: `terminate: ${running.id}` });
      await expect(running.get({ timeoutMs: RESULT_TIMEOUT_MS })).rejects.toBeInstanceOf(TaskRevokedError);
      await expect(waiting.get({ timeoutMs: RESULT_TIMEOUT_MS })).rejects.toBeInstanceOf(TaskRevokedError);
      expect(victimRuns).toBe(0);

      // A starting Celery worker's hello (mingle) learns this worker's revokes; its own hello gets no answer.
      const hello = (await ask(kit, worker, 'hello', { from_node: 'celery@elsewhere', revoked: {} })) as { revoked: object };
      expect(Object.keys(hello.revoked)).toEqual(expect.arrayContaining([waiting.id, running.id]));
      const toItself = await kit.app.control.request(
        'hello',
        { from_node: worker.hostname, revoked: {} },
        {
          destination: [worker.hostname],
          timeoutMs: QUIET_MS,
        },
      );
      expect(toItself).toEqual([]);
    },
  );

  withControl('add_consumer and cancel_consumer start and stop consuming a queue', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const extra = `${kit.queue}-extra`;
    context.onTestFinished(() => config.cleanup?.([extra]));
    const add = kit.task('add', async (x: number, y: number) => x + y);
    const worker = await kit.worker({ hostname: `${kit.queue}@test` });
    const queues = async () => ((await ask(kit, worker, 'active_queues')) as { name: string }[]).map((q) => q.name);
    expect(await ask(kit, worker, 'add_consumer', { queue: extra })).toEqual({ ok: `add consumer ${extra}` });
    expect(await ask(kit, worker, 'add_consumer', { queue: extra })).toEqual({ ok: `already consuming from ${extra}` });
    expect(await queues()).toEqual([kit.queue, extra]);
    expect(await (await add.applyAsync([1, 2], { queue: extra })).get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(3);

    expect(await ask(kit, worker, 'cancel_consumer', { queue: extra })).toEqual({ ok: `no longer consuming from ${extra}` });
    expect(await queues()).toEqual([kit.queue]);
    expect(worker.queues).toEqual([kit.queue]);
    const left = await add.applyAsync([2, 3], { queue: extra });
    // Sent after the one above, to the queue still consumed: once it ran, the other had every chance to.
    expect(await (await add.delay(4, 5)).get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe(9);
    await sleep(QUIET_MS);
    expect(await left.state()).toBe('PENDING');
  });

  withControl('shutdown: the worker answers, lets its running task finish, and stops', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const gate = deferred();
    const slow = kit.task('slow', async () => {
      await gate.promise;
      return 'finished';
    });
    const worker = await kit.worker({ hostname: `${kit.queue}@test`, shutdownTimeoutMs: RESULT_TIMEOUT_MS });
    const events = kit.record(worker);
    const offline = new Promise((resolve) => worker.events.once('worker-offline', resolve));
    const running = await slow.delay();
    await waitUntil(() => events.some((e) => e.type === 'task-started'), 'the task to start', RESULT_TIMEOUT_MS);
    expect(await ask(kit, worker, 'shutdown')).toEqual({ ok: 'shutting down' });
    gate.resolve();
    expect(await running.get({ timeoutMs: RESULT_TIMEOUT_MS })).toBe('finished');
    await waitUntil(() => events.some((e) => e.type === 'task-succeeded' && e.id === running.id), 'task-succeeded on this worker');
    await offline;
    await worker.close();
    expect(await kit.app.control.ping({ destination: [worker.hostname], timeoutMs: QUIET_MS })).toEqual([]);
  });

  withControlAndEvents('enable_events, disable_events and heartbeat steer what the worker tells monitors', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const add = kit.task('add', async (x: number, y: number) => x + y);
    const seen: CeleryEvent[] = [];
    const worker = await kit.worker({ hostname: `${kit.queue}@test`, heartbeatIntervalMs: 3_600_000 });
    const stop = await kit.app.events.subscribe((event) => {
      if (event.hostname === worker.hostname) seen.push(event);
    });
    context.onTestFinished(stop);
    const taskEvents = (id: string) => seen.filter((e) => e.uuid === id).map((e) => e.type);

    const quiet = await add.delay(1, 1);
    await quiet.get({ timeoutMs: RESULT_TIMEOUT_MS });
    expect(await ask(kit, worker, 'enable_events')).toEqual({ ok: 'task events enabled' });
    expect(await ask(kit, worker, 'enable_events')).toEqual({ ok: 'task events already enabled' });
    const loud = await add.delay(2, 2);
    await loud.get({ timeoutMs: RESULT_TIMEOUT_MS });
    await waitUntil(() => taskEvents(loud.id).includes('task-succeeded'), 'the task events', RESULT_TIMEOUT_MS);
    expect(await ask(kit, worker, 'disable_events')).toEqual({ ok: 'task events disabled' });
    expect(taskEvents(quiet.id)).toEqual([]);

    // Heartbeats come every hour here: this one is the command's.
    expect(await ask(kit, worker, 'heartbeat')).toBeNull();
    await waitUntil(() => seen.some((e) => e.type === 'worker-heartbeat'), 'a heartbeat', RESULT_TIMEOUT_MS);
    const silent = await add.delay(3, 3);
    await silent.get({ timeoutMs: RESULT_TIMEOUT_MS });
    await sleep(QUIET_MS);
    expect(taskEvents(silent.id)).toEqual([]);
  });
}
