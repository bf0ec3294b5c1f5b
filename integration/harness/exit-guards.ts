import { rmSync } from 'node:fs';
import { log } from './log.js';
import { killGroupNow } from './process-group.js';
import { processRegistry } from './process-registry.js';
import type { Brokers } from './start-brokers.js';

const exitCodes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Makes sure brokers owned by this process die with it: on SIGINT/SIGTERM/SIGHUP they are
 * stopped in order and the process exits; on any other exit whatever is still registered is
 * SIGKILLed synchronously (nothing async runs in an `exit` handler). Returns the uninstaller.
 */
export function installExitGuards(brokers: Brokers): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping brokers …`);
    brokers
      .stop()
      .catch((error: Error) => log(`stop failed: ${error.message}`))
      .finally(() => process.exit(exitCodes[signal] ?? 1));
  };
  const onExit = () => {
    for (const record of processRegistry.list()) {
      if (record.group) killGroupNow(record.pid);
      else {
        try {
          process.kill(record.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(brokers.runDir, { recursive: true, force: true });
    rmSync(brokers.stateFile, { force: true });
  };
  const signals = Object.keys(exitCodes) as NodeJS.Signals[];
  for (const signal of signals) process.on(signal, onSignal);
  process.on('exit', onExit);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
    process.off('exit', onExit);
  };
}
