import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';
import { selectedServices } from '../harness/selected-services.js';

// `pnpm test:chaos`, also part of `pnpm test`. A transport's chaos tests are `<transport>.chaos.test.ts`;
// TRANSPORTS=redis,kafka runs only those (as the integration project does).
const selected = selectedServices();

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'chaos',
    root: import.meta.dirname,
    include: selected.map((name) => `${name}.chaos.test.ts`),
    // The integration project's harness: one broker set for both projects in one run (see global-setup.ts).
    globalSetup: ['../harness/global-setup.ts'],
    // Workers are killed, brokers restarted, networks cut: one file at a time, with nothing else
    // running (the last group, with integration-alone; see integration/vitest.project.ts).
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    sequence: { groupOrder: 2 },
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
