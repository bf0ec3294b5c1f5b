import type { ControlReply } from '@tq/core';
import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { indent, prettyReply } from './pretty-reply.js';

/** How {@link reportReplies} prints. */
export interface ReplyReportOptions {
  /** Print each reply's value under its `-> node: OK` line (inspect, control), or only the line (status). */
  showReply: boolean;
  /**
   * Print JSON instead: `object` is `{"<node>": reply, ...}` (Celery's `inspect`/`status --json`),
   * `array` is `[{"<node>": reply}, ...]` (Celery's `control --json`). Default false: the layout for people.
   */
  json: false | 'object' | 'array';
  /** End with `N nodes online.` (inspect, status; Celery's control does not). */
  countNodes: boolean;
}

/**
 * Print the replies of a remote command as `celery inspect|control|status` does and return the
 * exit code: 69 with "No nodes replied within time constraint" on stderr when there are none.
 */
export function reportReplies(io: CliIo, replies: readonly ControlReply[], options: ReplyReportOptions): number {
  if (replies.length === 0) {
    io.err.write(`${io.err.style(['bold', 'red'], 'Error:')} No nodes replied within time constraint\n`);
    return exitCodes.unavailable;
  }
  if (options.json === 'object') {
    io.out.write(`${JSON.stringify(Object.fromEntries(replies.map((r) => [r.node, r.reply])))}\n`);
    return exitCodes.ok;
  }
  if (options.json === 'array') {
    io.out.write(`${JSON.stringify(replies.map((r) => ({ [r.node]: r.reply })))}\n`);
    return exitCodes.ok;
  }
  const { out } = io;
  for (const { node, reply } of replies) {
    const pretty = prettyReply(reply);
    const status = pretty.ok ? out.style(['bold', 'green'], 'OK') : out.style(['bold', 'red'], 'ERROR');
    out.write(`${out.style('bold', '->')}  ${out.style(['bold', 'cyan'], `${node}:`)} ${status}\n`);
    if (options.showReply) out.write(`${indent(pretty.text, 4)}\n`);
  }
  if (options.countNodes) out.write(`\n${replies.length} ${replies.length === 1 ? 'node' : 'nodes'} online.\n`);
  return exitCodes.ok;
}
