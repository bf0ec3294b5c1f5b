import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { brokerAvailable, brokerUrl } from '../../harness/index.js';

describe.skipIf(!brokerAvailable('kafka'))('kafka smoke', () => {
  it('round-trips a message through a pre-created topic with a consumer group', async () => {
    const kafka = new Kafka({ clientId: 'tq-smoke', brokers: brokerUrl('kafka').split(','), logLevel: logLevel.WARN });
    const topic = `smoke-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    // kafkajs cannot subscribe to a topic KRaft has not created yet (kafkajs #1563): create it first.
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    await producer.send({ topic, messages: [{ key: 'k', value: 'hello' }] });
    expect(await received).toBe('hello');

    await Promise.all([producer.disconnect(), consumer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });
});
