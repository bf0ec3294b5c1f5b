import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { brokerAvailable, brokerRestartable, brokerUrl, restartBroker } from '../../harness/index.js';

async function getOne(url: string, queue: string): Promise<string | undefined> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    for (let attempt = 0; attempt < 20; attempt++) {
      const message = await channel.get(queue, { noAck: true });
      if (message) return message.content.toString();
      await sleep(100);
    }
    return undefined;
  } finally {
    await connection.close();
  }
}

describe.skipIf(!brokerAvailable('amqp'))('amqp smoke', () => {
  it('round-trips a message through a queue', async () => {
    const url = brokerUrl('amqp');
    const queue = `smoke.${randomUUID()}`;
    const connection = await connect(url);
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { exclusive: true });
    const received = new Promise<string>((resolve) => {
      void channel.consume(queue, (message) => {
        if (message) {
          channel.ack(message);
          resolve(message.content.toString());
        }
      });
    });
    channel.sendToQueue(queue, Buffer.from('hello'));
    expect(await received).toBe('hello');
    await connection.close();
  });

  it.skipIf(!brokerRestartable('amqp'))('keeps a durable queue and persistent message across a restart', async () => {
    const url = brokerUrl('amqp');
    const queue = `smoke.${randomUUID()}`;
    const connection = await connect(url);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    channel.sendToQueue(queue, Buffer.from('kept'), { persistent: true });
    await channel.waitForConfirms();
    await connection.close();

    await restartBroker('amqp');

    expect(await getOne(url, queue)).toBe('kept');
    const cleanup = await connect(url);
    await (await cleanup.createChannel()).deleteQueue(queue);
    await cleanup.close();
  });
});
