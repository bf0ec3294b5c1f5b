/**
 * Makes every package resolve its workspace dependencies to their TypeScript source
 * (the `@tq/source` export condition), so tests never need a build first.
 */
export const sourceConditions = {
  resolve: { conditions: ['@tq/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@tq/source', 'module', 'node', 'import', 'default'], externalConditions: ['@tq/source'] } },
};
