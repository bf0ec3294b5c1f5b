import type { BackendCapabilities, ChordPart, ResultBackend, ResultMeta, SetResultOptions } from '../spec/result-backend.js';
import { type PoolChildLink, poolChildLink } from './pool-child-link.js';

/**
 * An app's in-process result backend (`memory://`) as seen from a pool child: its records are the
 * worker's, so reads and writes (a subtask's `get()`, a chord's counter, a deduplicating send's claim)
 * are handed to the worker over the child's link. Backends that live elsewhere are not wrapped.
 */
export class ForwardedResultBackend implements ResultBackend {
  /**
   * Pushed `watch` (a listener cannot cross) and the schedule store (beat does not run in a child) are
   * off: `get()` polls instead.
   */
  readonly capabilities: BackendCapabilities;

  private constructor(
    own: ResultBackend,
    private readonly link: PoolChildLink,
  ) {
    this.capabilities = { ...own.capabilities, watch: false, schedules: false };
  }

  /** `backend` forwarded to the worker when this is a pool child and it is in-process; else `backend` itself. */
  static ifInPoolChild(backend: ResultBackend): ResultBackend {
    const link = poolChildLink();
    return link && backend.inProcess ? new ForwardedResultBackend(backend, link) : backend;
  }

  /** Nothing to connect: the worker's backend is connected. */
  async connect(): Promise<void> {}

  /** Nothing to close: the worker's backend is the worker's. */
  async close(): Promise<void> {}

  async set(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<void> {
    await this.call('set', taskId, meta, options);
  }

  async get(taskId: string): Promise<ResultMeta | undefined> {
    return (await this.call('get', taskId)) as ResultMeta | undefined;
  }

  async forget(taskId: string): Promise<void> {
    await this.call('forget', taskId);
  }

  async saveGroup(groupId: string, taskIds: readonly string[], options?: SetResultOptions): Promise<void> {
    await this.call('saveGroup', groupId, taskIds, options);
  }

  async restoreGroup(groupId: string): Promise<string[] | undefined> {
    return (await this.call('restoreGroup', groupId)) as string[] | undefined;
  }

  async initChord(chordId: string, size: number, options?: SetResultOptions): Promise<void> {
    await this.call('initChord', chordId, size, options);
  }

  async addChordPart(chordId: string, part: ChordPart): Promise<ChordPart[] | undefined> {
    return (await this.call('addChordPart', chordId, part)) as ChordPart[] | undefined;
  }

  async claim(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<boolean> {
    return (await this.call('claim', taskId, meta, options)) as boolean;
  }

  async releaseClaim(taskId: string): Promise<void> {
    await this.call('releaseClaim', taskId);
  }

  async persistRevoke(taskId: string, ttlMs: number): Promise<void> {
    await this.call('persistRevoke', taskId, ttlMs);
  }

  async revokedIds(): Promise<string[]> {
    return (await this.call('revokedIds')) as string[];
  }

  private call(method: string, ...args: unknown[]): Promise<unknown> {
    return this.link.call('backend', method, args);
  }
}
