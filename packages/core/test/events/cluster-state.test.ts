import { describe, expect, it } from 'vitest';
import { type CeleryEvent, ClusterState } from '../../src/index.js';

/** A clock the test moves: ClusterState reads time only through it. */
function clock(startMs = 1_800_000_000_000) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
    seconds: () => nowMs / 1000,
  };
}

function event(type: string, fields: Record<string, unknown>, at: number, hostname = 'w1@host'): CeleryEvent {
  return { type, hostname, timestamp: at, utcoffset: 0, pid: 42, clock: 1, local_received: at, ...fields };
}

const heartbeat = (at: number, hostname = 'w1@host', extra: Record<string, unknown> = {}) =>
  event(
    'worker-heartbeat',
    { freq: 2, active: 1, processed: 7, loadavg: [0.5, 0.4, 0.3], sw_ident: 'tq', sw_ver: '0.1.0', sw_sys: 'Linux', ...extra },
    at,
    hostname,
  );

describe('ClusterState', () => {
  it('a worker is alive until freq * 2 after its last heartbeat, and gone at once on worker-offline', () => {
    const time = clock();
    const state = new ClusterState({ now: time.now });
    state.apply(event('worker-online', { freq: 2 }, time.seconds()));
    state.apply(heartbeat(time.seconds(), 'w2@host'));
    expect(state.aliveWorkers().map((w) => w.hostname)).toEqual(['w1@host', 'w2@host']);
    expect(state.workers()[1]).toMatchObject({
      active: 1,
      processed: 7,
      loadavg: [0.5, 0.4, 0.3],
      swIdent: 'tq',
      swVer: '0.1.0',
      swSys: 'Linux',
      pid: 42,
    });

    time.advance(3_900);
    state.apply(heartbeat(time.seconds()));
    time.advance(200);
    // w2 last heard 4.1 s ago with freq 2: expired; w1 heard 0.2 s ago.
    expect(state.aliveWorkers().map((w) => w.hostname)).toEqual(['w1@host']);
    expect(state.workers().map((w) => [w.hostname, w.alive])).toEqual([
      ['w1@host', true],
      ['w2@host', false],
    ]);

    state.apply(event('worker-offline', {}, time.seconds()));
    expect(state.aliveWorkers()).toEqual([]);
    expect(state.workers()[0]?.lastHeartbeat).toBeUndefined();
  });

  it('follows a task through its events, keeping what each one carries', () => {
    const time = clock();
    const state = new ClusterState({ now: time.now });
    const t = time.seconds();
    state.apply(event('task-received', { uuid: 'a', name: 'tasks.add', args: '(2, 3)', kwargs: '{}', retries: 0 }, t));
    expect(state.activeTasks().map((task) => [task.uuid, task.state])).toEqual([['a', 'RECEIVED']]);
    state.apply(event('task-started', { uuid: 'a' }, t + 0.1));
    expect(state.task('a')).toMatchObject({ state: 'STARTED', name: 'tasks.add', hostname: 'w1@host', received: t, started: t + 0.1 });
    state.apply(event('task-succeeded', { uuid: 'a', result: '5', runtime: 0.2 }, t + 0.3));
    expect(state.task('a')).toMatchObject({ state: 'SUCCESS', result: '5', runtime: 0.2, args: '(2, 3)', updated: t + 0.3 });
    expect(state.activeTasks()).toEqual([]);
    expect(state.task('unknown')).toBeUndefined();
  });

  it('a late event of an earlier state does not move a task back (Celery precedence), a retry does', () => {
    const state = new ClusterState();
    state.apply(event('task-started', { uuid: 'a' }, 10));
    // The client's task-sent arrives after the worker's events: fields merge, state stays.
    state.apply(event('task-sent', { uuid: 'a', name: 'tasks.add' }, 9, 'gen1@client'));
    expect(state.task('a')).toMatchObject({ state: 'STARTED', name: 'tasks.add', hostname: 'w1@host' });
    state.apply(event('task-failed', { uuid: 'a', exception: "ValueError('x')", traceback: 'tb' }, 11));
    state.apply(event('task-started', { uuid: 'a' }, 10.5));
    expect(state.task('a')?.state).toBe('FAILURE');

    state.apply(event('task-started', { uuid: 'b' }, 10));
    state.apply(event('task-retried', { uuid: 'b', exception: "Retry('x')" }, 11));
    state.apply(event('task-received', { uuid: 'b', retries: 1 }, 12));
    expect(state.task('b')).toMatchObject({ state: 'RECEIVED', retries: 1 });
  });

  it('lists the latest failures first, at most `limit`', () => {
    const state = new ClusterState();
    for (const [i, uuid] of ['a', 'b', 'c'].entries()) {
      state.apply(event('task-failed', { uuid, exception: `Error('${uuid}')`, traceback: '' }, 100 + i));
    }
    state.apply(event('task-succeeded', { uuid: 'd', result: '1' }, 200));
    expect(state.recentFailures(2).map((task) => [task.uuid, task.exception])).toEqual([
      ['c', "Error('c')"],
      ['b', "Error('b')"],
    ]);
  });

  it('counts task events per second over the rate window', () => {
    const time = clock();
    const state = new ClusterState({ now: time.now, rateWindowMs: 10_000 });
    for (let i = 0; i < 30; i++) state.apply(event('task-succeeded', { uuid: `s${i}` }, time.seconds()));
    for (let i = 0; i < 10; i++) state.apply(event('task-failed', { uuid: `f${i}` }, time.seconds()));
    state.apply(event('task-received', { uuid: 'r' }, time.seconds()));
    expect(state.rates()).toEqual({ received: 0.1, succeeded: 3, failed: 1, retried: 0 });
    time.advance(11_000);
    expect(state.rates()).toEqual({ received: 0, succeeded: 0, failed: 0, retried: 0 });
  });

  it('forgets the oldest tasks past maxTasks, and ignores events it cannot place', () => {
    const state = new ClusterState({ maxTasks: 2 });
    for (const uuid of ['a', 'b', 'c']) state.apply(event('task-received', { uuid }, 1));
    expect(['a', 'b', 'c'].map((uuid) => state.task(uuid) !== undefined)).toEqual([false, true, true]);
    state.apply(event('task-started', {}, 1));
    state.apply(event('something-else', { uuid: 'z' }, 1));
    expect(state.task('z')).toBeUndefined();
    expect(state.workers()).toEqual([]);
  });
});
