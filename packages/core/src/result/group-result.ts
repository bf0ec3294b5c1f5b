import { ResultTimeoutError } from '../errors/result-timeout-error.js';
import { UnsupportedCapabilityError } from '../errors/unsupported-capability-error.js';
import type { AsyncResult, GetOptions } from './async-result.js';
import type { ResultSource } from './result-source.js';

/** Handles on every member of a group; `get()` resolves to the tuple of their results. */
export class GroupResult<T extends unknown[]> {
  constructor(
    private readonly source: ResultSource,
    /** The group id. */
    readonly id: string,
    /** One handle per member, in order (a chain member's handle is its last step's). */
    readonly results: readonly AsyncResult<T[number]>[],
  ) {}

  /** Every member's result, in member order; rejects with the first failure. */
  async get(options: GetOptions = {}): Promise<T> {
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    const values: unknown[] = [];
    for (const member of this.results) {
      const left = deadline === undefined ? undefined : deadline - Date.now();
      if (left !== undefined && left <= 0) throw new ResultTimeoutError(this.id, options.timeoutMs ?? 0);
      values.push(await member.get({ ...options, timeoutMs: left }));
    }
    return values as T;
  }

  /** How many members have finished successfully. */
  async completedCount(): Promise<number> {
    const states = await Promise.all(this.results.map((r) => r.state()));
    return states.filter((s) => s === 'SUCCESS').length;
  }

  /** Store the member ids so another process can `app.groupResult(id)` it (Celery's `GroupResult.save`). */
  async save(): Promise<void> {
    const backend = await this.source.resultBackend();
    if (!backend.saveGroup)
      throw new UnsupportedCapabilityError('groups', 'This result backend cannot save groups; use redis:// or memory://.');
    await backend.saveGroup(
      this.id,
      this.results.map((r) => r.id),
    );
  }

  /** Revoke every member. */
  async revoke(options: { terminate?: boolean } = {}): Promise<void> {
    await Promise.all(this.results.map((r) => r.revoke(options)));
  }
}
