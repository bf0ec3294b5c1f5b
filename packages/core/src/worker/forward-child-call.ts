import { ConfigurationError } from '../errors/configuration-error.js';
import type { ForwardTarget } from '../runtime/pool-child-link.js';
import type { WorkerHost } from './worker-host.js';

/** What a pool child may call (the methods `ForwardedBroker` and `ForwardedResultBackend` forward). */
const FORWARDED: Record<ForwardTarget, ReadonlySet<string>> = {
  broker: new Set(['publish', 'publishBatch', 'purge', 'size', 'deadLetters']),
  backend: new Set([
    'set',
    'get',
    'forget',
    'saveGroup',
    'restoreGroup',
    'initChord',
    'addChordPart',
    'claim',
    'releaseClaim',
    'persistRevoke',
    'revokedIds',
  ]),
};

/**
 * Run a pool child's call of its in-process broker or backend on the worker's own (the transport's,
 * not core's runtime: the child's runtime already checked, signed and sized what it sends).
 */
export async function forwardChildCall(host: WorkerHost, target: ForwardTarget, method: string, args: unknown[]): Promise<unknown> {
  const transport = target === 'broker' ? (await host.broker()).transport : (await host.maybeResultBackend())?.transport;
  const fn = (transport as unknown as Record<string, unknown> | undefined)?.[method];
  if (!FORWARDED[target]?.has(method) || typeof fn !== 'function')
    throw new ConfigurationError(
      `A pool child asked its worker's ${target} for '${method}', which it does not forward. Is the worker's app configured like the one the child imported?`,
    );
  return fn.apply(transport, args);
}
