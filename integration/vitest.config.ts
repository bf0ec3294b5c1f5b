import { defineProject } from 'vitest/config';
import { selectedServices } from './harness/selected-services.js';
import { serviceNames } from './harness/service-names.js';

// TRANSPORTS=redis,sqs: tests of other transports are not even collected. A transport's
// tests live in files or folders named after it: test/**/<name>.test.ts, <name>.*.test.ts, <name>/.
const selected = selectedServices();
const unselected = serviceNames.filter((name) => !selected.includes(name));

// Like ../vitest.shared.ts (workspace packages resolve to their TypeScript source) but without
// the `module` condition: it makes Node load @aws-sdk's bundler-only `dist-es` build, which fails.
const conditions = ['@tq/source', 'node', 'import', 'default'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@tq/source'] } },
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
