import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'integration/vitest.config.ts',
      'integration/chaos/vitest.config.ts',
      'tools/vitest.config.ts',
    ],
    reporters: ['default', './tools/summary-reporter.ts', './integration/chaos/chaos-reporter.ts'],
  },
});
