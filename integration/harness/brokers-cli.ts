/**
 * `pnpm brokers up [--foreground] | down | status` — the harness for people.
 *
 * `up` starts the brokers selected by `TRANSPORTS` (all by default), prints their URLs as
 * `export` lines on stdout and exits, leaving them running; `down` stops them by the pids in
 * the state file. `up --foreground` keeps running instead and stops them on Ctrl-C.
 */
import { installExitGuards } from './exit-guards.js';
import { log } from './log.js';
import { stateDir } from './paths.js';
import { isAlive } from './process-group.js';
import { selectedServices } from './selected-services.js';
import { type BrokersMode, startBrokers } from './start-brokers.js';
import { cleanUpState, isOurs, readState } from './state-file.js';

const stateFile = `${stateDir}/cli.json`;

async function up(foreground: boolean): Promise<void> {
  const existing = readState(stateFile);
  if (existing?.processes.some(isOurs)) {
    throw new Error(`brokers are already up (see \`pnpm brokers status\`); run \`pnpm brokers down\` first`);
  }
  if (existing) await cleanUpState(stateFile, existing);
  // Testcontainers' reaper removes containers when their creator exits, so a detached `up`
  // uses local processes (or env URLs) only.
  const mode = (process.env.BROKERS_MODE as BrokersMode | undefined) || (foreground ? 'auto' : 'local');
  if (!foreground && mode === 'containers') throw new Error('BROKERS_MODE=containers needs `up --foreground`');
  const brokers = await startBrokers({ services: selectedServices(), stateFile, mode });
  for (const [name, value] of Object.entries(brokers.env())) process.stdout.write(`export ${name}='${value}'\n`);
  if (foreground) {
    installExitGuards(brokers);
    log('running; Ctrl-C to stop');
    setInterval(() => {}, 1 << 30); // stay alive until a signal arrives
  } else {
    brokers.detach();
    log(`left running; stop with \`pnpm brokers down\` (state: ${stateFile})`);
  }
}

async function down(): Promise<void> {
  const state = readState(stateFile);
  if (!state) {
    log('nothing is up');
    return;
  }
  const pids = state.processes.map((record) => record.pid);
  await cleanUpState(stateFile, state);
  log(`stopped ${Object.keys(state.services).join(', ') || 'nothing'} (pids ${pids.join(' ')})`);
}

function status(): void {
  const state = readState(stateFile);
  if (!state) {
    log('nothing is up');
    return;
  }
  for (const [name, service] of Object.entries(state.services)) {
    const pids = service.processes.map((record) => `${record.pid}${isAlive(record.pid) ? '' : '(dead)'}`).join(' ');
    process.stdout.write(`${name.padEnd(13)} ${service.mode.padEnd(9)} ${Object.values(service.env).join(' ')}  ${pids}\n`);
  }
}

const [command, flag] = process.argv.slice(2);
const commands: Record<string, () => Promise<void> | void> = {
  up: () => up(flag === '--foreground'),
  down,
  status,
};
const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write('usage: pnpm brokers up [--foreground] | down | status   (TRANSPORTS=redis,sqs selects brokers)\n');
  process.exit(2);
}
try {
  await run();
  if (!(command === 'up' && flag === '--foreground')) process.exit(0);
} catch (error) {
  log((error as Error).message);
  process.exit(1);
}
