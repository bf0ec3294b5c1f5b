/**
 * `tsx tools/node-version/with-node.ts <major> <command> [args...]`: runs the command with a Node of
 * that major first in PATH, so the command and every process it starts (vitest's pools, the CLIs
 * that tests spawn, tsx, pool children) run on it. `pnpm test` runs the whole suite on
 * Node 24 and the unit tests and the demo on Node 20 this way. Exits as the command exits.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter, join } from 'node:path';
import { ensureNode } from './ensure-node.js';
import { type NodeMajor, nodeVersions } from './node-versions.js';

const [majorArg, command, ...args] = process.argv.slice(2);
const major = Number(majorArg) as NodeMajor;
if (!command || !(major in nodeVersions)) {
  console.error(`usage: with-node.ts <${Object.keys(nodeVersions).join('|')}> <command> [args...]`);
  process.exit(2);
}

const bin = ensureNode(major);
// Repository bins stay reachable (pnpm scripts put node_modules/.bin in PATH; a direct call does not).
const localBins = join(import.meta.dirname, '../../node_modules/.bin');
const env = { ...process.env, PATH: [bin, localBins, process.env.PATH].filter(Boolean).join(delimiter) };
const child = spawn(command, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`with-node: cannot start ${command}: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  // A command killed by a signal exits as a shell reports it (128 + the signal's number).
  process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1));
});
