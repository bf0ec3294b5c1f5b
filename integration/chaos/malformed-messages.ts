import { randomUUID } from 'node:crypto';
import { RECORD_TASK } from './chaos-worker-settings.js';

/** One message no worker can run, as the bytes a broken or hostile producer puts on the queue. */
export interface MalformedMessage {
  kind: string;
  /** A kombu JSON envelope (as text, so odd keys such as `__proto__` survive) or raw bytes. */
  raw: string | Uint8Array;
}

const base64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

/** A kombu envelope around `body` (text, base64-encoded here unless `encodedBody` is given), as JSON text. */
function envelope(options: { headers: string; body?: string | Uint8Array; encodedBody?: string; contentType?: string }): string {
  const body = JSON.stringify(options.encodedBody ?? base64(options.body ?? '[[], {}, {}]'));
  const contentType = JSON.stringify(options.contentType ?? 'application/json');
  return (
    `{"body": ${body}, "content-encoding": "utf-8", "content-type": ${contentType}, "headers": ${options.headers}, ` +
    `"properties": {"body_encoding": "base64", "delivery_tag": "${randomUUID()}", "delivery_info": {"exchange": "", "routing_key": "chaos"}}}`
  );
}

/** Headers of a task message (JSON text); `extra` is spliced in as is. */
function headers(task: string, extra = ''): string {
  return `{"lang": "py", "task": ${JSON.stringify(task)}, "id": "${randomUUID()}", "retries": 0, "eta": null${extra}}`;
}

/** Nested arrays `depth` deep, as JSON text (built without recursion). */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/**
 * Every kind of malformed message the chaos flood sends, each a function of the message's index.
 * `oversizeBytes` is the size of the oversize kind: over the worker's `maxPayloadBytes`, within
 * what the broker itself takes.
 */
export function malformedKinds(oversizeBytes: number): { kind: string; make: () => string | Uint8Array }[] {
  return [
    { kind: 'invalid JSON', make: () => '{"body": "W10=", "headers": {"task": ' },
    { kind: 'JSON that is no envelope', make: () => '[1, 2, 3]' },
    { kind: 'envelope without a task header', make: () => envelope({ headers: `{"id": "${randomUUID()}", "lang": "py"}` }) },
    { kind: 'body not [args, kwargs, embed]', make: () => envelope({ headers: headers(RECORD_TASK), body: '{"not": "a list"}' }) },
    { kind: 'bad base64 body', make: () => envelope({ headers: headers(RECORD_TASK), encodedBody: '%%% not base64 ***' }) },
    { kind: 'unknown task', make: () => envelope({ headers: headers('chaos.no-such-task'), body: '[["x"], {}, {}]' }) },
    { kind: 'wrong arity (none)', make: () => envelope({ headers: headers(RECORD_TASK), body: '[[], {}, {}]' }) },
    { kind: 'wrong arity (three)', make: () => envelope({ headers: headers(RECORD_TASK), body: '[["a", "b", "c"], {}, {}]' }) },
    {
      kind: 'pickle content type',
      make: () => envelope({ headers: headers(RECORD_TASK), body: '[["x"], {}, {}]', contentType: 'application/x-python-serialize' }),
    },
    {
      kind: 'bogus content type',
      make: () => envelope({ headers: headers(RECORD_TASK), body: '[["x"], {}, {}]', contentType: 'text/x-no-such-type' }),
    },
    { kind: 'non-UTF-8 bytes', make: () => new Uint8Array([0xff, 0xfe, 0x00, 0x9f, 0x80, 0xc3, 0x28]) },
    {
      kind: 'non-UTF-8 body',
      make: () => envelope({ headers: headers(RECORD_TASK), body: new Uint8Array([0x5b, 0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d, 0x5d]) }),
    },
    {
      kind: 'bad eta',
      make: () => envelope({ headers: headers(RECORD_TASK).replace('"eta": null', '"eta": "next tuesday"'), body: '[["x"], {}, {}]' }),
    },
    { kind: 'deeply nested args', make: () => envelope({ headers: headers(RECORD_TASK), body: `[[${nested(100_000)}], {}, {}]` }) },
    { kind: 'deeply nested envelope', make: () => `{"body": ${nested(100_000)}}` },
    {
      kind: '__proto__ in headers',
      make: () => envelope({ headers: `{"lang": "py", "__proto__": {"task": "${RECORD_TASK}"}, "id": "${randomUUID()}"}` }),
    },
    {
      kind: '__proto__ in kwargs',
      make: () => envelope({ headers: headers(RECORD_TASK), body: '[["x"], {"__proto__": {"polluted": true}}, {}]' }),
    },
    {
      kind: 'oversize payload',
      make: () => envelope({ headers: headers(RECORD_TASK), body: `[["${'x'.repeat(Math.ceil((oversizeBytes * 3) / 4))}"], {}, {}]` }),
    },
  ];
}

/** How many of the flood are oversize: a few, as each one costs the broker and worker `oversizeBytes`. */
const OVERSIZE_COUNT = 4;

/** `count` malformed messages, the kinds taking turns (the oversize kind only {@link OVERSIZE_COUNT} times). */
export function malformedMessages(count: number, oversizeBytes: number): MalformedMessage[] {
  const kinds = malformedKinds(oversizeBytes);
  const common = kinds.filter((k) => k.kind !== 'oversize payload');
  const oversize = kinds.find((k) => k.kind === 'oversize payload') as (typeof kinds)[number];
  const every = Math.floor(count / OVERSIZE_COUNT);
  return Array.from({ length: count }, (_, i) => {
    const kind = i % every === every - 1 ? oversize : (common[i % common.length] as (typeof kinds)[number]);
    return { kind: kind.kind, raw: kind.make() };
  });
}
