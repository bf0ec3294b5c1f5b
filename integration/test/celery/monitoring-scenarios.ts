/**
 * The scenarios of issue 16's live monitoring suite, shared by redis/amqp.monitoring.test.ts: the
 * operator tools of Python Celery 5.7 and Flower 2.2 (integration/python/requirements.txt) see and
 * steer a tq worker, and tq's control client sees a Celery worker. Each function registers one
 * or more named `it`s on a {@link MonitoringPeer}.
 */

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { waitUntil } from '../../harness/wait-until.js';
import { type MonitoringPeer, monitoringConcurrency } from './monitoring-peer.js';

const GET = { timeoutMs: 30_000 };

/** `celery inspect ping|registered|stats|active -d <tq node>`: the tq worker answers each with Celery's reply shape. */
export function celeryInspectsTq(peer: MonitoringPeer): void {
  it('celery inspect ping: the tq worker answers pong', async () => {
    expect(await peer.remote('inspect', 'ping', [], peer.worker.hostname)).toEqual({ ok: 'pong' });
  });

  it('celery inspect registered: the tq worker lists its task names', async () => {
    const registered = await peer.remote<string[]>('inspect', 'registered', [], peer.worker.hostname);
    expect(registered).toEqual(expect.arrayContaining(['tq.add', 'tq.fail', 'tq.block', 'tq.limited']));
  });

  it('celery inspect stats: the tq worker reports its pid, pool and tasks run per name', async () => {
    expect(await peer.tq.add.delay(1, 2).then((result) => result.get(GET))).toBe(3);
    const stats = await peer.remote<{ pid: number; pool: Record<string, unknown>; total: Record<string, number> }>(
      'inspect',
      'stats',
      [],
      peer.worker.hostname,
    );
    expect(stats.pid).toBe(process.pid);
    expect(stats.pool).toMatchObject({ 'max-concurrency': monitoringConcurrency });
    expect(stats.total['tq.add']).toBeGreaterThanOrEqual(1);
  });

  it('celery inspect active: the tq worker lists the task it is running, with its id, name, args and node', async () => {
    const gate = randomUUID();
    const result = await peer.tq.block.delay(gate);
    await peer.whenRunning(gate);
    try {
      const active = await peer.remote<Record<string, unknown>[]>('inspect', 'active', [], peer.worker.hostname);
      expect(active).toEqual([expect.objectContaining({ id: result.id, name: 'tq.block', args: [gate], hostname: peer.worker.hostname })]);
    } finally {
      peer.release(gate);
    }
    expect(await result.get(GET)).toBe(gate);
  });
}

/** tq's control client pings a Python Celery worker (what `tq inspect ping` does) and reads its stats. */
export function tqInspectsCelery(peer: MonitoringPeer): void {
  it('tq control: ping lists the Python Celery worker; its stats reply carries its pid', async () => {
    const target = { destination: [peer.pyNode], limit: 1, timeoutMs: 10_000 };
    expect(await peer.app.control.ping(target)).toEqual([{ node: peer.pyNode, reply: { ok: 'pong' } }]);
    const [stats] = await peer.app.control.request<{ pid: number }>('stats', {}, target);
    expect(stats).toMatchObject({ node: peer.pyNode, reply: { pid: peer.celery.pid } });
  });
}

/** `celery control rate_limit <task> 1/m -d <tq node>`: the tq worker then starts one such task a minute. */
export function celeryRateLimitsTq(peer: MonitoringPeer): void {
  it('celery control rate_limit: the tq worker takes the new limit (1/m: one task runs, the next waits)', async () => {
    const reply = await peer.remote<{ ok?: string }>('control', 'rate_limit', ['tq.limited', '1/m'], peer.worker.hostname);
    expect(reply).toEqual({ ok: expect.stringContaining('rate limit') });
    const results = [await peer.tq.limited.delay(), await peer.tq.limited.delay()];
    // Whichever was received first runs now; the other is due a minute later.
    const first = await waitUntil(
      async () => {
        for (const result of results) if (await result.ready()) return result;
        throw new Error('neither ran yet');
      },
      { what: 'the first tq.limited task to run', timeoutMs: 30_000 },
    );
    expect(await first.state()).toBe('SUCCESS');
    const other = results.find((result) => result !== first);
    // A second is far longer than running a task that returns at once: only the limit holds it.
    await sleep(1000);
    expect(await other?.state()).toBe('PENDING');
  });
}

/**
 * `celery control shutdown -d <tq node>`: a warm shutdown of a tq worker of its own (the shared
 * one keeps serving the other scenarios): the task it is running finishes and is stored SUCCESS,
 * then the worker goes offline and `close()` resolves.
 */
export function celeryShutsDownTq(peer: MonitoringPeer): void {
  it('celery control shutdown: the tq worker finishes its running task, stores SUCCESS and closes', async () => {
    const queue = peer.extraQueue('shutdown');
    const worker = peer.app.worker({ queues: [queue], concurrency: 2, hostname: `tq-shutdown-${randomUUID().slice(0, 8)}@monitoring` });
    await worker.start();
    const gate = randomUUID();
    try {
      const result = await peer.tq.block.applyAsync([gate], { queue });
      await peer.whenRunning(gate);
      // A cold shutdown would go offline before the task is let go: record which came first.
      let released = false;
      const offline = once(worker.events, 'worker-offline', { signal: AbortSignal.timeout(30_000) }).then(() => ({
        releasedBefore: released,
      }));
      // Unlike Celery's worker (it raises before it can answer), tq's answers, then starts draining:
      // once the command has the reply, the shutdown is under way.
      expect(await peer.remote('control', 'shutdown', [], worker.hostname)).toEqual({ ok: expect.any(String) });
      released = true;
      peer.release(gate);
      expect(await offline).toEqual({ releasedBefore: true });
      await expect(worker.close()).resolves.toBeUndefined();
      expect(await result.get(GET)).toBe(gate);
      expect(await result.state()).toBe('SUCCESS');
    } finally {
      peer.release(gate);
      await worker.close({ timeoutMs: 5_000 });
    }
    expect(await peer.app.control.ping({ destination: [worker.hostname], timeoutMs: 500 })).toEqual([]);
  });
}

interface FlowerTask {
  uuid: string;
  name: string;
  state: string;
  worker: string;
  result: unknown;
  exception: string | null;
  traceback: string | null;
}

/**
 * Flower on the same broker: the tq worker online (from its heartbeats), its inspect replies on
 * Flower's worker page, and one task SUCCESS and one FAILURE with its traceback (from task events).
 */
export function flowerSeesTq(peer: MonitoringPeer): void {
  it('Flower: the tq worker is online', async () => {
    await waitUntil(
      async () => {
        const status = await peer.flower.get<Record<string, boolean>>('/api/workers?status=true');
        if (status[peer.worker.hostname] !== true) throw new Error(JSON.stringify(status));
      },
      { what: `Flower to list ${peer.worker.hostname} online`, timeoutMs: 30_000 },
    );
  });

  it('Flower: its worker page reads the tq worker’s stats, registered tasks, queues and conf', async () => {
    const node = peer.worker.hostname;
    const workers = await peer.flower.get<Record<string, Record<string, unknown>>>(
      `/api/workers?refresh=true&workername=${encodeURIComponent(node)}`,
    );
    expect(workers[node]).toMatchObject({
      stats: expect.objectContaining({ pid: process.pid }),
      registered: expect.arrayContaining(['tq.add', 'tq.fail']),
      active_queues: expect.arrayContaining([expect.objectContaining({ name: peer.tqQueue })]),
      conf: expect.any(Object),
      active: expect.any(Array),
    });
  });

  it('Flower: a tq task shows as SUCCESS with its result, another as FAILURE with its traceback', async () => {
    const node = peer.worker.hostname;
    // Events are not stored: wait until Flower hears this worker, so it hears the tasks too.
    await waitUntil(
      async () => {
        if ((await peer.flower.get<Record<string, boolean>>('/api/workers?status=true'))[node] !== true) throw new Error('offline');
      },
      { what: `Flower to list ${node} online`, timeoutMs: 30_000 },
    );
    const succeeded = await peer.tq.add.delay(2, 3);
    const failed = await peer.tq.fail.delay('seen by Flower');
    expect(await succeeded.get(GET)).toBe(5);
    await expect(failed.get(GET)).rejects.toThrow('seen by Flower');
    const info = (id: string, state: string) =>
      waitUntil(
        async () => {
          const task = await peer.flower.get<FlowerTask>(`/api/task/info/${id}`);
          if (task.state !== state) throw new Error(`state ${task.state}`);
          return task;
        },
        { what: `Flower to show ${id} as ${state}`, timeoutMs: 30_000 },
      );
    const [success, failure] = await Promise.all([info(succeeded.id, 'SUCCESS'), info(failed.id, 'FAILURE')]);
    expect(success).toMatchObject({ uuid: succeeded.id, name: 'tq.add', worker: node, result: '5' });
    expect(failure).toMatchObject({ uuid: failed.id, name: 'tq.fail', worker: node });
    expect(failure.exception).toContain('seen by Flower');
    // tq's JS stack, down to the task's own source file.
    expect(failure.traceback).toContain('Error: seen by Flower');
    expect(failure.traceback).toContain('monitoring-peer.ts');
    const listed = await peer.flower.get<Record<string, FlowerTask>>(`/api/tasks?workername=${encodeURIComponent(node)}`);
    expect(listed[succeeded.id]).toMatchObject({ state: 'SUCCESS' });
    expect(listed[failed.id]).toMatchObject({ state: 'FAILURE' });
  });
}
