/** How a {@link Batcher} groups and sends. */
export interface BatcherOptions<T> {
  /** Most items per call (SQS: 10). */
  maxItems: number;
  /** Most bytes per call, with `sizeOf`. Default: no limit. */
  maxBytes?: number;
  sizeOf?(item: T): number;
  /** How long the first item waits for company: ms, or `tick` for "whatever arrives in this event-loop turn". */
  window: number | 'tick';
  /** One call in flight per key at a time, so a key's items reach SQS in the order they were added (FIFO sends). */
  serial?: boolean;
  /** Send one batch; returns one outcome per item (`undefined` = done, else why it failed). */
  send(key: string, items: readonly T[]): Promise<readonly (Error | undefined)[]>;
}

interface Pending<T> {
  item: T;
  bytes: number;
  resolve(): void;
  reject(error: Error): void;
}

interface KeyState<T> {
  pending: Pending<T>[];
  bytes: number;
  timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  inFlight: number;
}

/**
 * Collects items per key (a queue URL) into batch calls: a batch goes out when it is full or when
 * its window closes, and each item's promise settles with its own outcome, so one failed entry
 * fails only its caller.
 */
export class Batcher<T> {
  private readonly keys = new Map<string, KeyState<T>>();
  private readonly calls = new Set<Promise<void>>();

  constructor(private readonly options: BatcherOptions<T>) {}

  /** Queue `item` for `key`; resolves once SQS has acted on it. */
  add(key: string, item: T): Promise<void> {
    const state = this.state(key);
    const bytes = this.options.sizeOf?.(item) ?? 0;
    const maxBytes = this.options.maxBytes ?? Number.POSITIVE_INFINITY;
    if (state.pending.length > 0 && state.bytes + bytes > maxBytes) this.flushKey(key, state, false);
    return new Promise<void>((resolve, reject) => {
      state.pending.push({ item, bytes, resolve, reject });
      state.bytes += bytes;
      this.flushKey(key, state, true);
    });
  }

  /** Send everything queued now and wait for every call in flight. */
  async flush(): Promise<void> {
    for (const [key, state] of this.keys) this.flushKey(key, state, false);
    while (this.calls.size > 0) await Promise.allSettled([...this.calls]);
  }

  /** Items waiting (not yet sent). */
  get waiting(): number {
    let count = 0;
    for (const state of this.keys.values()) count += state.pending.length;
    return count;
  }

  private state(key: string): KeyState<T> {
    let state = this.keys.get(key);
    if (!state) {
      state = { pending: [], bytes: 0, timer: undefined, inFlight: 0 };
      this.keys.set(key, state);
    }
    return state;
  }

  private arm(key: string, state: KeyState<T>): void {
    if (state.timer) return;
    const fire = () => {
      state.timer = undefined;
      this.flushKey(key, state, false);
    };
    state.timer = this.options.window === 'tick' ? setImmediate(fire) : setTimeout(fire, this.options.window);
  }

  /** Send full batches (`onlyFull`) or everything pending, respecting `serial`. */
  private flushKey(key: string, state: KeyState<T>, onlyFull: boolean): void {
    while (state.pending.length > 0) {
      if (this.options.serial && state.inFlight > 0) return; // the running call flushes again when it is done
      const count = this.batchLength(state);
      const full = count >= this.options.maxItems || count < state.pending.length;
      if (onlyFull && !full) break;
      const batch = state.pending.splice(0, count);
      for (const pending of batch) state.bytes -= pending.bytes;
      this.sendBatch(key, state, batch);
    }
    if (state.pending.length > 0) this.arm(key, state);
    else if (state.timer) {
      clearTimeout(state.timer as NodeJS.Timeout);
      clearImmediate(state.timer as NodeJS.Immediate);
      state.timer = undefined;
    }
  }

  /** How many pending items the next call takes: up to `maxItems`, and `maxBytes` (always at least one). */
  private batchLength(state: KeyState<T>): number {
    const maxBytes = this.options.maxBytes ?? Number.POSITIVE_INFINITY;
    let count = 0;
    let bytes = 0;
    for (const pending of state.pending) {
      if (count === this.options.maxItems || (count > 0 && bytes + pending.bytes > maxBytes)) break;
      bytes += pending.bytes;
      count++;
    }
    return count;
  }

  private sendBatch(key: string, state: KeyState<T>, batch: Pending<T>[]): void {
    state.inFlight++;
    const call = this.options
      .send(
        key,
        batch.map((p) => p.item),
      )
      .then(
        (outcomes) => {
          for (const [i, pending] of batch.entries()) {
            const error = outcomes[i];
            if (error) pending.reject(error);
            else pending.resolve();
          }
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error instanceof Error ? error : new Error(String(error)));
        },
      )
      .finally(() => {
        state.inFlight--;
        this.calls.delete(call);
        if (this.options.serial && state.pending.length > 0) this.flushKey(key, state, state.timer !== undefined);
      });
    this.calls.add(call);
  }
}
