const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** A control or event body as the planes carry it: UTF-8 JSON (kombu's `application/json`). */
export function encodePlaneJson(value: unknown): Uint8Array {
  return utf8Encoder.encode(JSON.stringify(value));
}

/** Parse a plane body; throws on bytes that are not UTF-8 JSON. */
export function decodePlaneJson(body: Uint8Array): unknown {
  return JSON.parse(utf8Decoder.decode(body));
}

/** A header that should be a number (`clock`, `expires`): kombu sends numbers, AMQP may hand over a string or bigint. */
export function numberHeader(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : 0;
  return Number.isFinite(number) ? number : 0;
}
