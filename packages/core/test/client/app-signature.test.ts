import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/index.js';

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe('app.signature: a call by name, for tools that replay a recorded call', () => {
  it('sends a task this app does not define, kwargs placed by parameter name, to the queue given', async () => {
    const url = `memory://app-signature-${randomUUID()}`;
    const tool = createApp({ broker: url, backend: url });
    const owner = createApp({ broker: url, backend: url });
    apps.push(tool, owner);
    owner.task('owner.greet', { queue: 'owner' }, (greeting: string, name: string) => `${greeting}, ${name}`);
    const worker = owner.worker({ queues: ['owner'] });
    await worker.start();
    try {
      const sent = await tool
        .signature('owner.greet', ['hello'], { name: 'Ada' })
        .applyAsync([], { queue: 'owner', headers: { retried_from: 'x' } });
      expect(await sent.get({ timeoutMs: 5000 })).toBe('hello, Ada');
      expect(tool.getTask('owner.greet')).toBeUndefined();
    } finally {
      await worker.close();
    }
  });

  it('is immutable and carries exactly the arguments given', () => {
    const app = createApp({ broker: 'memory://' });
    apps.push(app);
    const signature = app.signature('any.task', [1, 'two'], { three: 3 });
    expect(signature.toJSON()).toMatchObject({ task: 'any.task', args: [1, 'two'], kwargs: { three: 3 }, immutable: true });
  });
});
