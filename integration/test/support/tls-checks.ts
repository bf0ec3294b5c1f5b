import type { App, Broker } from '@tq/core';
import { expect } from 'vitest';

/** How long `connect()` takes to fail, and with what (the broker is closed after). */
export async function failedConnect(broker: Broker): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await broker.connect().catch((e: unknown) => e);
  const ms = performance.now() - started;
  await broker.close();
  return { error, ms };
}

/**
 * Two `add` calls from `client` run by a worker of `worker` (both apps set up over TLS by the
 * caller) come back as 5 and 42. The worker is closed at the end; the apps are the caller's.
 */
export async function roundTripOverTls(client: App, worker: App, queue: string, timeoutMs: number): Promise<void> {
  const add = client.task('add', (a: number, b: number) => a + b);
  worker.task('add', (a: number, b: number) => a + b);
  const running = worker.worker({ queues: [queue], concurrency: 2 });
  await running.start();
  try {
    const results = await Promise.all([add.delay(2, 3), add.delay(40, 2)]);
    expect(await Promise.all(results.map((r) => r.get({ timeoutMs })))).toEqual([5, 42]);
  } finally {
    await running.close();
  }
}
