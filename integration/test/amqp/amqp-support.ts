import { AmqpBroker, type AmqpBrokerConfig } from '@tq/amqp';
import { type Broker, defaultLogger, type Logger } from '@tq/core';
import { connect } from 'amqplib';
import { brokerUrl } from '../../harness/index.js';

/** The harness's RabbitMQ. A missing broker throws: in CI that is a failure, never a skip. */
export function amqpUrl(): string {
  return brokerUrl('amqp');
}

/** Everything tq may have declared for `queue`: the queue, its exchange, delay ladder and dead-letter queue. */
export async function deleteQueues(queues: readonly string[], levels = 32): Promise<void> {
  if (queues.length === 0) return;
  const connection = await connect(amqpUrl());
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) {
      await channel.deleteQueue(queue);
      await channel.deleteExchange(queue);
      await channel.deleteQueue(`tq.dead.${queue}`);
      for (let level = 0; level < levels; level++) await channel.deleteQueue(`tq.delay.${queue}.${level}`);
    }
    await channel.close();
  } finally {
    await connection.close();
  }
}

/** Bytes straight onto a queue (declared first exactly as tq declares it), for poison tests. */
export async function publishRaw(broker: Broker, queue: string, raw: Uint8Array | string): Promise<void> {
  await broker.size(queue);
  const connection = await connect(amqpUrl());
  try {
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(queue, Buffer.from(raw), { persistent: true });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** An AmqpBroker on the harness's RabbitMQ that logs nothing unless something is wrong. */
export function testBroker(config: Omit<AmqpBrokerConfig, 'url' | 'connection'> = {}): AmqpBroker {
  return new AmqpBroker({ url: amqpUrl(), logger: quietLogger, ...config });
}

/** The default pino logger at `error`: keeps reconnect chatter out of test output; errors still show. */
export const quietLogger: Logger = defaultLogger().child({}, { level: 'error' });
