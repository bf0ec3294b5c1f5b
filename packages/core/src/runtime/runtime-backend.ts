import type { Logger } from 'pino';
import { UnsupportedCapabilityError } from '../errors/unsupported-capability-error.js';
import type {
  BackendCapabilities,
  BackendConnectContext,
  ChordPart,
  ResultBackend,
  ResultMeta,
  SetResultOptions,
} from '../spec/result-backend.js';
import type { ScheduleStore } from '../spec/schedule-store.js';
import { Lifecycle } from './lifecycle.js';
import type { RuntimeContext } from './runtime-broker.js';

/**
 * Every transport's result backend, wrapped once by core: the connect/close state machine,
 * capability checks (a missing capability throws `UnsupportedCapabilityError`, never a silent
 * no-op), logging through the app's logger and the instrumentation hooks. Optional members exist
 * exactly when the transport has them, so `backend.watch` still says whether it can push.
 */
export class RuntimeBackend implements ResultBackend {
  readonly capabilities: BackendCapabilities;
  readonly watch?: ResultBackend['watch'];
  readonly saveGroup?: ResultBackend['saveGroup'];
  readonly restoreGroup?: ResultBackend['restoreGroup'];
  readonly persistRevoke?: ResultBackend['persistRevoke'];
  readonly revokedIds?: ResultBackend['revokedIds'];
  readonly claim?: ResultBackend['claim'];
  readonly releaseClaim?: ResultBackend['releaseClaim'];
  private readonly lifecycle: Lifecycle;
  private readonly name: string;
  private readonly logger: Logger;

  constructor(
    /** The transport's own backend, for transport-specific tools. */
    readonly transport: ResultBackend,
    private readonly context: RuntimeContext,
  ) {
    this.capabilities = transport.capabilities;
    this.name = transport.constructor.name;
    this.logger = context.logger.child({ backend: this.name });
    this.lifecycle = new Lifecycle(`The result backend (${this.name})`);
    const { watch, saveGroup, restoreGroup, persistRevoke, revokedIds } = transport;
    if (this.capabilities.watch && watch) {
      this.watch = (taskId, listener) => this.open('watch()', taskId, () => watch.call(transport, taskId, listener));
    }
    if (this.capabilities.groups && saveGroup && restoreGroup) {
      this.saveGroup = (groupId, ids, options) => this.open('saveGroup()', groupId, () => saveGroup.call(transport, groupId, ids, options));
      this.restoreGroup = (groupId) => this.open('restoreGroup()', groupId, () => restoreGroup.call(transport, groupId));
    }
    if (this.capabilities.revokes && persistRevoke && revokedIds) {
      this.persistRevoke = (taskId, ttlMs) => this.open('persistRevoke()', taskId, () => persistRevoke.call(transport, taskId, ttlMs));
      this.revokedIds = () => this.open('revokedIds()', '', () => revokedIds.call(transport));
    }
    const { claim, releaseClaim } = transport;
    if (this.capabilities.claims && claim && releaseClaim) {
      this.claim = (taskId, meta, options) => this.open('claim()', taskId, () => claim.call(transport, taskId, meta, options));
      this.releaseClaim = (taskId) => this.open('releaseClaim()', taskId, () => releaseClaim.call(transport, taskId));
    }
  }

  /** True between a successful connect and close. */
  get isOpen(): boolean {
    return this.lifecycle.isOpen;
  }

  connect(context?: BackendConnectContext): Promise<void> {
    return this.lifecycle.connect(async () => {
      await this.context.hooks.measure('backend', this.name, 'connect', undefined, () => this.transport.connect(context));
      this.logger.debug('result backend connected');
    });
  }

  close(): Promise<void> {
    return this.lifecycle.close(async () => {
      await this.context.hooks.measure('backend', this.name, 'close', undefined, () => this.transport.close());
      this.logger.debug('result backend closed');
    });
  }

  set(taskId: string, meta: ResultMeta, options?: SetResultOptions): Promise<void> {
    return this.open('set()', taskId, () => this.transport.set(taskId, meta, options));
  }

  get(taskId: string): Promise<ResultMeta | undefined> {
    return this.open('get()', taskId, () => this.transport.get(taskId));
  }

  forget(taskId: string): Promise<void> {
    return this.open('forget()', taskId, () => this.transport.forget(taskId));
  }

  initChord(chordId: string, size: number, options?: SetResultOptions): Promise<void> {
    const init = this.transport.initChord;
    return this.open('initChord()', chordId, () => this.counters(init).call(this.transport, chordId, size, options));
  }

  addChordPart(chordId: string, part: ChordPart): Promise<ChordPart[] | undefined> {
    const add = this.transport.addChordPart;
    return this.open('addChordPart()', chordId, () => this.counters(add).call(this.transport, chordId, part));
  }

  /** Where periodic schedules live, or a clear refusal when this backend keeps none. */
  scheduleStore(): ScheduleStore {
    this.lifecycle.assertOpen('scheduleStore()');
    const store = this.capabilities.schedules ? this.transport.scheduleStore?.() : undefined;
    if (store) return store;
    throw new UnsupportedCapabilityError(
      'schedules',
      `periodic tasks need a result backend that keeps schedules, and ${this.name} keeps none. Use redis:// (or memory:// in one process) as the result backend; the broker can stay what it is.`,
    );
  }

  /** The chord counter method, or a clear refusal: chords need atomic counters (ADR 6). */
  private counters<F>(method: F | undefined): F {
    if (this.capabilities.atomicCounters && method) return method;
    throw new UnsupportedCapabilityError(
      'atomicCounters',
      `chord() needs a result backend with atomic counters, and ${this.name} has none (a polling chord_unlock could wait forever). Use redis:// (or memory:// in one process) as the result backend.`,
    );
  }

  /** Run an operation of an open backend, measured; a closed or unconnected one rejects clearly. */
  private open<T>(operation: string, target: string, call: () => Promise<T>): Promise<T> {
    try {
      this.lifecycle.assertOpen(operation);
      return this.context.hooks.measure('backend', this.name, operation.slice(0, -2), target, call);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
