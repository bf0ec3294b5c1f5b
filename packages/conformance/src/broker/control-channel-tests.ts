import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlaneMessage } from '@tq/core';
import { expect } from 'vitest';
import { testIf } from '../support/test-if.js';
import { uniqueName } from '../support/unique-name.js';
import { waitUntil } from '../support/wait-until.js';
import type { BrokerConformanceConfig } from './broker-conformance-config.js';
import { BrokerKit } from './broker-kit.js';

/** How long a request or reply may take to arrive: far above what a healthy transport needs, for a loaded machine. */
const ARRIVAL_MS = 15_000;
/** How long to wait before concluding that nothing more arrives. */
const QUIET_MS = 300;
/** Per-test timeout. */
const TEST_TIMEOUT_MS = 45_000;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** A plane message whose body is `value` as JSON. */
function plane(value: Record<string, unknown>, headers: Record<string, unknown>): PlaneMessage {
  return { body: utf8.encode(JSON.stringify(value)), headers };
}

function bodyOf(message: PlaneMessage): Record<string, unknown> {
  return JSON.parse(utf8Decoder.decode(message.body)) as Record<string, unknown>;
}

/**
 * The remote-control channel as a transport moves it (`Broker.control`): requests fan out to every
 * listening node, on every connection, until it stops; replies reach the mailbox they are sent
 * to, and only while it is open; nothing of a mailbox outlives its time to live. Bodies and
 * headers arrive as sent. Every test tags its messages, so tests and runs sharing a broker do not
 * see each other's traffic.
 */
export function controlChannelTests(config: BrokerConformanceConfig): void {
  const test = testIf(config.capabilities.broadcast, 'capabilities.broadcast');

  test(
    'a request reaches every listening node, on every connection, with its body and headers, until the node stops',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const [one, two] = [await kit.broker(), await kit.broker()];
      const tag = uniqueName('control');
      const heard: [string, PlaneMessage][] = [];
      const listen = (who: string) => (request: PlaneMessage) => {
        if (bodyOf(request).tag === tag) heard.push([who, request]);
      };
      const stopOne = await one.control?.listen(`one-${tag}@test`, listen('one'));
      const stopTwo = await two.control?.listen(`two-${tag}@test`, listen('two'));
      const expires = Date.now() / 1000 + 60.5;
      await one.control?.broadcast(plane({ method: 'ping', tag }, { clock: 7, expires }));
      await waitUntil(() => heard.length === 2, 'both nodes', ARRIVAL_MS);
      expect(heard.map(([who]) => who).sort()).toEqual(['one', 'two']);
      for (const [, request] of heard) {
        expect(bodyOf(request)).toEqual({ method: 'ping', tag });
        expect(Number(request.headers.clock)).toBe(7);
        expect(Number(request.headers.expires)).toBeCloseTo(expires, 3);
      }

      await stopTwo?.();
      await two.control?.broadcast(plane({ method: 'ping', tag, round: 2 }, { clock: 8, expires: 0 }));
      await waitUntil(() => heard.length === 3, 'the node still listening', ARRIVAL_MS);
      await sleep(QUIET_MS);
      expect(heard.map(([who]) => who).slice(2)).toEqual(['one']);
      await stopOne?.();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a mailbox receives the replies sent to it from any connection, with their headers',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const [caller, node, other] = [await kit.broker(), await kit.broker(), await kit.broker()];
      const id = randomUUID();
      const replies: PlaneMessage[] = [];
      const close = await caller.control?.openMailbox(id, 30_000, (reply) => replies.push(reply));
      await node.control?.reply(id, plane({ 'a@test': { ok: 'pong' } }, { ticket: 't-1', clock: 3 }));
      await other.control?.reply(id, plane({ 'b@test': { ok: 'pong' } }, { ticket: 't-1', clock: 4 }));
      await waitUntil(() => replies.length === 2, 'both replies', ARRIVAL_MS);
      const bodies = replies.map(bodyOf);
      expect(bodies).toEqual(expect.arrayContaining([{ 'a@test': { ok: 'pong' } }, { 'b@test': { ok: 'pong' } }]));
      for (const reply of replies) expect(reply.headers.ticket).toBe('t-1');
      expect(replies.map((r) => Number(r.headers.clock)).sort()).toEqual([3, 4]);
      await close?.();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a reply to an unknown or closed mailbox is dropped without error, and a reopened mailbox starts empty',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      const [caller, node] = [await kit.broker(), await kit.broker()];
      await expect(node.control?.reply(randomUUID(), plane({ 'a@test': 1 }, { ticket: 't', clock: 1 }))).resolves.toBeUndefined();

      const id = randomUUID();
      const first: PlaneMessage[] = [];
      const close = await caller.control?.openMailbox(id, 30_000, (reply) => first.push(reply));
      await close?.();
      await expect(node.control?.reply(id, plane({ 'late@test': 1 }, { ticket: 't', clock: 2 }))).resolves.toBeUndefined();

      // Opened again under the same id: the reply sent while it was closed must not be there.
      const second: PlaneMessage[] = [];
      const closeAgain = await caller.control?.openMailbox(id, 30_000, (reply) => second.push(reply));
      await node.control?.reply(id, plane({ 'fresh@test': 1 }, { ticket: 't', clock: 3 }));
      await waitUntil(() => second.length >= 1, 'the reply to the reopened mailbox', ARRIVAL_MS);
      await sleep(QUIET_MS);
      expect(second.map(bodyOf)).toEqual([{ 'fresh@test': 1 }]);
      expect(first).toEqual([]);
      await closeAgain?.();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a mailbox whose caller died disappears with what it held once its time to live is over',
    async (context) => {
      const kit = BrokerKit.forTest(config, context);
      // The caller dies: its connection goes without closing the mailbox.
      const dying = await kit.bare();
      const node = await kit.broker();
      const id = randomUUID();
      const ttlMs = 500;
      await dying.control?.openMailbox(id, ttlMs, () => {});
      await dying.close({ force: true });
      await node.control?.reply(id, plane({ 'orphan@test': 1 }, { ticket: 't', clock: 1 }));
      // Well past the time to live, for brokers that expire lazily and a loaded machine.
      await sleep(ttlMs + 2500);

      const caller = await kit.broker();
      const replies: PlaneMessage[] = [];
      const close = await caller.control?.openMailbox(id, 30_000, (reply) => replies.push(reply));
      await node.control?.reply(id, plane({ 'fresh@test': 1 }, { ticket: 't', clock: 2 }));
      await waitUntil(() => replies.length >= 1, 'the reply to the new mailbox', ARRIVAL_MS);
      await sleep(QUIET_MS);
      expect(replies.map(bodyOf)).toEqual([{ 'fresh@test': 1 }]);
      await close?.();
    },
    TEST_TIMEOUT_MS,
  );
}
