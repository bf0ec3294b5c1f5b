/**
 * tq's app for `pnpm bench pools`: the module the worker imports and each pool child imports again
 * to find `bench.cpu` by name (tq loads task code in the child from the module that defined it).
 * It only defines tasks: importing it starts nothing, so a pool child can load it safely.
 */
import { createApp } from '@tq/core';
import { cpuWork } from './cpu-work.js';

/** Redis from the bench (pools.bench.ts sets TQ_BENCH_REDIS_URL for its worker process and pool children inherit it). */
const redisUrl = process.env.TQ_BENCH_REDIS_URL;
if (!redisUrl) throw new Error('pools-app.ts needs TQ_BENCH_REDIS_URL (pools.bench.ts sets it): run it with `pnpm bench pools`.');

/** The bench's app on the bench's Redis; no result backend: a drain measures the work, not result storage. */
export const poolsApp = createApp({ broker: redisUrl });

// `bench.cpu(rounds)`: the same CPU work BullMQ's processor runs; the pool comes from the worker. The
// bench sends it by name (pre-filled messages), so no handle is exported.
poolsApp.task('bench.cpu', { ignoreResult: true }, (rounds: number) => cpuWork(rounds));
