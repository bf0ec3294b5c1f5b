import { defineProject } from 'vitest/config';

// Like ../../vitest.shared.ts (workspace packages resolve to their TypeScript source) but without
// the `module` condition: it makes Node load @aws-sdk's bundler-only `dist-es` build, which fails.
const conditions = ['@tq/source', 'node', 'import', 'default'];
process.env.TQ_LOG_LEVEL ??= 'silent';

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@tq/source'] } },
  test: { name: '@tq/sqs', include: ['test/**/*.test.ts'] },
});
