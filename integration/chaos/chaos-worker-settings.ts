import type { ChaosTransport } from './chaos-broker.js';

/** What the test hands the worker process. */
export interface ChaosWorkerSettings {
  transport: ChaosTransport;
  queue: string;
  concurrency: number;
  prefetchMultiplier: number;
  /** How long each task works before it records its run (ms). */
  taskMs: number;
  recordDir: string;
  /** See `ChaosBrokerOptions.via`. */
  via?: string;
  /** See `ChaosBrokerOptions.kafkaSessionTimeoutMs`. */
  kafkaSessionTimeoutMs?: number;
  /** The worker's `maxPayloadBytes`: the malformed flood's oversize messages are over it. */
  maxPayloadBytes?: number;
}

/** The task every chaos run sends: takes `taskMs`, then records that it ran. */
export const RECORD_TASK = 'chaos.record';
