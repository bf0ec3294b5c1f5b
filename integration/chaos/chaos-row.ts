import type { ChaosTransport } from './chaos-broker.js';

/** One transport's chaos figures; each test fills in its own (see chaos-suite.ts). */
export interface ChaosRow {
  transport: ChaosTransport;
  /** SIGKILL run: confirmed tasks that never ran. */
  lost?: number;
  /** SIGKILL run: runs beyond the first, and their bound (prefetch × kills). */
  duplicates?: number;
  bound?: number;
  kills?: number;
  /** Broker restart: seconds from broker-back to the first task done again; confirmed tasks lost. */
  restartResumeS?: number;
  restartLost?: number;
  /** Network cut: seconds from restore to the first task done again; confirmed tasks lost. */
  cutResumeS?: number;
  cutLost?: number;
  /** Malformed flood: `rejected/sent`, and the worker's RSS before and after. */
  malformed?: string;
  rssBeforeMb?: number;
  rssAfterMb?: number;
}

declare module 'vitest' {
  interface TaskMeta {
    /** Set by the chaos suite's tests. */
    chaos?: ChaosRow;
  }
}
