/**
 * Makes every package resolve its workspace dependencies to their TypeScript source
 * (the `@tq/source` export condition), so tests never need a build first.
 * No `module` condition: it makes Node load @aws-sdk's bundler-only `dist-es` build, which fails.
 */
export const sourceConditions = {
  resolve: { conditions: ['@tq/source', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@tq/source', 'node', 'import', 'default'], externalConditions: ['@tq/source'] } },
};

// Tests assert on events and results; worker logs would only bury the failures. Test workers
// inherit this process's environment. Set TQ_LOG_LEVEL=debug to see them.
process.env.TQ_LOG_LEVEL ??= 'silent';
