import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@aws-sdk/client-sqs';
import type { Delivery } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { type ConsumerContext, SqsConsumer } from '../src/sqs-consumer.js';
import type { SqsDelivery } from '../src/sqs-delivery.js';
import type { QueueInfo } from '../src/sqs-queues.js';

/** An in-memory stand-in for one SQS queue: receive takes from the front, release puts back in front. */
function fakeSqs(messages: Message[]) {
  const waiting = [...messages];
  const requested: number[] = [];
  const released: string[] = [];
  const deleted: string[] = [];
  let inFlightReceives = 0;
  let maxConcurrentReceives = 0;
  const context: ConsumerContext = {
    maxDelayMs: 900_000,
    url: async () => 'url',
    forgetUrl: () => {},
    receive: async (_url, _queue, max) => {
      requested.push(max);
      inFlightReceives++;
      maxConcurrentReceives = Math.max(maxConcurrentReceives, inFlightReceives);
      await sleep(2);
      inFlightReceives--;
      return waiting.splice(0, max);
    },
    release: async (_url, handles) => {
      released.push(...handles);
      const back = handles.map((h) => messages.find((m) => m.ReceiptHandle === h) as Message);
      waiting.unshift(...back);
    },
    deleteMessage: async (_url, handle) => {
      deleted.push(handle);
    },
    changeVisibility: async (_url, handle, seconds) => {
      if (seconds === 0) await context.release('url', [handle]);
    },
    resend: async () => {},
    deadLetter: async () => {},
    onError: (error) => {
      throw error;
    },
  };
  return { context, requested, released, deleted, maxConcurrentReceives: () => maxConcurrentReceives };
}

function message(n: number, group?: string): Message {
  return {
    MessageId: `m${n}`,
    ReceiptHandle: `h${n}`,
    Body: String(n),
    Attributes: { ApproximateReceiveCount: '1', ...(group ? { MessageGroupId: group } : {}) },
  };
}

const standard: QueueInfo = { name: 'q', sqsName: 'q', fifo: false, visibilitySeconds: 30 };
const fifo: QueueInfo = { name: 'q', sqsName: 'q.fifo', fifo: true, visibilitySeconds: 30 };

describe('SqsConsumer', () => {
  it('never has more than prefetch handlers, asks for full batches under a backlog, never for 0', async () => {
    const sqs = fakeSqs(Array.from({ length: 200 }, (_, n) => message(n)));
    let running = 0;
    let peak = 0;
    let done = 0;
    const consumer = new SqsConsumer(sqs.context, {
      queues: [standard],
      prefetch: 40,
      waitTimeSeconds: 1,
      maxReceivesPerQueue: undefined,
      onClose: () => {},
      handler: async (delivery) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(1 + (done % 3));
        await delivery.ack();
        running--;
        done++;
      },
    });
    consumer.start();
    while (done < 200) await sleep(5);
    await consumer.close();
    await consumer.finished;
    expect(peak).toBeLessThanOrEqual(40);
    expect(sqs.deleted).toHaveLength(200);
    expect(Math.min(...sqs.requested)).toBeGreaterThan(0);
    // Everything the backlog held came in batches of 10; only the polls after it ran dry were smaller.
    const whileBacklogged = sqs.requested.slice(0, 20);
    expect(whileBacklogged.every((n) => n === 10)).toBe(true);
    expect(sqs.maxConcurrentReceives()).toBeLessThanOrEqual(4);
  });

  it('with no backlog a small prefetch takes what fits (the next message does not wait for a full batch)', async () => {
    const sqs = fakeSqs([message(1)]);
    const seen: Delivery[] = [];
    const consumer = new SqsConsumer(sqs.context, {
      queues: [standard],
      prefetch: 4,
      waitTimeSeconds: 1,
      maxReceivesPerQueue: undefined,
      onClose: () => {},
      handler: async (delivery) => {
        seen.push(delivery);
        await sleep(1000); // holds its slot
      },
    });
    consumer.start();
    // Checked while the handler holds its slot (1 s), however slowly the polls come.
    await expect.poll(() => seen.length > 0 && sqs.requested.length > 1, { timeout: 900, interval: 5 }).toBe(true);
    expect(seen).toHaveLength(1);
    // Room for 3 more, not 4: it polls again instead of waiting for the handler.
    expect(sqs.requested.slice(1).every((n) => n === 3)).toBe(true);
    await consumer.close();
  });

  it('FIFO: one message per group at the handler, in order; a requeue sends the rest of its group back with it', async () => {
    const sqs = fakeSqs([message(1, 'a'), message(2, 'a'), message(3, 'b'), message(4, 'a')]);
    const order: string[] = [];
    let requeued = false;
    const consumer = new SqsConsumer(sqs.context, {
      queues: [fifo],
      prefetch: 10,
      waitTimeSeconds: 1,
      maxReceivesPerQueue: 1,
      onClose: () => {},
      handler: async (received) => {
        const delivery = received as SqsDelivery;
        order.push(delivery.receiptHandle);
        await sleep(5);
        if (delivery.receiptHandle === 'h2' && !requeued) {
          requeued = true;
          await delivery.nack();
          return;
        }
        await delivery.ack();
      },
    });
    consumer.start();
    while (sqs.deleted.length < 4) await sleep(5);
    await consumer.close();
    const groupA = order.filter((h) => h !== 'h3');
    expect(groupA).toEqual(['h1', 'h2', 'h2', 'h4']);
    // h4 went back in the same breath as h2, so SQS can hand them out in order again.
    expect(sqs.released.slice(0, 2).sort()).toEqual(['h2', 'h4']);
  });

  it('close() hands nothing more out and releases what a poll brings afterwards', async () => {
    const sqs = fakeSqs(Array.from({ length: 5 }, (_, n) => message(n)));
    const seen: Delivery[] = [];
    const consumer = new SqsConsumer(sqs.context, {
      queues: [standard],
      prefetch: 1,
      waitTimeSeconds: 1,
      maxReceivesPerQueue: undefined,
      onClose: () => {},
      handler: async (delivery) => {
        seen.push(delivery);
      },
    });
    consumer.start();
    await consumer.close();
    await consumer.finished;
    await sleep(20);
    expect(seen).toHaveLength(0);
    expect(sqs.released).toHaveLength(sqs.requested.length > 0 ? 1 : 0);
  });
});
