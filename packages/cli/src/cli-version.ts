import { readFileSync } from 'node:fs';
import { CORE_VERSION } from '@tq/core';

/**
 * What `tq --version` prints: this package's version, read at run time from its package.json (one level
 * above both `src/` and `dist/`, so it is right in the monorepo and in an installed package), with the
 * `@tq/core` the CLI runs with and Node's, the three facts a bug report needs.
 */
export function cliVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `@tq/cli ${version} (@tq/core ${CORE_VERSION}, Node ${process.version})`;
}
