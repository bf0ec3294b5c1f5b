import type { App } from '@tq/core';
import type { CliIo } from '../cli-io.js';
import type { RemoteOptions } from './remote-options.js';
import { targetOf } from './remote-options.js';
import { reportReplies } from './report-replies.js';

/**
 * `tq status`: which workers are online (they answer a ping), one `-> node: OK` line each, then
 * `N nodes online.`, as `celery status`. Resolves with the exit code: 69 when none answered.
 */
export async function runStatus(app: App, options: RemoteOptions, io: CliIo): Promise<number> {
  const replies = await app.control.ping(targetOf(options));
  return reportReplies(io, replies, { showReply: false, json: options.json ? 'object' : false, countNodes: true });
}
