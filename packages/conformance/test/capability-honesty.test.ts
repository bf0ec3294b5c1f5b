import { MemoryResultBackend } from '@tq/core';
import { transportConformance } from '../src/index.js';
import { LimitedBroker } from './limited-broker.js';

// Every suite against a transport that declares little: what it does not declare shows up as
// skipped (never failed, never omitted), and the always-on tests must not lean on extras. The task
// suite pairs it with memory results (memory's own suites run in @tq/core).
transportConformance({
  name: 'memory-limited',
  createBroker: () => new LimitedBroker('conformance-limited'),
  pairWith: [{ name: 'memory', createBackend: () => new MemoryResultBackend({ name: 'conformance-limited' }) }],
});
