import { taskConformance } from '@tq/conformance';
import { createApp, MemoryResultBackend } from '@tq/core';
import type { KafkaBroker } from '@tq/kafka';
import { deleteQueues, testBroker } from './kafka-support.js';

// Kafka is no result backend: results go to a memory backend shared by name, so every app of a
// test (producer and workers, all in this process) reads the same records, as with Redis.
taskConformance({
  name: 'kafka',
  createApp: () =>
    createApp({
      broker: testBroker(),
      backend: new MemoryResultBackend({ name: 'kafka-task-conformance' }),
    }),
  capabilities: {
    delay: true,
    priority: false,
    deadLetter: true,
    // No fan-out on Kafka: revoke reaches workers through the result backend, so it cannot terminate.
    broadcast: false,
    atomicCounters: true,
    publishRaw: async (app, queue, raw) => ((await app.broker()) as KafkaBroker).publishRaw(queue, raw),
  },
  cleanup: deleteQueues,
});
