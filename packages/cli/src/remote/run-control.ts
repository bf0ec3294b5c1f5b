import type { App, ControlReply } from '@tq/core';
import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import type { RemoteOptions } from './remote-options.js';
import { targetOf } from './remote-options.js';
import { reportReplies } from './report-replies.js';
import { resolveCommand } from './resolve-command.js';

/** Options only `tq control` has. */
export interface ControlOptions extends RemoteOptions {
  /** `revoke` only: also stop attempts already running. Default false (only future deliveries are discarded). */
  terminate?: boolean;
  /** `revoke --terminate` only: the signal Celery's prefork pool sends; tq aborts the attempt whatever it is. Default `SIGTERM`. */
  signal?: string;
}

/**
 * `tq control <command> [args...]`: tell the workers to do `command` (`rate_limit`, `revoke`,
 * `shutdown`...) and print each node's reply as `celery control` does. `shutdown` is
 * sent without a reply to the nodes that answered a ping first (see `RemoteCommand.cast`).
 * Resolves with the exit code: 0, 2 for an unknown command or bad arguments, 69 when no node replied.
 */
export async function runControl(app: App, command: string, words: readonly string[], options: ControlOptions, io: CliIo): Promise<number> {
  const resolved = resolveCommand('control', command, words);
  if ('problem' in resolved) {
    io.err.write(`Error: ${resolved.problem}\n`);
    return exitCodes.usage;
  }
  if ((options.terminate || options.signal) && command !== 'revoke') {
    io.err.write('Error: --terminate and --signal go with revoke only\n');
    return exitCodes.usage;
  }
  if (options.signal && !options.terminate) {
    io.err.write('Error: --signal needs --terminate\n');
    return exitCodes.usage;
  }
  const args = options.terminate ? { ...resolved.arguments, terminate: true, signal: options.signal ?? 'SIGTERM' } : resolved.arguments;
  const target = targetOf(options);
  let replies: ControlReply[];
  if (resolved.command.cast) {
    const alive = await app.control.ping(target);
    if (alive.length > 0) await app.control.cast(command, args, { destination: alive.map((r) => r.node) });
    replies = alive.map(({ node }) => ({ node, reply: { ok: `${command} sent` } }));
  } else {
    replies = await app.control.request(command, args, target);
  }
  return reportReplies(io, replies, { showReply: true, json: options.json ? 'array' : false, countNodes: false });
}
