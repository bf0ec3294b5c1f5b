// Relative import: @tq/conformance depends on @tq/core, so core cannot list it as a dependency.
import { transportConformance } from '../../../conformance/src/index.js';
import { MemoryBroker, MemoryResultBackend } from '../../src/memory/index.js';

// memory+memory: one shared name, so every broker and backend the suites make reach the same
// queues and records, as a real server would.
transportConformance({
  name: 'memory',
  createBroker: ({ visibilityTimeoutMs }) => new MemoryBroker({ name: 'conformance', visibilityTimeoutMs }),
  createBackend: () => new MemoryResultBackend({ name: 'conformance' }),
  publishRaw: (broker, queue, raw) => (broker as MemoryBroker).publishRaw(queue, raw),
});
