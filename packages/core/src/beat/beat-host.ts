import type { Logger } from 'pino';
import type { CanvasApplier } from '../canvas/canvas-applier.js';
import type { RuntimeBackend } from '../runtime/runtime-backend.js';
import type { ScheduleEntry, ScheduleStore } from '../spec/schedule-store.js';

/** What a scheduler needs from its app. `App` implements it; beat/ never imports client/. */
export interface BeatHost extends CanvasApplier {
  /** The app's logger; the scheduler logs through a child of it. */
  readonly logger: Logger;
  /** The entries declared with `app.schedule`, as fresh entries (first tick from now). */
  declaredSchedules(nowMs: number): ScheduleEntry[];
  /** Where schedules and claims live (the result backend's store); throws a clear error without one. */
  scheduleStore(): Promise<ScheduleStore>;
  /** The connected result backend, or undefined (`overlap: 'skipIfRunning'` reads it). */
  maybeResultBackend(): Promise<RuntimeBackend | undefined>;
}
