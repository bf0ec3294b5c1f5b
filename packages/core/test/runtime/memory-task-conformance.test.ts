// Relative import: @tq/conformance depends on @tq/core, so core cannot list it as a dependency.
import { taskConformance } from '../../../conformance/src/index.js';
import { createApp } from '../../src/index.js';
import { MemoryBroker, MemoryResultBackend } from '../../src/memory/index.js';

// Every app of the suite shares one broker and one backend (by name), as a real server would.
taskConformance({
  name: 'memory',
  createApp: () =>
    createApp({
      broker: new MemoryBroker({ name: 'task-conformance', visibilityTimeoutMs: 2000 }),
      backend: new MemoryResultBackend({ name: 'task-conformance' }),
    }),
  capabilities: {
    publishRaw: async (app, queue, raw) => ((await app.broker()).transport as MemoryBroker).publishRaw(queue, raw),
  },
});
