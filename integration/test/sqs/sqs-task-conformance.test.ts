import { taskConformance } from '@tq/conformance';
import { createApp, MemoryResultBackend } from '@tq/core';
import type { SqsBroker } from '@tq/sqs';
import { deleteQueues, testBroker } from './sqs-test-support.js';

// SQS is no result backend: results go to a memory backend shared by name, so every app of a test
// (producer and workers, all in this process) reads the same records, as they would with Redis.
for (const fifo of [false, true]) {
  const name = fifo ? 'sqs-fifo' : 'sqs';
  taskConformance({
    name,
    createApp: () =>
      createApp({
        broker: testBroker({ fifo, visibilityTimeoutMs: 10_000 }),
        backend: new MemoryResultBackend({ name: `${name}-task-conformance` }),
      }),
    capabilities: {
      // FIFO queues cannot delay single messages; standard ones round delays up to whole seconds.
      delay: !fifo,
      priority: false,
      deadLetter: true,
      // No fan-out on SQS: revoke reaches workers through the result backend, so it cannot terminate.
      broadcast: false,
      atomicCounters: true,
      publishRaw: async (app, queue, raw) => ((await app.broker()) as SqsBroker).publishRaw(queue, raw),
    },
    cleanup: (queues) => deleteQueues(queues, { fifo }),
  });
}
