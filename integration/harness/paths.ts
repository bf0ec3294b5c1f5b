import { fileURLToPath } from 'node:url';

/** Repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Pinned POMs and broker config files. */
export const toolsDir = `${repoRoot}tools/brokers`;

/**
 * Harness state and downloaded jars, outside git (`.cache/` is ignored).
 * `TQ_BROKERS_CACHE_DIR` moves it, e.g. to share jars between checkouts.
 */
export const cacheDir = process.env.TQ_BROKERS_CACHE_DIR ?? `${repoRoot}.cache/brokers`;

/**
 * Where state files with pids live. `TQ_BROKERS_STATE_DIR` gives a private one
 * (the harness's own clean-up test uses that so it cannot touch a real run).
 */
export const stateDir = process.env.TQ_BROKERS_STATE_DIR ?? `${cacheDir}/state`;
