import type { PlaneMessage } from '@tq/core';

/**
 * The message in a kombu envelope (see `planeEnvelope`), or undefined when `raw` is not one. The
 * body is base64 when `properties.body_encoding` says so (kombu always does), else the text itself.
 */
export function parsePlaneEnvelope(raw: Buffer): PlaneMessage | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(envelope) || typeof envelope.body !== 'string') return undefined;
  const base64 = isObject(envelope.properties) && envelope.properties.body_encoding === 'base64';
  return {
    body: Buffer.from(envelope.body, base64 ? 'base64' : 'utf8'),
    headers: isObject(envelope.headers) ? envelope.headers : {},
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
