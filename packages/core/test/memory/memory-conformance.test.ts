// Relative import: @tq/conformance depends on @tq/core, so core cannot list it as a dependency.
import { backendConformance, brokerConformance } from '../../../conformance/src/index.js';
import { MemoryBroker, MemoryResultBackend } from '../../src/memory/index.js';

// One shared name: the suite's brokers and backends must reach the same storage.
brokerConformance({
  name: 'memory',
  capabilities: new MemoryBroker().capabilities,
  createBroker: ({ visibilityTimeoutMs }) => new MemoryBroker({ name: 'conformance', visibilityTimeoutMs }),
  publishRaw: (broker, queue, raw) => (broker as MemoryBroker).publishRaw(queue, raw),
});

backendConformance({
  name: 'memory',
  capabilities: new MemoryResultBackend().capabilities,
  createBackend: () => new MemoryResultBackend({ name: 'conformance' }),
});
