import { MemoryBroker } from '@tq/core';
import { metricsConformance } from '../src/index.js';

// The shared metrics scenario on memory://; each real broker runs it under integration/.
metricsConformance({ name: 'memory', createBroker: () => new MemoryBroker(), messagingSystem: 'memory' });
