import type { TaskBody } from '../spec/task-message.js';
import { isRecord } from './is-record.js';
import { jsonPath } from './json-path.js';

const BODY_PARTS = ['args', 'kwargs', 'embed'] as const;

/**
 * Who and where, for an error about the value at `keys` inside a message body: `task 'reports.build':
 * args[1].when.at`, `task 'emails.send': kwargs.to`. A value inside a signature the message carries
 * (a chain step, a callback, a chord body) is named by that signature's task and its own path:
 * `task 'reports.render' (a signature at embed.chain[0] in the message of task 'reports.build'): args[0]`.
 */
export function bodyValuePath(taskName: string, body: TaskBody, keys: readonly (string | number)[]): string {
  const [part, ...rest] = keys;
  if (typeof part !== 'number' || part > 2) return `task '${taskName}': ${jsonPath('body', keys)}`;
  const root = BODY_PARTS[part] as string;
  // The innermost signature dict on the path, if any.
  let signature: { task: string; at: number } | undefined;
  let value: unknown = body[part];
  rest.forEach((key, i) => {
    if (isRecord(value) && typeof value.task === 'string' && Array.isArray(value.args) && (key === 'args' || key === 'kwargs')) {
      signature = { task: value.task, at: i };
    }
    value = (value as Record<string | number, unknown> | undefined)?.[key];
  });
  if (!signature) return `task '${taskName}': ${jsonPath(root, rest)}`;
  const carrier = jsonPath(root, rest.slice(0, signature.at));
  return `task '${signature.task}' (a signature at ${carrier} in the message of task '${taskName}'): ${jsonPath('', rest.slice(signature.at)).replace(/^\./, '')}`;
}
