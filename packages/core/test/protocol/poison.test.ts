import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, fromEnvelope, MessageDecodeError, TqError, validateTaskMessage } from '../../src/index.js';
import * as captures from './fixtures/celery-captures.js';

const plain = JSON.parse(captures.plainAdd);
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** The plain `add.delay(2, 3)` envelope with `patch` applied to a copy. */
function envelope(patch: (e: typeof plain) => void): string {
  const copy = structuredClone(plain);
  patch(copy);
  return JSON.stringify(copy);
}

function decodeError(decode: () => unknown): MessageDecodeError {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(MessageDecodeError);
    expect(TqError.is(error, 'TQ_MESSAGE_DECODE')).toBe(true);
    return error as MessageDecodeError;
  }
  throw new Error('expected a MessageDecodeError');
}

describe('poison envelopes are refused with a precise MessageDecodeError', () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
    ['invalid JSON', '{"body": ', /Envelope is not valid JSON/],
    ['not an object', '[1, 2]', /must be a JSON object .* got an array of 2/],
    ['missing headers', envelope((e) => delete e.headers), /'headers' must be an object, got nothing: not a Celery protocol v2 message/],
    ['non-object headers', envelope((e) => (e.headers = 'x')), /'headers' must be an object, got a string/],
    ['non-object properties', envelope((e) => (e.properties = [])), /'properties' must be an object/],
    [
      'missing task header',
      envelope((e) => delete e.headers.task),
      /no 'task' header and its body is not a protocol v1 task: not a Celery protocol v2 message/,
    ],
    [
      'non-string task header',
      envelope((e) => (e.headers.task = 42)),
      /no 'task' header \(got a number \(42\)\).*not a Celery protocol v2/,
    ],
    ['non-string id', envelope((e) => (e.headers.id = 7)), /task 'tasks.add' has no string 'id' header \(got a number \(7\)\)/],
    ['invalid base64', envelope((e) => (e.body = 'not base64!!')), /not valid base64/],
    ['unknown body_encoding', envelope((e) => (e.properties.body_encoding = 'rot13')), /Unsupported body_encoding a string \("rot13"\)/],
    ['non-string body', envelope((e) => (e.body = [[1], {}, null])), /'body' must be a string, got an array/],
    [
      'pickle content type',
      envelope((e) => (e['content-type'] = 'application/x-python-serialize')),
      /'application\/x-python-serialize': pickle can execute code while it is decoded; tq accepts json only/,
    ],
    ['yaml content type', envelope((e) => (e['content-type'] = 'application/x-yaml')), /'application\/x-yaml'.*tq accepts json only/],
    ['binary content encoding', envelope((e) => (e['content-encoding'] = 'binary')), /content encoding 'binary'/],
    [
      'bz2 compression',
      envelope((e) => (e.headers.compression = 'application/x-bz2')),
      /Unsupported compression 'application\/x-bz2': tq decompresses only application\/x-gzip/,
    ],
    [
      'gzip header on a plain body',
      envelope((e) => (e.headers.compression = 'application/x-gzip')),
      /not a valid application\/x-gzip stream/,
    ],
    ['body is not JSON', envelope((e) => (e.body = base64('[[2, 3], {}'))), /Body is not valid JSON/],
    ['body is not UTF-8', envelope((e) => (e.body = Buffer.from([0xc3, 0x28]).toString('base64'))), /Body is not valid UTF-8/],
    [
      'body with 2 elements',
      envelope((e) => (e.body = base64('[[2, 3], {}]'))),
      /Body must be the JSON array \[args, kwargs, embed\], got an array of 2/,
    ],
    ['args not an array', envelope((e) => (e.body = base64('[{"a": 1}, {}, null]'))), /Body args must be an array, got an object/],
    ['kwargs an array', envelope((e) => (e.body = base64('[[], [], null]'))), /Body kwargs must be an object, got an array of 0/],
    ['embed a string', envelope((e) => (e.body = base64('[[], {}, "x"]'))), /Body embed must be an object or null/],
    ['embed.chain an object', envelope((e) => (e.body = base64('[[], {}, {"chain": {}}]'))), /embed.chain must be an array or null/],
    [
      'signature without task',
      envelope((e) => (e.body = base64('[[], {}, {"callbacks": [{"args": []}]}]'))),
      /embed.callbacks\[0\] must be a signature object with a string 'task'/,
    ],
    [
      'signature with bad args',
      envelope((e) => (e.body = base64('[[], {}, {"chord": {"task": "t", "args": 5}}]'))),
      /embed.chord.args must be an array, got a number/,
    ],
    ['invalid eta', envelope((e) => (e.headers.eta = 'tomorrow')), /Header 'eta' is not an ISO-8601 datetime: "tomorrow"/],
    ['impossible eta', envelope((e) => (e.headers.eta = '2026-02-30T10:00:00')), /Header 'eta' is not an ISO-8601/],
    ['invalid expires', envelope((e) => (e.headers.expires = 1795258018)), /Header 'expires' must be a string or null, got a number/],
    ['negative retries', envelope((e) => (e.headers.retries = -1)), /'retries' must be a non-negative integer/],
    ['string group_index', envelope((e) => (e.headers.group_index = '1')), /'group_index' must be a non-negative integer/],
    ['one-element timelimit', envelope((e) => (e.headers.timelimit = [60])), /'timelimit' must be \[hard, soft\] seconds/],
    ['numeric parent_id', envelope((e) => (e.headers.parent_id = 1)), /'parent_id' must be a string or null/],
  ];

  it.each(cases)('%s', (_name, raw, reason) => {
    expect(decodeError(() => fromEnvelope(raw)).message).toMatch(reason);
  });

  it('names the task when it is known', () => {
    const error = decodeError(() => fromEnvelope(envelope((e) => (e.headers.eta = 'soon'))));
    expect(error.message).toMatch(/^Task 9bc1111a-29dd-43c4-a209-c29cb8f4e222 \(tasks\.add\): /);
    expect(error.cause).toBeInstanceOf(MessageDecodeError);
  });

  it('a compressed body that is not JSON inside', () => {
    const raw = envelope((e) => {
      e.headers.compression = 'application/x-gzip';
      e.body = deflateSync('nope').toString('base64');
    });
    expect(decodeError(() => fromEnvelope(raw)).message).toMatch(/Body is not valid JSON/);
  });
});

describe('validateTaskMessage and decodeBody refuse garbage', () => {
  it('non-object message', () => {
    expect(decodeError(() => validateTaskMessage(null)).message).toMatch(/must be an object with headers, properties and body, got null/);
  });

  it('body still encoded', () => {
    const message = { headers: { task: 't', id: 'i' }, properties: {}, body: new Uint8Array([1]) };
    expect(decodeError(() => validateTaskMessage(message)).message).toMatch(/Task i \(t\): Body must be the JSON array/);
  });

  it('non-JSON content type given to validateTaskMessage', () => {
    const message = { headers: { task: 't', id: 'i' }, body: [[], {}, null], contentType: 'application/x-msgpack' };
    expect(decodeError(() => validateTaskMessage(message)).message).toMatch(/only application\/json/);
  });

  it('decodeBody with an unsupported content type', () => {
    expect(decodeError(() => decodeBody(new Uint8Array(), { contentType: 'application/x-msgpack' })).message).toMatch(
      /Unsupported content type 'application\/x-msgpack': tq accepts only application\/json/,
    );
  });
});
