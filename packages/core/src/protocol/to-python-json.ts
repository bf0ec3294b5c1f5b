const NEEDS_ESCAPE = /[\u007f-\uffff]/;
const NON_ASCII = /[\u007f-\uffff]/g;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;

/**
 * `JSON.stringify` with Python `json.dumps` defaults: `", "` / `": "` separators and non-ASCII
 * escaped as `\uXXXX`, so what tq writes looks exactly like what Celery writes (spec §1.10).
 * Value semantics (toJSON, dropped `undefined`, non-finite numbers as `null`) are JSON.stringify's.
 *
 * @throws TypeError when `value` has no JSON form (`undefined`, a function, a BigInt inside).
 */
export function toPythonJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError(`Cannot serialize ${typeof value} as JSON`);
  // A linear scan, not a regex over string literals: those overflow V8's stack on large payloads.
  // Pieces are joined once: appending at every separator costs more than the scan itself.
  const pieces: string[] = [];
  let copied = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === COMMA || char === COLON) {
      pieces.push(json.slice(copied, i + 1));
      copied = i + 1;
    }
  }
  pieces.push(json.slice(copied));
  const spaced = pieces.join(' ');
  // JSON.stringify output is ASCII outside string literals, so this only touches string contents.
  return NEEDS_ESCAPE.test(spaced) ? spaced.replace(NON_ASCII, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) : spaced;
}
