import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * Where a task's code runs: `inline` on the worker's event loop (I/O-bound tasks: many overlap in one
 * thread), `threads` in a worker thread, `processes` in a child process (CPU-bound tasks: they get a core
 * each and a hard time limit that really stops them).
 */
export type PoolKind = 'inline' | 'threads' | 'processes';

const KINDS: readonly PoolKind[] = ['inline', 'threads', 'processes'];

/** `value` as a pool kind (undefined stays undefined); throws naming `where` for anything else. */
export function checkPoolKind(where: string, value: unknown): PoolKind | undefined {
  if (value === undefined || KINDS.includes(value as PoolKind)) return value as PoolKind | undefined;
  throw new ConfigurationError(`${where}: pool must be one of ${KINDS.map((k) => `'${k}'`).join(', ')}, not ${JSON.stringify(value)}.`);
}
