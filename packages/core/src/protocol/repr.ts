/** Celery's `argsrepr_maxsize` / `kwargsrepr_maxsize`. */
const MAX_REPR_LENGTH = 1024;

/**
 * Python `repr()` of positional args as a tuple: `(2, 3)`, `(7,)`, `()`. Used for the `argsrepr`
 * header that Flower, events and logs display. Truncated like Celery's `saferepr`: once 1024
 * characters are written the rest becomes `, ...` (long strings end in `...`).
 */
export function argsRepr(args: readonly unknown[]): string {
  return new PythonRepr(MAX_REPR_LENGTH).sequence(args, '(', args.length === 1 ? ',)' : ')');
}

/** Python `repr()` of keyword args as a dict: `{'y': 5}`, `{}`; truncated like {@link argsRepr}. */
export function kwargsRepr(kwargs: Readonly<Record<string, unknown>>): string {
  return new PythonRepr(MAX_REPR_LENGTH).mapping(kwargs);
}

/** Backslash, and what Python's `str.isprintable()` rejects in the Latin-1 range (C0, DEL, C1). */
const NON_PRINTABLE = /[\\]|[^\x20-\x7e\u00a0-\uffff]/g;

/** Streams a repr into parts while counting down the length budget. */
class PythonRepr {
  private readonly parts: string[] = [];
  private readonly seen = new Set<object>();
  private remaining: number;
  private exhausted = false;

  constructor(maxLength: number) {
    this.remaining = maxLength;
  }

  sequence(items: readonly unknown[], open: string, close: string): string {
    this.push(open);
    for (const [i, item] of items.entries()) this.item(i, () => this.value(item));
    this.push(close);
    return this.parts.join('');
  }

  mapping(record: Readonly<Record<string, unknown>>): string {
    this.push('{');
    for (const [i, [key, item]] of Object.entries(record).entries()) {
      this.item(i, () => {
        this.string(key);
        this.push(': ');
        this.value(item);
      });
    }
    this.push('}');
    return this.parts.join('');
  }

  private item(index: number, write: () => void): void {
    if (this.exhausted) return;
    if (this.remaining <= 0) {
      this.exhausted = true;
      this.push(', ...');
      return;
    }
    if (index > 0) this.push(', ');
    write();
  }

  private value(value: unknown): void {
    if (typeof value === 'string' || typeof value === 'symbol' || typeof value === 'function') this.string(String(value));
    else if (typeof value !== 'object' || value === null) this.push(scalarRepr(value as Scalar));
    else if (value instanceof Date) this.push(dateRepr(value));
    else if (value instanceof Uint8Array) this.bytes(value);
    else if (hasToJson(value)) this.value(value.toJSON());
    else if (this.seen.has(value)) this.push(Array.isArray(value) ? '[...]' : '{...}');
    else {
      this.seen.add(value);
      if (Array.isArray(value)) this.sequence(value, '[', ']');
      else this.mapping(value as Record<string, unknown>);
      this.seen.delete(value);
    }
  }

  private string(text: string): void {
    const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
    // Escape as we go so the budget counts what is written, and stop early on huge strings.
    let body = '';
    let consumed = 0;
    for (const char of text) {
      const piece = char === quote ? `\\${quote}` : char.replace(NON_PRINTABLE, escapeChar);
      if (body.length + piece.length > this.remaining) break;
      body += piece;
      consumed += char.length;
    }
    this.push(`${quote}${body}${consumed < text.length ? '...' : ''}${quote}`);
  }

  /** Python's `b'...'`: printable ASCII as itself, the rest as escapes; cut like a long string. */
  private bytes(bytes: Uint8Array): void {
    const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
    let body = '';
    let consumed = 0;
    for (const byte of bytes) {
      const piece = byteRepr(byte, quote);
      if (body.length + piece.length > this.remaining) break;
      body += piece;
      consumed++;
    }
    this.push(`b${quote}${body}${consumed < bytes.length ? '...' : ''}${quote}`);
  }

  private push(text: string): void {
    this.parts.push(text);
    this.remaining -= text.length;
  }
}

function escapeChar(char: string): string {
  const named: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return named[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

const NAMED_BYTES: Record<number, string> = { 92: '\\\\', 10: '\\n', 13: '\\r', 9: '\\t' };

function byteRepr(byte: number, quote: string): string {
  const named = NAMED_BYTES[byte];
  if (named) return named;
  if (byte === quote.charCodeAt(0)) return `\\${quote}`;
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
}

/** Python's repr of the aware UTC datetime a Date crosses as: `datetime.datetime(2026, 11, 21, 10, 45, 46, 457000, tzinfo=datetime.timezone.utc)`. */
function dateRepr(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'Invalid Date';
  const fields = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()];
  const seconds = date.getUTCSeconds();
  const micros = date.getUTCMilliseconds() * 1000;
  // Python leaves out a zero microsecond, and then a zero second.
  if (micros !== 0) fields.push(seconds, micros);
  else if (seconds !== 0) fields.push(seconds);
  return `datetime.datetime(${fields.join(', ')}, tzinfo=datetime.timezone.utc)`;
}

type Scalar = null | undefined | boolean | number | bigint;

function scalarRepr(value: Scalar): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return numberRepr(value);
  return value.toString();
}

function numberRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  // Python ints never use exponents; its float exponents have at least two digits.
  if (Number.isInteger(value)) return BigInt(value).toString();
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
