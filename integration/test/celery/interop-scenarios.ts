/**
 * The scenarios of the live interop suite with Python Celery (issue 14), shared by the per-broker
 * files (redis/amqp/sqs.interop.test.ts). Each function registers one or more named `it`s on an
 * {@link InteropPeer}; a per-broker file calls those its broker and backend can do and says why
 * it leaves any out. "Python" is Celery 5.7 (integration/python/requirements.txt): its worker runs
 * the `py.*` tasks of tq_peer.py, its producer is tq_driver.py; the tq worker runs the `tq.*` tasks.
 */
import { randomUUID } from 'node:crypto';
import { chain, chord, group, RemoteTaskError, TaskRevokedError } from '@tq/core';
import { expect, it } from 'vitest';
import { startCeleryBeat } from '../../harness/index.js';
import { waitUntil } from '../../harness/wait-until.js';
import type { InteropPeer, ValueSeen } from './interop-peer.js';

const GET = { timeoutMs: 60_000 };

/** Python `send_task` → tq worker, and tq `delay()` → Celery worker, each sender reading its result. */
export function tasksBothWays(peer: InteropPeer): void {
  it('tasks: Python send_task → tq worker; Python reads the result', async () => {
    const { id } = await peer.pyApply(peer.tqNode('tq.add', [2, 3]));
    expect(await peer.pyGet(id)).toEqual({ value: 5 });
  });

  it('tasks: tq delay() → Celery worker; tq reads the result', async () => {
    const result = await peer.py.add.delay(2, 3);
    expect(await result.get(GET)).toBe(5);
  });

  it('tasks: a Celery task sends a tq task by name (send_task); the tq worker runs it as its child', async () => {
    const parent = await peer.py.callTq.delay('tq.record', [7, 'sent by a Celery task'], peer.tqQueue);
    const childId = await parent.get(GET);
    const [call] = await peer.recorded('sent by a Celery task');
    expect(call).toEqual({ label: 'sent by a Celery task', value: 7, parentId: parent.id });
    expect(childId).toEqual(expect.any(String));
  });

  it('tasks: a tq task sends a Celery task (delay); the Celery worker runs it as its child', async () => {
    const { id } = await peer.pyApply(peer.tqNode('tq.call_py', [2, 3]));
    const { value: childId } = await peer.pyGet<string>(id);
    // The child's result goes where its sender (the tq worker) asked: tq reads it (rpc:// too).
    const child = peer.app.asyncResult<number>(childId ?? 'missing');
    expect(await child.get(GET)).toBe(5);
    expect((await child.meta())?.parent_id).toBe(id);
  });
}

/** A result stored by one side's worker is read by the other side, which did not send the task (key-value backends). */
export function resultsReadByBoth(peer: InteropPeer): void {
  it('results: each side reads, by id, a result the other side stored for a task it did not send', async () => {
    const fromTq = await peer.tq.add.delay(20, 22);
    expect(await fromTq.get(GET)).toBe(42);
    expect(await peer.pyGet(fromTq.id)).toEqual({ value: 42 });
    const { id } = await peer.pyApply(peer.pyNode('py.add', [40, 2]));
    expect(await peer.pyGet(id)).toEqual({ value: 42 });
    expect(await peer.app.asyncResult(id).get(GET)).toBe(42);
  });
}

/** Failures cross with their type: Python's `get()` raises tq's error type; tq's `get()` rejects with Python's. */
export function errorsBothWays(peer: InteropPeer): void {
  it('errors: a tq task’s error reaches Python with its type name and message (custom and builtin types)', async () => {
    const custom = await peer.pyApply(peer.tqNode('tq.fail', ['custom', 'the tq side failed']));
    const builtin = await peer.pyApply(peer.tqNode('tq.fail', ['builtin', 'not a number']));
    // Python has no class for a tq error type: Celery makes one of that name in celery.exceptions.
    expect((await peer.pyGet(custom.id)).error).toMatchObject({
      type: 'InteropError',
      module: 'celery.exceptions',
      message: 'the tq side failed',
    });
    expect((await peer.pyGet(builtin.id)).error).toMatchObject({ type: 'TypeError', module: 'builtins', message: 'not a number' });
  });

  it('errors: a Python task’s error rejects tq’s get() with a RemoteTaskError carrying its type, module and traceback', async () => {
    const result = await peer.py.fail.delay('the Python side failed');
    const error = await result.get(GET).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect(error).toMatchObject({
      remoteType: 'PeerError',
      remoteModule: 'tq_peer',
      message: 'PeerError: the Python side failed',
      taskId: result.id,
    });
    expect((error as RemoteTaskError).remoteStack).toMatch(/Traceback[\s\S]*PeerError: the Python side failed/);
  });
}

/** Keyword arguments: Python's reach tq's parameters by name; tq's positional arguments fill Python's named ones. */
export function kwargsBothWays(peer: InteropPeer): void {
  it('kwargs: Python keyword arguments reach a tq task’s parameters by name', async () => {
    const { id } = await peer.pyApply(peer.tqNode('tq.kwargs', [1], { kwargs: { c: 3, b: 2 } }));
    expect(await peer.pyGet(id)).toEqual({ value: { a: 1, b: 2, c: 3 } });
  });

  it('kwargs: tq’s positional arguments fill a Python task’s named parameters; its defaults apply to the rest', async () => {
    const result = await peer.py.kwargs.delay(1, 5);
    expect(await result.get(GET)).toEqual({ a: 1, b: 5, c: 3 });
  });
}

/** Chains built on either side, each step handing over to the other side's worker. */
export function chainsBothWays(peer: InteropPeer): void {
  it('chain built in Python: tq → Python → tq steps; Python reads the last result', async () => {
    const { id } = await peer.pyApply({
      chain: [peer.tqNode('tq.add', [1, 2]), peer.pyNode('py.mul', [10]), peer.tqNode('tq.add', [5])],
    });
    expect(await peer.pyGet(id)).toEqual({ value: 35 });
  });

  it('chain built in tq: Python → tq → Python steps; tq reads the last result', async () => {
    const result = await chain(peer.py.add.s(1, 2), peer.tq.mul.s(10), peer.py.add.s(5)).delay();
    expect(await result.get(GET)).toBe(35);
  });
}

/** Chords built on either side with header members on both sides; the body runs on the other side. */
export function chordsBothWays(peer: InteropPeer): void {
  it('chord built in Python: tq and Python header members, tq body gets the results in header order', async () => {
    const { id } = await peer.pyApply({
      chord: [peer.tqNode('tq.double', [1]), peer.pyNode('py.double', [2]), peer.tqNode('tq.double', [3])],
      body: peer.tqNode('tq.collect'),
    });
    expect(await peer.pyGet(id)).toEqual({ value: [2, 4, 6] });
  });

  it('chord built in tq: tq and Python header members, Python body gets the results in header order', async () => {
    const result = await chord([peer.tq.double.s(1), peer.py.double.s(2), peer.tq.double.s(3)], peer.py.collect.s()).delay();
    expect(await result.get(GET)).toEqual([2, 4, 6]);
  });
}

/**
 * Issue 14's regression: Celery writes a chord's size key only just before it sends the last
 * header member, so most tq members finish before it exists; each must be counted, not failed.
 */
export function largePythonChord(peer: InteropPeer, members = 1000): void {
  it(`large chord built in Python: ${members} tq members then 1 Python member; the tq body runs once with every result`, {
    timeout: 240_000,
  }, async () => {
    const header = Array.from({ length: members }, (_, i) => peer.tqNode('tq.double', [i]));
    const { id } = await peer.pyApply({
      chord: [...header, peer.pyNode('py.double', [members])],
      body: peer.tqNode('tq.tsum'),
    });
    const expected = members * (members + 1);
    expect(await peer.pyGet(id, 180)).toEqual({ value: expected });
    expect(await peer.app.asyncResult(id).get(GET)).toBe(expected);
  });
}

/** Countdown and eta from Python: the tq worker runs the task no earlier. */
export function countdownToTq(peer: InteropPeer): void {
  it('countdown and eta: Python → tq worker, run no earlier than asked', async () => {
    const sentAt = Date.now();
    const countdown = await peer.pyApply(peer.tqNode('tq.stamp', [], { options: { countdown: 1 } }));
    const eta = await peer.pyApply(peer.tqNode('tq.stamp', [], { options: { eta: new Date(sentAt + 1500).toISOString() } }));
    const ranAt = [(await peer.pyGet<number>(countdown.id)).value, (await peer.pyGet<number>(eta.id)).value];
    expect(ranAt[0]).toBeGreaterThanOrEqual(sentAt + 950);
    expect(ranAt[1]).toBeGreaterThanOrEqual(sentAt + 1450);
  });
}

/** Countdown and eta from tq: the Celery worker runs the task no earlier. */
export function countdownToCelery(peer: InteropPeer): void {
  it('countdown and eta: tq → Celery worker, run no earlier than asked', async () => {
    const sentAt = Date.now();
    const countdown = await peer.py.stamp.applyAsync([], { countdownMs: 1000 });
    const eta = await peer.py.stamp.applyAsync([], { eta: new Date(sentAt + 1500) });
    expect(await countdown.get(GET)).toBeGreaterThanOrEqual(sentAt + 950);
    expect(await eta.get(GET)).toBeGreaterThanOrEqual(sentAt + 1450);
  });
}

/** Retries through the broker on either side, called from the other. */
export function retriesBothWays(peer: InteropPeer): void {
  it('retries: a tq task called from Python retries twice through the broker, then succeeds', async () => {
    const { id } = await peer.pyApply(peer.tqNode('tq.flaky', [2]));
    expect(await peer.pyGet(id)).toEqual({ value: 2 });
  });

  it('retries: a Python task called from tq retries twice through the broker, then succeeds', async () => {
    const result = await peer.py.flaky.delay(2);
    expect(await result.get(GET)).toBe(2);
  });
}

/**
 * Priorities on Redis, where kombu runs priority 0 first and tq runs 9 first (tq stores its
 * priority p as kombu's 9 - p): each side's order holds for messages the other side sent.
 */
export function redisPriorities(peer: InteropPeer): void {
  it('priorities: Python’s Redis priorities (0 first) run on tq in Celery’s order', async () => {
    const queue = peer.extraQueue('prio-py');
    for (const priority of [9, 0, 6, 3]) {
      await peer.pyApply({ task: 'tq.record', args: [priority, 'priority'], queue, options: { priority } });
    }
    // A second tq worker, one message at a time, starts once all four wait.
    const worker = peer.app.worker({ queues: [queue], concurrency: 1, prefetchMultiplier: 1 });
    await worker.start();
    try {
      const order = (await peer.recorded('priority', 4)).map((call) => call.value);
      expect(order).toEqual([0, 3, 6, 9]);
    } finally {
      await worker.close({ timeoutMs: 10_000 });
    }
  });

  it('priorities: tq’s priorities (9 first) reach a Python consumer highest first', async () => {
    const queue = peer.extraQueue('prio-tq');
    const sent = new Map<number, string>();
    for (const priority of [0, 9, 3, 6]) sent.set(priority, (await peer.py.add.applyAsync([1, 1], { queue, priority })).id);
    // kombu's Redis channel, as a Python worker receives: its default priority steps are kombu 0, 3, 6, 9.
    const { ids } = await peer.driver.request<{ ids: string[] }>('drain', { queue, count: 4, timeout: 20 });
    expect(ids).toEqual([9, 6, 3, 0].map((priority) => sent.get(priority)));
  });
}

/**
 * Revoke crossing (needs broadcast: Celery's remote control): Python revokes a task that waits for
 * its eta on tq; tq revokes a task before the Celery worker consumes it (independent of how tq delays).
 */
export function revokeBothWays(peer: InteropPeer): void {
  it('revoke: Python revokes a task sent to the tq worker with an eta; Python’s get() raises TaskRevokedError, it never runs', async () => {
    const { id } = await peer.pyApply(peer.tqNode('tq.record', ['revoked by Python', 'revoke'], { options: { countdown: 2 } }));
    await peer.driver.request('revoke', { id });
    expect((await peer.pyGet(id)).error).toMatchObject({ type: 'TaskRevokedError' });
    // Discarded at once if it arrived after the revoke, else when its eta came: either way, gone.
    const broker = await peer.app.broker();
    await waitUntil(
      async () => {
        if ((await broker.size(peer.tqQueue)) > 0) throw new Error('still queued');
      },
      { what: `the revoked task to leave ${peer.tqQueue}`, timeoutMs: 30_000 },
    );
    expect(peer.records.calls.map((call) => call.value)).not.toContain('revoked by Python');
  });

  it('revoke: tq revokes a task before the Celery worker consumes it; the worker discards it', async () => {
    const queue = peer.extraQueue('revoke');
    const result = await peer.py.stamp.applyAsync([], { queue });
    await result.revoke();
    // tq stored REVOKED itself; the Celery worker, told to consume the queue now, must not run it.
    await peer.addCeleryConsumer(queue);
    await expect(result.get(GET)).rejects.toBeInstanceOf(TaskRevokedError);
    await waitUntil(
      async () => {
        if (!peer.celery.log().includes(`Discarding revoked task: py.stamp[${result.id}]`)) throw new Error('not discarded yet');
      },
      { what: `the Celery worker to discard revoked task ${result.id}`, timeoutMs: 30_000 },
    );
    expect(await result.state()).toBe('REVOKED');
  });
}

/**
 * A call whose `expires` passes before it runs is discarded as REVOKED ("expired") by the other
 * side's worker. Python's call waits for its eta on tq. tq's waits either for an eta (`eta`), or,
 * where tq's delays stay out of a Celery worker's sight (Redis, see redis.interop.test.ts), in a
 * queue the Celery worker is told to consume once it expired (`queue`; not on RabbitMQ, where the
 * `expiration` property Celery and tq set makes the broker drop it first).
 */
export function expiresBothWays(peer: InteropPeer, tqCallWaits: 'eta' | 'queue'): void {
  it('expires: a Python call that expires before its eta is discarded by the tq worker as REVOKED (expired)', async () => {
    const { id } = await peer.pyApply(
      peer.tqNode('tq.record', ['expired from Python', 'expires'], { options: { countdown: 1.5, expires: 0.5 } }),
    );
    const outcome = await peer.pyGet(id);
    expect(outcome.error).toMatchObject({ type: 'TaskRevokedError', message: 'expired' });
    expect(peer.records.calls.map((call) => call.value)).not.toContain('expired from Python');
  });

  it(`expires: a tq call that expires before it runs (waiting ${tqCallWaits === 'eta' ? 'for its eta' : 'in its queue'}) is discarded by the Celery worker as REVOKED (expired)`, async () => {
    if (tqCallWaits === 'eta') {
      const result = await peer.py.stamp.applyAsync([], { countdownMs: 1500, expires: 500 });
      await expect(result.get(GET)).rejects.toMatchObject({ reason: 'expired' });
      return;
    }
    const queue = peer.extraQueue('expires');
    const expires = new Date(Date.now() + 300);
    const result = await peer.py.stamp.applyAsync([], { queue, expires });
    await waitUntil(
      async () => {
        if (Date.now() <= expires.getTime()) throw new Error('not expired yet');
      },
      { what: 'the call to expire', intervalMs: 50 },
    );
    await peer.addCeleryConsumer(queue);
    await expect(result.get(GET)).rejects.toMatchObject({ reason: 'expired' });
  });
}

/** Groups with members on both sides: the sender reads the group's results in order. */
export function groupsBothWays(peer: InteropPeer): void {
  it('group built in Python with tq and Python members: Python reads the results in order', async () => {
    const { id, children } = await peer.pyApply({
      group: [peer.tqNode('tq.add', [1, 1]), peer.pyNode('py.add', [2, 2]), peer.tqNode('tq.add', [3, 3])],
    });
    expect(children).toHaveLength(3);
    expect(await peer.pyGet(id)).toEqual({ value: [2, 4, 6] });
  });

  it('group built in tq with tq and Python members: tq reads the results in order', async () => {
    const result = await group(peer.tq.add.s(1, 1), peer.py.add.s(2, 2), peer.tq.add.s(3, 3)).delay();
    expect(await result.get(GET)).toEqual([2, 4, 6]);
  });
}

/** `GroupResult.save()` on one side, restored on the other (key-value backends). */
export function savedGroupsBothWays(peer: InteropPeer): void {
  it('saved groups: tq restores a group Python saved, and Python a group tq saved', async () => {
    const fromPython = await peer.pyApply({ group: [peer.tqNode('tq.add', [1, 1]), peer.pyNode('py.add', [2, 2])] });
    await peer.driver.request('save_group', { id: fromPython.id, ids: fromPython.children });
    const restored = await peer.app.groupResult<[number, number]>(fromPython.id);
    expect(restored?.results.map((member) => member.id)).toEqual(fromPython.children);
    expect(await restored?.get(GET)).toEqual([2, 4]);

    const fromTq = await group(peer.tq.add.s(3, 3), peer.py.add.s(4, 4)).delay();
    await fromTq.save();
    const inPython = await peer.driver.request<{ ids: string[]; value?: unknown }>('restore_group', { id: fromTq.id, timeout: 60 });
    expect(inPython.ids).toEqual(fromTq.results.map((member) => member.id));
    expect(inPython.value).toEqual([6, 8]);
  });
}

/** `link` and `link_error` whose callbacks run on the other side's worker. */
export function linksBothWays(peer: InteropPeer): void {
  it('link and link_error from tq: the callback and the errback run on the Celery worker', async () => {
    const callbackId = randomUUID();
    const errbackId = randomUUID();
    const succeeded = await peer.tq.add
      .s(1, 2)
      .link(peer.py.mul.s(10).set({ taskId: callbackId }))
      .delay();
    const failed = await peer.tq.fail
      .s('custom', 'for the errback')
      .linkError(peer.py.errback.s().set({ taskId: errbackId }))
      .delay();
    expect(await succeeded.get(GET)).toBe(3);
    expect(await peer.app.asyncResult(callbackId).get(GET)).toBe(30);
    await expect(failed.get(GET)).rejects.toBeInstanceOf(RemoteTaskError);
    expect(await peer.app.asyncResult(errbackId).get(GET)).toEqual({ failed: failed.id });
  });

  it('link and link_error from Python: the callback and the errback run on the tq worker', async () => {
    const succeeded = await peer.pyApply(peer.pyNode('py.add', [1, 2], { link: peer.tqNode('tq.record', ['linked']) }));
    const failed = await peer.pyApply(peer.pyNode('py.fail', ['for the errback'], { link_error: peer.tqNode('tq.errback') }));
    expect(await peer.pyGet(succeeded.id)).toEqual({ value: 3 });
    expect((await peer.pyGet(failed.id)).error).toMatchObject({ type: 'PeerError' });
    expect((await peer.recorded('linked')).map((call) => call.value)).toEqual([3]);
    expect((await peer.recorded('errback')).map((call) => call.value)).toEqual([failed.id]);
  });
}

/** Python's `celery beat` schedules a task that the tq worker runs. */
export function beatToTq(peer: InteropPeer): void {
  it('celery beat: a task scheduled every second by Python’s beat runs on the tq worker', async () => {
    const beat = await startCeleryBeat({
      app: 'tq_peer',
      name: `beat-${peer.tqQueue}`,
      env: { ...peer.pythonEnv, TQ_PEER_BEAT_TASK: 'tq.tick', TQ_PEER_BEAT_QUEUE: peer.tqQueue, TQ_PEER_BEAT_SECONDS: '1' },
    });
    try {
      await waitUntil(
        async () => {
          if (peer.records.ticks.length < 3) throw new Error(`${peer.records.ticks.length} of 3 ticks ran`);
        },
        { what: 'three ticks of celery beat to run on tq', timeoutMs: 30_000, intervalMs: 50 },
      );
    } finally {
      await beat.stop();
    }
    expect(beat.log()).toContain('Scheduler: Sending due task interop-tick (tq.tick)');
  });
}

/**
 * Values beyond JSON (issue 14): what tq receives for Python's datetime, date, Decimal, UUID and
 * bytes, and what Python receives for a tq Date. Today kombu's tagged values arrive as their text;
 * the assertions hold for that and for richer decoding (a Date, a Buffer) alike: nothing is lost.
 */
export function valuesBothWays(peer: InteropPeer): void {
  it('values: Python datetime, date, Decimal, UUID and bytes reach a tq task without loss', async () => {
    const { id, sent } = await peer.driver.request<{ id: string; sent: Record<string, string> }>('send_values', {
      task: 'tq.echo_types',
      queue: peer.tqQueue,
    });
    const outcome = await peer.pyGet<ValueSeen[]>(id);
    expect(outcome.error).toBeUndefined();
    const [datetime, date, decimal, uuid, text, binary] = outcome.value ?? [];
    // Today each arrives as the exact text kombu tagged it with; a Date must be the same instant
    // (to the millisecond: JS dates have no microseconds).
    if (datetime?.type === 'string') expect(datetime.text).toBe(sent.datetime);
    else expect(datetime).toEqual({ type: 'Date', text: new Date(sent.datetime as string).toISOString() });
    if (date?.type === 'string') expect(date.text).toBe(sent.date);
    else expect(date?.text.slice(0, 10)).toBe(sent.date);
    expect(decimal).toEqual({ type: 'string', text: sent.decimal });
    expect(uuid).toEqual({ type: 'string', text: sent.uuid });
    // UTF-8 bytes: kombu tags them as their text; other bytes as base64, which tq turns into a Buffer.
    expect(text?.type === 'string' ? Buffer.from(text.text).toString('hex') : text?.text).toBe(sent.bytes);
    expect(binary).toEqual({ type: 'Buffer', text: sent.binary });
  });

  it('values: a tq Date reaches Python as the same instant', async () => {
    const moment = new Date('2024-02-29T13:45:30.123Z');
    const result = await peer.py.echoTypes.delay(moment);
    const [received] = (await result.get(GET)).args;
    expect(new Date(received?.text ?? '').getTime()).toBe(moment.getTime());
  });
}
