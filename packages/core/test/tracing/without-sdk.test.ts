import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp, MemoryBroker, MemoryResultBackend } from '../../src/index.js';
import { nextMessage } from './next-message.js';

// No SDK is registered in this file: tracing is on (the default) but every call is the API's no-op.
let app: App | undefined;
afterEach(() => app?.close());

describe('tracing without an SDK', () => {
  it('sends messages without trace headers and runs tasks with no active span', async () => {
    app = createApp({ broker: new MemoryBroker(), backend: new MemoryResultBackend() });
    const spanInTask = app.task('span-in-task', async () => trace.getActiveSpan() === undefined);
    await spanInTask.delay();
    const { headers } = await nextMessage(app);
    expect(Object.keys(headers).filter((k) => /trace|baggage/.test(k))).toEqual([]);

    const worker = app.worker({ queues: ['celery'] });
    await worker.start();
    expect(await (await spanInTask.delay()).get({ timeoutMs: 5000 })).toBe(true);
    await worker.close();
  });
});
