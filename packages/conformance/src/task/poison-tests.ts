import { randomUUID } from 'node:crypto';
import { createTaskMessage, type TaskMessage, toEnvelope } from '@tq/core';
import { expect } from 'vitest';
import { eventually } from '../support/eventually.js';
import { waitUntil } from '../support/wait-until.js';
import type { ResolvedCapabilities, TaskConformanceConfig } from './task-conformance-config.js';
import { itIf, RESULT_TIMEOUT_MS, TaskKit, test } from './task-kit.js';

const get = { timeoutMs: RESULT_TIMEOUT_MS };

/** A worker on the kit's queue with `add`, and a check that it still runs tasks. */
async function pipeline(kit: TaskKit, options: { maxPayloadBytes?: number } = {}) {
  const add = kit.task('add', async (x: number, y: number) => x + y);
  const echo = kit.task('echo', async (text: string) => text.length);
  const worker = await kit.worker(options);
  const events = kit.record(worker);
  return {
    add,
    echo,
    events,
    /** The worker is still up and running tasks. */
    stillRuns: async () => expect(await (await add.delay(20, 22)).get(get)).toBe(42),
  };
}

/**
 * Messages a worker cannot run: it stays up, dead-letters them with the reason (where the broker
 * can), and stores FAILURE for a known id so callers do not hang.
 */
export function poisonTests(config: TaskConformanceConfig, caps: ResolvedCapabilities): void {
  const itRaw = itIf(caps.publishRaw !== undefined, 'raw injection (no publishRaw hook)');

  /** The dead letters of the kit's queue once `count` are there (checked only where the broker keeps them). */
  async function expectDeadLetters(kit: TaskKit, count: number): Promise<{ reason: string; raw: Uint8Array }[]> {
    const broker = await kit.app.broker();
    if (!caps.deadLetter) return [];
    expect(broker.capabilities.deadLetter).toBe(true);
    const read = () => broker.deadLetters?.(kit.queue) ?? Promise.resolve([]);
    const letters = await eventually(read, (all) => all.length >= count, `${count} dead letters`, RESULT_TIMEOUT_MS);
    expect(letters).toHaveLength(count);
    for (const letter of letters) expect(letter.queue).toBe(kit.queue);
    return letters;
  }

  test('unknown task name: dead-lettered naming the task; the caller gets NotRegistered', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { events, stillRuns } = await pipeline(kit);
    const id = randomUUID();
    const name = `tq.conformance.no-such-task-${id.slice(0, 8)}`;
    await (await kit.app.broker()).publish(kit.queue, createTaskMessage({ task: name, id, args: [1] }));
    await expect(kit.app.asyncResult(id).get(get)).rejects.toMatchObject({
      remoteType: 'NotRegistered',
      message: expect.stringContaining(name),
    });
    const [letter] = await expectDeadLetters(kit, 1);
    if (letter) expect(letter.reason).toContain(name);
    await waitUntil(() => events.some((e) => e.type === 'task-rejected' && e.id === id), 'the task-rejected event');
    await stillRuns();
  });

  test('wrong argument count or unknown keyword: dead-lettered; the caller gets the argument error', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { stillRuns } = await pipeline(kit);
    const broker = await kit.app.broker();
    const cases = [
      { args: [1, 2, 3], kwargs: {}, says: /at most 2/ },
      { args: [1], kwargs: {}, says: /at least 2/ },
      { args: [1], kwargs: { z: 2 }, says: /no parameter named 'z'/ },
    ];
    for (const { args, kwargs, says } of cases) {
      const id = randomUUID();
      await broker.publish(kit.queue, createTaskMessage({ task: 'add', id, args, kwargs }));
      const error = await kit.app
        .asyncResult(id)
        .get(get)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ remoteType: 'InvalidArgumentsError', message: expect.stringMatching(says) });
    }
    const letters = await expectDeadLetters(kit, cases.length);
    letters.forEach((letter, i) => {
      expect(letter.reason).toMatch(cases[i]?.says as RegExp);
    });
    // Celery kwargs bind by parameter name: this one is fine.
    const id = randomUUID();
    await broker.publish(kit.queue, createTaskMessage({ task: 'add', id, args: [2], kwargs: { y: 5 } }));
    expect(await kit.app.asyncResult(id).get(get)).toBe(7);
    await stillRuns();
  });

  test('oversize payload (worker maxPayloadBytes): dead-lettered with the sizes; the caller gets a FAILURE', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { echo, events, stillRuns } = await pipeline(kit, { maxPayloadBytes: 4096 });
    const r = await echo.delay('x'.repeat(10_000));
    const error = await r.get(get).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringContaining('maxPayloadBytes') });
    expect(await r.state()).toBe('FAILURE');
    const [letter] = await expectDeadLetters(kit, 1);
    if (letter) expect(letter.reason).toMatch(/4096/);
    expect(events.some((e) => e.type === 'task-started' && e.id === r.id)).toBe(false);
    expect(await (await echo.delay('small')).get(get)).toBe(5);
    await stillRuns();
  });

  const rawCases: { label: string; raw: () => Uint8Array | string }[] = [
    { label: 'undecodable bytes', raw: () => new Uint8Array([0xff, 0xfe, 0x00, 0x9f, 0x80]) },
    { label: 'invalid JSON', raw: () => '{"body": "W10=", "headers": {"task": ' },
    { label: 'a JSON value that is not a message', raw: () => '[1, 2, 3]' },
    {
      label: 'an envelope without a task header',
      raw: () => JSON.stringify({ body: 'W1tdLCB7fSwge31d', headers: { id: randomUUID() }, properties: { body_encoding: 'base64' } }),
    },
    {
      label: 'a body that is not [args, kwargs, embed]',
      raw: () =>
        JSON.stringify({
          body: Buffer.from('{"not": "a list"}').toString('base64'),
          'content-type': 'application/json',
          'content-encoding': 'utf-8',
          headers: { lang: 'py', task: 'add', id: randomUUID() },
          properties: { body_encoding: 'base64', delivery_tag: randomUUID() },
        }),
    },
  ];

  for (const { label, raw } of rawCases) {
    itRaw(`poison message (${label}): dead-lettered with a reason; the worker stays up`, async (context) => {
      const kit = await TaskKit.forTest(config, context);
      const { events, stillRuns } = await pipeline(kit);
      const bytes = raw();
      await caps.publishRaw?.(kit.app, kit.queue, bytes);
      await waitUntil(() => events.some((e) => e.type === 'task-rejected'), 'the task-rejected event');
      const reason = events.find((e) => e.type === 'task-rejected')?.payload.reason;
      expect(reason).toEqual(expect.any(String));
      expect(String(reason).length).toBeGreaterThan(5);
      const [letter] = await expectDeadLetters(kit, 1);
      if (letter) {
        expect(letter.reason).toBe(reason);
        expect(Buffer.from(letter.raw)).toEqual(Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes) : bytes));
      }
      await stillRuns();
    });
  }

  test('a task whose headers are readable but whose body is not: its caller gets a FAILURE, not a hang', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    const { stillRuns } = await pipeline(kit);
    const id = randomUUID();
    // As a producer with a broken encoder sends it, on any transport: the headers name `add` and
    // an id; the body is no [args, kwargs, embed].
    const message = createTaskMessage({ task: 'add', id, args: [] });
    message.body = { not: 'a list' } as unknown as TaskMessage['body'];
    await (await kit.app.broker()).transport.publish(kit.queue, message);
    await expect(kit.app.asyncResult(id).get(get)).rejects.toMatchObject({ message: expect.stringContaining(`Task ${id} (add)`) });
    await expectDeadLetters(kit, 1);
    await stillRuns();
  });

  itRaw('a raw kombu envelope of a known task runs like any other message', async (context) => {
    const kit = await TaskKit.forTest(config, context);
    // Only where the transport's messages ARE kombu's JSON envelope (Redis, SQS, ...); AMQP
    // carries the body alone, with the headers as AMQP properties. Read from a real delivery.
    if (!(await carriesEnvelopes(kit))) {
      context.skip("the transport's raw message is not a kombu JSON envelope");
      return;
    }
    await pipeline(kit);
    const id = randomUUID();
    await caps.publishRaw?.(kit.app, kit.queue, toEnvelope(createTaskMessage({ task: 'add', id, args: [3, 4] }), { queue: kit.queue }));
    expect(await kit.app.asyncResult(id).get(get)).toBe(7);
  });
}

/** Whether the raw bytes of the transport's deliveries are kombu's JSON envelope (one probe message on the kit's queue). */
async function carriesEnvelopes(kit: TaskKit): Promise<boolean> {
  const broker = await kit.app.broker();
  await broker.publish(kit.queue, createTaskMessage({ task: 'tq.conformance.probe', id: randomUUID() }));
  let raw: Uint8Array | undefined;
  const subscription = await broker.consume(
    [kit.queue],
    async (delivery) => {
      raw ??= delivery.raw;
      await delivery.ack();
    },
    { prefetch: 1 },
  );
  try {
    await waitUntil(() => raw !== undefined, 'the probe message');
  } finally {
    await subscription.close();
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw ?? []).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && 'headers' in parsed && 'properties' in parsed && 'body' in parsed;
  } catch {
    return false;
  }
}
