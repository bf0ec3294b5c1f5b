/**
 * Import rules for packages/<name>/src, checked by `pnpm test` (`pnpm deps` runs them alone).
 * docs/architecture.md explains them. Type-only imports count: `tsPreCompilationDeps` is on, because an
 * `import type` that points up a layer couples the layers as much as a value import does (and the
 * emitted .d.ts files keep it), even though it vanishes from the JavaScript.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
const TRANSPORTS = '(amqp|kafka|redis|sqs)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles between modules of any package, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-core-folders',
      comment: "No import cycles between core's folders (spec, protocol, task, canvas, worker, client, ...).",
      severity: 'error',
      scope: 'folder',
      from: { path: '^packages/core/src/[^/]+$' },
      to: { path: '^packages/core/src/[^/]+$', circular: true },
    },
    {
      name: 'worker-not-client',
      comment: 'The worker depends on WorkerHost and TaskRegistry, never on App: nothing in worker/ reaches client/.',
      severity: 'error',
      from: { path: '^packages/core/src/worker/' },
      to: { path: '^packages/core/src/client/', reachable: true },
    },
    {
      name: 'spec-at-the-bottom',
      comment: 'spec/ is the contract transports implement: it imports only errors/ (and spec/) from core.',
      severity: 'error',
      from: { path: '^packages/core/src/spec/' },
      to: { path: '^packages/core/src/', pathNot: '^packages/core/src/(spec|errors)/' },
    },
    {
      name: 'core-imports-no-package',
      comment: 'Core knows no other workspace package (transports are found by URL scheme at run time).',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { path: '^packages/', pathNot: '^packages/core/' },
    },
    {
      name: 'transports-not-each-other',
      comment: 'A transport imports no other transport, nor the cli or conformance packages.',
      severity: 'error',
      from: { path: `^packages/${TRANSPORTS}/src/` },
      to: { path: `^packages/(${TRANSPORTS.slice(1, -1)}|cli|conformance)/`, pathNot: '^packages/$1/' },
    },
    {
      name: 'transports-through-core-entry',
      comment: "Transports import core only as '@tq/core' (its public entry), never its files.",
      severity: 'error',
      from: { path: `^packages/${TRANSPORTS}/src/` },
      to: { path: '^packages/core/', pathNot: '^packages/core/src/index\\.ts$' },
    },
  ],
  options: {
    includeOnly: '^packages/[^/]+/src/',
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // Workspace packages resolve to their TypeScript source, like the tests (vitest.shared.ts).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@tq/source', 'import', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
