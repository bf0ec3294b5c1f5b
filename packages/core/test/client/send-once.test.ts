import { describe, expect, it } from 'vitest';
import { createApp, TqError, type UnsupportedCapabilityError } from '../../src/index.js';

describe('applyAsync({ deduplicate: true }) refuses what it cannot do, before anything is sent', () => {
  it('without a taskId: a configuration error saying the id is what is deduplicated', async () => {
    const app = createApp({ broker: 'memory://', backend: 'memory://' });
    const sent: string[] = [];
    app.events.on('task-sent', (event) => sent.push(event.id));
    const work = app.task('work', async () => 'ran');
    try {
      const error = await work.applyAsync([], { deduplicate: true }).catch((e: unknown) => e);
      expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
      expect((error as Error).message).toMatch(/^applyAsync\(\{ deduplicate: true \}\) for work needs a taskId: /);
      expect(sent).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('without a result backend: UnsupportedCapabilityError naming what to use', async () => {
    const app = createApp({ broker: 'memory://' });
    const sent: string[] = [];
    app.events.on('task-sent', (event) => sent.push(event.id));
    const work = app.task('work', async () => 'ran');
    try {
      const error = await work.applyAsync([], { taskId: 'order-1', deduplicate: true }).catch((e: unknown) => e);
      expect(TqError.is(error, 'TQ_UNSUPPORTED_CAPABILITY')).toBe(true);
      expect((error as UnsupportedCapabilityError).capability).toBe('claims');
      expect((error as Error).message).toBe(
        'applyAsync({ deduplicate: true }) needs a result backend that claims task ids atomically, and this app has none. Use redis:// (or memory:// in one process) as the result backend; the broker can stay what it is.',
      );
      expect(sent).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
