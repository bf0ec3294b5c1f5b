import { createRequire } from 'node:module';

/**
 * The version of `@tq/core`, sent as `sw_ver` in worker events so monitors show what runs.
 * Read from its package.json, which sits two levels above both `src/events` and `dist/events`.
 */
export const CORE_VERSION: string = readVersion();

function readVersion(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  } catch {
    // A bundle that left package.json behind: monitors then show this instead of failing.
    return 'unknown';
  }
}
