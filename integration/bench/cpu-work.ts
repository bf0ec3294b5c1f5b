/**
 * The CPU-bound work of `pnpm bench pools`, shared by tq's task (pools-app.ts) and BullMQ's
 * processor file (pools-bullmq-processor.mjs) so both run exactly the same code.
 */
import { createHash } from 'node:crypto';

/** 64 KiB: large enough that hashing, not call overhead, is the work. */
const block = Buffer.alloc(64 * 1024, 0x5a);

/**
 * Chains `rounds` SHA-256 digests over a 64 KiB block, each seeded with the previous digest so no
 * round can be skipped or cached. Synchronous on purpose: it holds the thread it runs on, as image
 * resizing or parsing would. Returns the last digest (hex), so the work has a result to carry back.
 */
export function cpuWork(rounds: number): string {
  let digest = Buffer.alloc(32);
  for (let round = 0; round < rounds; round++) digest = createHash('sha256').update(digest).update(block).digest();
  return digest.toString('hex');
}
