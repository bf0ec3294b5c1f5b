import { taskConformance } from '../../../conformance/src/index.js';
import { createApp } from '../../src/index.js';
taskConformance({
  name: 'bare',
  createApp: () => createApp({ broker: 'memory://bare', backend: 'memory://bare' }),
  capabilities: { delay: false, priority: false, deadLetter: false, broadcast: false, atomicCounters: false },
});
