import type { App } from '@tq/core';
import { loadApp } from '../load-app.js';

/**
 * Load the app of `module`, run `work` with it, close the app (its broker connections would keep
 * the process alive) and set the exit code `work` returned.
 */
export async function runWithApp(module: string, work: (app: App) => Promise<number>): Promise<void> {
  const app = await loadApp(module);
  try {
    process.exitCode = await work(app);
  } finally {
    await app.close();
  }
}
