/**
 * BullMQ's sandboxed processor file for `pnpm bench pools`: BullMQ imports it in each child process
 * or worker thread and calls the default export with the job.
 *
 * Plain JavaScript that loads tsx itself, because BullMQ cannot load a TypeScript processor in
 * worker threads on Node 20: it passes `--import tsx` in the thread's execArgv, which Node 20
 * applies to the main thread only, and the import fails with `Unknown file extension ".ts"`.
 * This is the workaround a BullMQ user writes; registering tsx a second time in a child process
 * (where `--import tsx` did apply) is harmless.
 */
import { register } from 'tsx/esm/api';

register();
const { cpuWork } = await import('./cpu-work.ts');

/** Runs the bench's CPU work for one job; `job.data.rounds` is the same for every library. */
export default function poolsBullmqProcessor(job) {
  return cpuWork(job.data.rounds);
}
