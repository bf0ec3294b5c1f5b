import { MessageDecodeError } from '../errors/message-decode-error.js';
import type { Embed, SignatureJson, TaskBody } from '../spec/task-message.js';
import { canvasSizeProblem } from './canvas-size-problem.js';
import { describeValue } from './describe-value.js';
import { isRecord } from './is-record.js';

/**
 * Checks a decoded protocol v2 body `[args, kwargs, embed]` and normalizes `embed` in place: `null` or `{}`
 * (accepted by Python workers) become the all-null {@link Embed}, and every signature in it gets
 * Python's full key set (`args: []`, `kwargs: {}`, `options: {}`, `subtask_type: null`,
 * `immutable: false` when missing). A canvas over `MAX_CANVAS_NODES` signatures or
 * `MAX_CANVAS_DEPTH` levels is refused.
 *
 * @throws MessageDecodeError naming the offending element or the limit passed.
 */
export function validateBody(value: unknown): TaskBody {
  if (!Array.isArray(value) || value.length !== 3) {
    throw new MessageDecodeError(`Body must be the JSON array [args, kwargs, embed], got ${describeValue(value)}`);
  }
  const [args, kwargs, embed] = value as [unknown, unknown, unknown];
  if (!Array.isArray(args)) throw new MessageDecodeError(`Body args must be an array, got ${describeValue(args)}`);
  if (!isRecord(kwargs)) throw new MessageDecodeError(`Body kwargs must be an object, got ${describeValue(kwargs)}`);
  // Completed in place (see validateTaskMessage): the usual embed, all nulls, costs no new object.
  // Sized before it is normalized: a huge canvas costs no copies.
  const tooLarge = isRecord(embed) ? canvasSizeProblem(embed as Partial<Embed> as Embed) : undefined;
  if (tooLarge) throw new MessageDecodeError(`Body embed refused: ${tooLarge}`);
  value[2] = validateEmbed(embed);
  return value as TaskBody;
}

function validateEmbed(embed: unknown): Embed {
  if (embed === null || embed === undefined) return { callbacks: null, errbacks: null, chain: null, chord: null };
  if (!isRecord(embed)) throw new MessageDecodeError(`Body embed must be an object or null, got ${describeValue(embed)}`);
  embed.callbacks = signatureList(embed.callbacks, 'callbacks');
  embed.errbacks = signatureList(embed.errbacks, 'errbacks');
  embed.chain = signatureList(embed.chain, 'chain');
  embed.chord = embed.chord === null || embed.chord === undefined ? null : signature(embed.chord, 'embed.chord');
  return embed as unknown as Embed;
}

function signatureList(value: unknown, key: string): SignatureJson[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new MessageDecodeError(`Body embed.${key} must be an array or null, got ${describeValue(value)}`);
  return value.map((item, i) => signature(item, `embed.${key}[${i}]`));
}

function signature(value: unknown, where: string): SignatureJson {
  if (!isRecord(value) || typeof value.task !== 'string') {
    throw new MessageDecodeError(`Body ${where} must be a signature object with a string 'task', got ${describeValue(value)}`);
  }
  // Python's key order first; `null` for a known key means its default (Signature.from_dict does
  // `args or ()`); extras such as `chord_size` are kept.
  const fields: Record<string, unknown> = { task: value.task, args: [], kwargs: {}, options: {}, subtask_type: null, immutable: false };
  for (const [key, item] of Object.entries(value)) if (item !== null || !(key in fields)) fields[key] = item;
  const normalized = fields as unknown as SignatureJson;
  check(Array.isArray(normalized.args), where, 'args', 'an array', normalized.args);
  check(isRecord(normalized.kwargs), where, 'kwargs', 'an object', normalized.kwargs);
  check(isRecord(normalized.options), where, 'options', 'an object', normalized.options);
  check(
    normalized.subtask_type === null || typeof normalized.subtask_type === 'string',
    where,
    'subtask_type',
    'a string or null',
    normalized.subtask_type,
  );
  check(typeof normalized.immutable === 'boolean', where, 'immutable', 'a boolean', normalized.immutable);
  return normalized;
}

function check(ok: boolean, where: string, key: string, expected: string, actual: unknown): void {
  if (!ok) throw new MessageDecodeError(`Body ${where}.${key} must be ${expected}, got ${describeValue(actual)}`);
}
