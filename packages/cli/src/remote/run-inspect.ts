import type { App } from '@tq/core';
import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import type { RemoteOptions } from './remote-options.js';
import { targetOf } from './remote-options.js';
import { reportReplies } from './report-replies.js';
import { resolveCommand } from './resolve-command.js';

/**
 * `tq inspect <command> [args...]`: ask the workers `command` (`ping`, `active`, `stats`...) and
 * print each node's reply as `celery inspect` does, then `N nodes online.`. Works against Python
 * Celery workers on the same broker. Resolves with the exit code: 0, 2 for an unknown command or
 * bad arguments, 69 when no node replied in time.
 */
export async function runInspect(app: App, command: string, words: readonly string[], options: RemoteOptions, io: CliIo): Promise<number> {
  const resolved = resolveCommand('inspect', command, words);
  if ('problem' in resolved) {
    io.err.write(`Error: ${resolved.problem}\n`);
    return exitCodes.usage;
  }
  const replies = await app.control.request(command, resolved.arguments, targetOf(options));
  return reportReplies(io, replies, { showReply: true, json: options.json ? 'object' : false, countNodes: true });
}
