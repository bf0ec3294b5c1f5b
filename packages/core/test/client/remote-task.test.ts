import { afterEach, describe, expect, it } from 'vitest';
import { type App, ConfigurationError, chain, createApp } from '../../src/index.js';

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** Two services in one process: `caller` only declares `other.add`; `owner` defines and runs it. */
function services(name: string) {
  const url = `memory://remote-task-${name}`;
  const caller = createApp({ broker: url, backend: url });
  const owner = createApp({ broker: url, backend: url });
  apps.push(caller, owner);
  const add = caller.remoteTask<[x: number, y: number], number>('other.add', { queue: 'other' });
  owner.task('other.add', { queue: 'other' }, (x: number, y: number) => x + y);
  return { caller, owner, add };
}

describe('app.remoteTask: a task declared here and run by another service’s workers', () => {
  it('is sent to its queue and its result comes back typed, alone and in a chain', async () => {
    const { caller, owner, add } = services('run');
    const double = caller.task('double', { queue: 'local' }, (n: number) => n * 2);
    const workers = [owner.worker({ queues: ['other'] }), caller.worker({ queues: ['local'] })];
    await Promise.all(workers.map((w) => w.start()));
    try {
      const sum: number = await (await add.delay(2, 3)).get({ timeoutMs: 5000 });
      expect(sum).toBe(5);
      expect(await (await chain(add.s(1, 1), double.s()).delay()).get({ timeoutMs: 5000 })).toBe(4);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });

  it('is not run by the declaring app’s workers: they reject it as unknown', async () => {
    const { caller, add } = services('unknown');
    expect(caller.getTask('other.add')).toBeUndefined();
    expect(caller.taskNames()).not.toContain('other.add');
    const worker = caller.worker({ queues: ['other'] });
    await worker.start();
    try {
      await expect((await add.delay(1, 2)).get({ timeoutMs: 5000 })).rejects.toMatchObject({ remoteType: 'NotRegistered' });
    } finally {
      await worker.close();
    }
  });

  it('shares the task namespace: a name is declared once, local or remote', () => {
    const { caller } = services('names');
    expect(() => caller.task('other.add', () => 1)).toThrow(ConfigurationError);
    expect(() => caller.remoteTask('other.add')).toThrow(/already defined/);
  });

  it('checks argument types at compile time', () => {
    const { add } = services('types');
    // @ts-expect-error a string where the declaration says number
    const wrong = () => add.delay('2', 3);
    expect(typeof wrong).toBe('function');
  });
});
