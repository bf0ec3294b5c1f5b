/** A node's reply as `celery inspect` prints it. */
export interface PrettyReply {
  /** False for `{error}` replies: printed as ERROR instead of OK. */
  ok: boolean;
  /** The reply, laid out over lines (not yet indented under its node). */
  text: string;
}

/**
 * Lay out one reply the way `celery inspect` does, so output reads the same whichever CLI
 * asked: `{ok: x}` and `{error: x}` show x indented, a list one `* item` per line (`- empty -`
 * when empty), a mapping as JSON with sorted keys and 4-space indents, a string as it is.
 */
export function prettyReply(value: unknown): PrettyReply {
  if (Array.isArray(value)) {
    return { ok: true, text: value.length === 0 ? '- empty -' : value.map((item) => `* ${oneLine(item)}`).join('\n') };
  }
  if (isMapping(value)) {
    if ('ok' in value) return { ok: true, text: indent(prettyReply(value.ok).text, 4) };
    if ('error' in value) return { ok: false, text: indent(prettyReply(value.error).text, 4) };
    return { ok: true, text: JSON.stringify(sortKeys(value), null, 4) };
  }
  return { ok: true, text: oneLine(value) };
}

/** `text` with every line moved right by `spaces`. */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

function oneLine(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isMapping(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}
