import { randomUUID } from 'node:crypto';
import { type App, createApp, createTaskMessage, currentTask, SIGNATURE_HEADER, type SigningConfig } from '@tq/core';
import { expect } from 'vitest';
import { eventually } from '../support/eventually.js';
import { waitUntil } from '../support/wait-until.js';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';

/** Two HMAC secrets of a rotation: `k1` still in flight, `k2` current. Test keys, not secrets. */
const OLD_KEY = 'tq-conformance-signing-key-one-0123456789';
const NEW_KEY = 'tq-conformance-signing-key-two-0123456789';

/**
 * Message signing over the transport: the `tq_signature` header survives the trip, so signed
 * messages run (including a retry the worker re-signs, and a message signed with the older key of
 * a rotation), and forged or unsigned ones are dead-lettered with the reason and never run.
 */
export function signingTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  /** An app on the kit's broker that signs with `signing` (closed with the kit). */
  async function appOn(kit: TaskKit, signing?: SigningConfig): Promise<App> {
    const app = createApp({ broker: await kit.app.broker(), logger: kit.app.logger, ...(signing ? { signing } : {}) });
    kit.adopt(app);
    return app;
  }

  /** A worker that accepts `k1` and `k2`, signs with `k2`, and requires signatures; records every run. */
  async function signedWorker(kit: TaskKit) {
    const app = await appOn(kit, { sign: { keyId: 'k2', key: NEW_KEY }, verify: { k1: OLD_KEY, k2: NEW_KEY }, require: true });
    const ran: string[] = [];
    let failedOnce = false;
    app.task('add', { queue: kit.queue }, async (x: number, y: number) => {
      ran.push(`add ${x} ${y}`);
      return x + y;
    });
    app.task('flaky', { queue: kit.queue, retry: { max: 1, baseMs: 0, jitter: false } }, async () => {
      ran.push('flaky');
      if (!failedOnce) {
        failedOnce = true;
        throw new Error('first attempt fails');
      }
      return 'second attempt';
    });
    const worker = await kit.worker({}, app);
    return { ran, events: kit.record(worker) };
  }

  /** Sends `task` through `app`'s broker (signed when the app signs); returns the message's id. */
  async function send(app: App, kit: TaskKit, task: string, args: unknown[]): Promise<string> {
    const id = randomUUID();
    await (await app.broker()).publish(kit.queue, createTaskMessage({ task, id, args }));
    return id;
  }

  /** The reasons the worker rejected messages with, once there are `count`; checks the dead letters where the broker keeps them. */
  async function rejections(kit: TaskKit, events: { type: string; payload: Record<string, unknown> }[], count: number) {
    await waitUntil(() => events.filter((e) => e.type === 'task-rejected').length >= count, `${count} rejections`, RESULT_TIMEOUT_MS);
    const reasons = events.filter((e) => e.type === 'task-rejected').map((e) => String(e.payload.reason));
    if (caps.deadLetter) {
      const broker = await kit.app.broker();
      const read = () => broker.deadLetters?.(kit.queue) ?? Promise.resolve([]);
      const letters = await eventually(read, (all) => all.length >= count, `${count} dead letters`, RESULT_TIMEOUT_MS);
      expect(letters.map((l) => l.reason).sort()).toEqual([...reasons].sort());
    }
    return reasons;
  }

  test('signed messages run, a key still in rotation is accepted, and a retry is re-signed', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { ran, events } = await signedWorker(kit);
    const current = await appOn(kit, { sign: { keyId: 'k2', key: NEW_KEY } });
    const previous = await appOn(kit, { sign: { keyId: 'k1', key: OLD_KEY } });
    await send(current, kit, 'add', [1, 2]);
    await send(previous, kit, 'add', [3, 4]);
    // Sent under k1; its retry changes the signed `retries` header, so it runs again only if the worker re-signed it.
    await send(previous, kit, 'flaky', []);
    await waitUntil(() => ran.length === 4, 'two adds and two flaky attempts', RESULT_TIMEOUT_MS);
    expect(ran.sort()).toEqual(['add 1 2', 'add 3 4', 'flaky', 'flaky']);
    expect(events.filter((e) => e.type === 'task-rejected')).toEqual([]);
    // Emitted once the retry is confirmed sent, which can be after it already ran.
    await waitUntil(() => events.some((e) => e.type === 'task-retried'), 'the task-retried event', RESULT_TIMEOUT_MS);
    expect(events.filter((e) => e.type === 'task-retried')).toHaveLength(1);
  });

  test('forged messages are dead-lettered with the reason and never run', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { ran, events } = await signedWorker(kit);
    const forger = await appOn(kit, { sign: { keyId: 'k1', key: 'not-the-real-key-but-long-enough-0123456789' } });
    const stranger = await appOn(kit, { sign: { keyId: 'k9', key: NEW_KEY } });
    await send(forger, kit, 'add', [5, 5]);
    await send(stranger, kit, 'add', [6, 6]);
    const reasons = await rejections(kit, events, 2);
    expect(reasons.sort()).toEqual([
      'signature does not verify with key k1',
      'signed with key "k9", which this worker does not accept (signing.verify has k1, k2)',
    ]);
    // The worker still runs what is signed properly.
    await send(await appOn(kit, { sign: { keyId: 'k2', key: NEW_KEY } }), kit, 'add', [7, 7]);
    await waitUntil(() => ran.length === 1, 'the signed task', RESULT_TIMEOUT_MS);
    expect(ran).toEqual(['add 7 7']);
  });

  test('unsigned messages are dead-lettered where signing is required', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { ran, events } = await signedWorker(kit);
    const id = await send(await appOn(kit), kit, 'add', [8, 8]);
    const [reason] = await rejections(kit, events, 1);
    expect(reason).toBe('unsigned message; this worker requires signed messages (signing.require)');
    expect(events.find((e) => e.type === 'task-rejected')?.id).toBe(id);
    expect(ran).toEqual([]);
  });

  test(`the ${SIGNATURE_HEADER} header arrives as sent; a worker without signing config runs the message as any other`, async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const signer = await appOn(kit, { sign: { keyId: 'k2', key: NEW_KEY } });
    const reader = await appOn(kit);
    const received: unknown[] = [];
    reader.task('add', { queue: kit.queue }, async () => received.push(currentTask().headers[SIGNATURE_HEADER]));
    await kit.worker({}, reader);
    const message = createTaskMessage({ task: 'add', id: randomUUID(), args: [] });
    await (await signer.broker()).publish(kit.queue, message);
    const sent = message.headers[SIGNATURE_HEADER];
    expect(sent).toMatch(/^k2:[A-Za-z0-9+/]+=*$/);
    await waitUntil(() => received.length === 1, 'the task', RESULT_TIMEOUT_MS);
    expect(received).toEqual([sent]);
  });
}
