import { defineProject } from 'vitest/config';
import { sourceConditions } from '../vitest.shared.js';
import { selectedServices } from './harness/selected-services.js';
import { serviceNames } from './harness/service-names.js';

// TRANSPORTS=redis,sqs: tests of other transports are not even collected. A transport's
// tests live in files or folders named after it: test/**/<name>.test.ts, <name>.*.test.ts, <name>/.
const selected = selectedServices();
const unselected = serviceNames.filter((name) => !selected.includes(name));

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'integration',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    exclude: unselected.flatMap((name) => [`test/**/${name}.test.ts`, `test/**/${name}.*.test.ts`, `test/**/${name}/**`]),
    globalSetup: ['./harness/global-setup.ts'],
    // One broker set is shared by all files, and a test may restart a broker under everyone's
    // feet: run files one at a time (also kind to 2 cores already busy with the brokers).
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
