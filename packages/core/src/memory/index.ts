export { MemoryBroker, type MemoryBrokerConfig } from './memory-broker.js';
export { MemoryResultBackend, type MemoryResultBackendConfig } from './memory-result-backend.js';
export { memoryTransport } from './memory-transport.js';
