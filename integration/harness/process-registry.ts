import type { ProcessRecord } from './running-service.js';

const records = new Map<number, ProcessRecord>();
const listeners = new Set<() => void>();

/**
 * Every broker process this Node process has started and not yet stopped. It is the source
 * of truth for clean-up: the state file is rewritten from it on each change (so even a
 * half-finished start leaves pids to kill), and the exit handlers kill what is left in it.
 */
export const processRegistry = {
  add(record: ProcessRecord): void {
    records.set(record.pid, record);
    for (const listener of listeners) listener();
  },
  remove(pid: number): void {
    if (records.delete(pid)) for (const listener of listeners) listener();
  },
  list(): ProcessRecord[] {
    return [...records.values()];
  },
  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
