import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

/** One message for SendMessageBatch. */
export interface OutgoingSqsMessage {
  body: string;
  delaySeconds?: number;
  groupId?: string;
  deduplicationId?: string;
  attributes?: Record<string, MessageAttributeValue>;
  /** MessageBody plus attributes, as SQS counts them against its size limit. */
  bytes: number;
}

/** SQS's rule for MessageGroupId and MessageDeduplicationId: 1–128 alphanumerics and ASCII punctuation. */
const VALID_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/** `value` when SQS accepts it as a group or deduplication id, else a digest of it that SQS accepts. */
export function sqsId(value: string): string {
  return VALID_ID.test(value) ? value : `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/** String message attributes, with the byte count SQS charges for them (name, type and value). */
export function stringAttributes(values: Record<string, string>): { attributes: Record<string, MessageAttributeValue>; bytes: number } {
  const attributes: Record<string, MessageAttributeValue> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(values)) {
    attributes[name] = { DataType: 'String', StringValue: value };
    bytes += Buffer.byteLength(name) + 'String'.length + Buffer.byteLength(value);
  }
  return { attributes, bytes };
}

/** Characters SQS refuses in bodies and attribute values (outside XML's allowed set). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` with characters SQS refuses replaced, cut to at most `maxBytes` UTF-8 bytes. */
export function sqsText(text: string, maxBytes: number): string {
  let clean = text.replace(NOT_XML, '\uFFFD');
  if (Buffer.byteLength(clean) <= maxBytes) return clean;
  const marker = '…';
  const budget = Math.max(0, maxBytes - Buffer.byteLength(marker));
  clean = Buffer.from(clean)
    .subarray(0, budget)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return budget > 0 ? clean + marker : '';
}
