import type { ApplyOptions } from './apply-options.js';

/** Options of one task's call (`task.applyAsync`, `signature.applyAsync`): what any call takes, and what only a single task can do. */
export interface TaskApplyOptions extends ApplyOptions {
  /**
   * Send this call only if its `taskId` is not pending, running or done already. The id is claimed
   * in the result backend first (a PENDING record stored only where the id has none, in one atomic
   * step), so however many callers race, one message is sent; the others send nothing and get the
   * handle of the call that holds the id (as BullMQ returns the existing job for a duplicate
   * jobId). The claim lasts as long as results are kept (`resultExpiresMs`, or until the worker's
   * record expires); `forget()` the id to send it again. A send that fails releases the claim.
   * A call of the same id sent WITHOUT deduplicate holds no claim: it is seen only once a worker has
   * stored a state for it.
   *
   * Needs `taskId` and a result backend with the `claims` capability (`redis://`, `memory://`);
   * refused with `UnsupportedCapabilityError` on others (`rpc://` keeps no record another sender
   * could check) and without a backend. Default false: the claim is one more backend write per
   * send, and Celery sends every call it is given.
   */
  deduplicate?: boolean;
}
