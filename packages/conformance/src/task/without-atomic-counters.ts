import type { ResultBackend } from '@tq/core';

/**
 * `backend` as a backend WITHOUT atomic counters (no `initChord`/`addChordPart`, capability
 * `false`), sharing its records: how the suite checks that chords are refused, not left to hang.
 */
export function withoutAtomicCounters(backend: ResultBackend): ResultBackend {
  const watch = backend.watch?.bind(backend);
  return {
    capabilities: { ...backend.capabilities, atomicCounters: false },
    connect: () => backend.connect(),
    close: () => backend.close(),
    set: (taskId, meta, options) => backend.set(taskId, meta, options),
    get: (taskId) => backend.get(taskId),
    forget: (taskId) => backend.forget(taskId),
    ...(watch ? { watch } : {}),
  };
}
