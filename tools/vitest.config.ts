import { defineProject } from 'vitest/config';
import { sourceConditions } from '../vitest.shared.js';

// Repository tooling: generated docs are checked against the code here.
export default defineProject({
  ...sourceConditions,
  test: { name: 'tools', include: ['test/**/*.test.ts'] },
});
