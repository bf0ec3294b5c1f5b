import { brokerConformance } from '../src/index.js';
import { LIMITED_CAPABILITIES, LimitedBroker } from './limited-broker.js';

// The suite against a transport that declares little: undeclared capabilities show up as skipped.
brokerConformance({
  name: 'memory-limited',
  capabilities: LIMITED_CAPABILITIES,
  createBroker: () => new LimitedBroker('conformance-limited'),
});
