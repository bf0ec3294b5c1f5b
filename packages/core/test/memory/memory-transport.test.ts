import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TqError } from '../../src/errors/index.js';
import { defaultLogger } from '../../src/index.js';
import { MemoryBroker, MemoryResultBackend, memoryTransport } from '../../src/memory/index.js';
import { createTaskMessage } from '../../src/protocol/index.js';
import type { Broker, ResultBackend } from '../../src/spec/index.js';

const context = { logger: defaultLogger() };

const open: (Broker | ResultBackend)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

async function broker(url: string): Promise<Broker> {
  const created = memoryTransport.createBroker?.(new URL(url), context) as Broker;
  open.push(created);
  await created.connect();
  return created;
}

async function backend(url: string): Promise<ResultBackend> {
  const created = memoryTransport.createResultBackend?.(new URL(url), context) as ResultBackend;
  open.push(created);
  await created.connect();
  return created;
}

const message = () => createTaskMessage({ task: 'memory.test', id: randomUUID() });
const meta = (taskId: string) => ({ status: 'SUCCESS', result: 1, traceback: null, children: [], date_done: null, task_id: taskId });

describe('memoryTransport', () => {
  it('serves the memory scheme with both factories, building without connecting', () => {
    expect(memoryTransport.schemes).toEqual(['memory']);
    expect(memoryTransport.createBroker?.(new URL('memory://'), context)).toBeInstanceOf(MemoryBroker);
    expect(memoryTransport.createResultBackend?.(new URL('memory://'), context)).toBeInstanceOf(MemoryResultBackend);
  });

  it('memory://<name> shares queues and records within the process', async () => {
    const name = `shared-${randomUUID().slice(0, 8)}`;
    const [producer, worker] = [await broker(`memory://${name}`), await broker(`memory://${name}`)];
    await producer.publish('q', message());
    expect(await worker.size('q')).toBe(1);

    const [writer, reader] = [await backend(`memory://${name}`), await backend(`memory://${name}`)];
    await writer.set('t', meta('t'));
    expect(await reader.get('t')).toEqual(meta('t'));
  });

  it('memory:// is private per app, and different names do not mix', async () => {
    const [one, two] = [await broker('memory://'), await broker('memory://')];
    await one.publish('q', message());
    expect(await two.size('q')).toBe(0);
    const [a, b] = [await broker(`memory://a-${randomUUID()}`), await broker(`memory://b-${randomUUID()}`)];
    await a.publish('q', message());
    expect(await b.size('q')).toBe(0);

    const [x, y] = [await backend('memory://'), await backend('memory://')];
    await x.set('t', meta('t'));
    expect(await y.get('t')).toBeUndefined();
  });

  it('closing one app leaves the other working on the shared queues (delays included)', async () => {
    const name = `shared-${randomUUID().slice(0, 8)}`;
    const [producer, worker] = [await broker(`memory://${name}`), await broker(`memory://${name}`)];
    await producer.publish('q', message(), { delayMs: 30 });
    await producer.close();
    const received: string[] = [];
    await worker.consume(
      ['q'],
      async (d) => {
        received.push(d.message?.headers.id ?? '?');
        await d.ack();
      },
      { prefetch: 1 },
    );
    await expect.poll(() => received, { timeout: 2000 }).toHaveLength(1);
  });

  it('reads settings from the query string and rejects bad ones', () => {
    const tuned = memoryTransport.createBroker?.(new URL('memory://?visibilityTimeoutMs=250&maxMessageBytes=1024'), context);
    expect(tuned?.capabilities.maxMessageBytes).toBe(1024);
    const bad = () => memoryTransport.createBroker?.(new URL('memory://?visibilityTimeoutMs=soon'), context);
    expect(bad).toThrow(/visibilityTimeoutMs/);
    try {
      bad();
    } catch (error) {
      expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
    }
    expect(() => memoryTransport.createResultBackend?.(new URL('memory://?expiresMs=-1'), context)).toThrow(/expiresMs/);
  });
});
