import { defineConfig } from 'vitest/config';
import { LongFilesFirst } from './tools/long-files-first.js';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'integration/vitest.config.ts',
      'integration/vitest.alone.config.ts',
      'integration/chaos/vitest.config.ts',
      'tools/vitest.config.ts',
    ],
    sequence: { sequencer: LongFilesFirst },
    reporters: ['default', './tools/summary-reporter.ts', './integration/chaos/chaos-reporter.ts'],
  },
});
