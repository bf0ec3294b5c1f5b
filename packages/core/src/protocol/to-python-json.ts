/** A JSON string literal, or a bare `,`/`:` separator, in `JSON.stringify` output. */
const TOKEN = /"(?:[^"\\]|\\.)*"|[,:]/g;
const NON_ASCII = /[\u007f-\uffff]/g;

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
  return json.replace(TOKEN, (token) => {
    if (token === ',') return ', ';
    if (token === ':') return ': ';
    return token.replace(NON_ASCII, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  });
}
