/** amqplib's escape hatch for an explicit field type: `{ '!': type, value }`. */
interface TypedValue {
  '!': 'int' | 'long';
  value: number;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Converts a JSON-like record into an AMQP field table that py-amqp reads back as the same values.
 *
 * Why not let amqplib guess: it writes small integers as `b` (signed byte) and `s` (signed short),
 * but py-amqp reads `b` as unsigned and `s` as a SHORT STRING, so `group_index: 300` or
 * `timelimit: [300, 250]` would reach a Python worker as garbage. py-amqp itself writes `I`
 * (signed 32-bit) and `L`/`l` (64-bit) for ints, so we do the same. `null` becomes void `V`,
 * strings long strings `S`, floats doubles `d`, lists `A`, objects `F` (spec §3.2).
 */
export function toFieldTable(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const table: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) table[key] = toFieldValue(value);
  return table;
}

function toFieldValue(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return typed(value);
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toFieldValue);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return toFieldTable(value as Record<string, unknown>);
  }
  return value;
}

function typed(value: number): TypedValue | number {
  if (value >= INT32_MIN && value <= INT32_MAX) return { '!': 'int', value };
  // Beyond 2^53 a JS number is not an exact integer any more: let amqplib send a double.
  return Number.isSafeInteger(value) ? { '!': 'long', value } : value;
}
