import { describe, expect, it } from 'vitest';
import {
  createTaskMessage,
  decodeBody,
  decodeTaskMessage,
  encodeBody,
  fromEnvelope,
  toEnvelope,
  validateTaskMessage,
} from '../../src/index.js';
import * as captures from './fixtures/celery-captures.js';

const NULL_EMBED = { callbacks: null, errbacks: null, chain: null, chord: null };
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('fromEnvelope on captured Celery messages', () => {
  it('add.delay(2, 3)', () => {
    const message = fromEnvelope(captures.plainAdd);
    expect(message.body).toEqual([[2, 3], {}, NULL_EMBED]);
    expect(message.headers).toMatchObject({
      lang: 'py',
      task: 'tasks.add',
      id: '9bc1111a-29dd-43c4-a209-c29cb8f4e222',
      retries: 0,
      timelimit: [null, null],
    });
    expect(message.properties).toMatchObject({
      correlation_id: '9bc1111a-29dd-43c4-a209-c29cb8f4e222',
      priority: 0,
      delivery_tag: '5d2a77b6-be51-4a93-9cbd-e68c798c6edf',
      delivery_info: { exchange: '', routing_key: 'celery' },
    });
    expect(message.contentType).toBe('application/json');
  });

  it('option-rich apply_async', () => {
    const { headers, properties, body } = fromEnvelope(captures.optionRich);
    expect(body[0]).toEqual([2]);
    expect(body[1]).toEqual({ y: 5 });
    expect(body[2].callbacks).toEqual([{ task: 'tasks.mul', args: [10], kwargs: {}, options: {}, subtask_type: null, immutable: false }]);
    expect(body[2].errbacks?.[0]?.task).toBe('tasks.on_err');
    expect(headers).toMatchObject({
      shadow: 'add-shadow',
      eta: '2026-11-21T10:45:46.457524+00:00',
      timelimit: [60, 50],
      'x-custom': 'hello',
    });
    expect(properties).toMatchObject({ priority: 7, expiration: '600000' });
  });

  it('group member, chord header member, chord body', () => {
    expect(fromEnvelope(captures.groupMember).headers.group).toBe('603f83a3-bf6c-4e55-b04a-de0de2c94468');
    const member = fromEnvelope(captures.chordHeaderMember);
    expect(member.headers.group_index).toBe(2);
    expect(member.body[2].chord).toMatchObject({ task: 'tasks.tsum', options: { task_id: '2cea5372-df08-4a35-8798-9f99130b42f6' } });
    expect(fromEnvelope(captures.chordBody).body[0]).toEqual([[2, 2]]);
  });

  it('retry keeps the leaked 5.2.6 properties', () => {
    const { headers, properties } = fromEnvelope(captures.retry);
    expect(headers).toMatchObject({ retries: 1, parent_id: headers.id, eta: '2026-11-21T10:46:01.778500+00:00' });
    expect(properties).toMatchObject({ replaced_task_nesting: 0, origin: 'gen10448@vm' });
  });

  it('zlib-compressed body', () => {
    const message = fromEnvelope(captures.compressed);
    expect(message.body).toEqual([[2, 3], {}, NULL_EMBED]);
    expect(message.headers.compression).toBe('application/x-gzip');
  });

  it('restored message with redelivered flags, from bytes', () => {
    const message = fromEnvelope(new TextEncoder().encode(captures.restored));
    expect(message.headers.redelivered).toBe(true);
    expect(message.properties.delivery_info).toEqual({ exchange: '', routing_key: 'celery', redelivered: true });
    expect(message.body[0]).toEqual([5, 5]);
  });
});

describe('minimal and legacy messages (spec §1.12, §1.13)', () => {
  const id = '0b6a4a5e-1f7e-4d59-9a59-7b8f3f1c2d3e';

  it('headers {lang, task, id} only, embed {}: Python defaults filled in', () => {
    const message = fromEnvelope(
      JSON.stringify({
        body: base64('[[10,20],{},{}]'),
        'content-encoding': 'utf-8',
        'content-type': 'application/json',
        headers: { lang: 'py', task: 'tasks.add', id },
        properties: { delivery_tag: 'tag', body_encoding: 'base64', delivery_info: { exchange: '', routing_key: 'celery' } },
      }),
    );
    expect(message.body).toEqual([[10, 20], {}, NULL_EMBED]);
    expect(message.headers).toEqual({
      lang: 'py',
      task: 'tasks.add',
      id,
      shadow: null,
      eta: null,
      expires: null,
      group: null,
      group_index: null,
      retries: 0,
      timelimit: [null, null],
      root_id: null,
      parent_id: null,
      argsrepr: '(10, 20)',
      kwargsrepr: '{}',
      origin: '',
      ignore_result: false,
    });
    expect(message.properties).toMatchObject({ correlation_id: id, reply_to: '', delivery_mode: 2, priority: 0, delivery_tag: 'tag' });
  });

  it('no body_encoding: the body is the raw JSON text, embed null', () => {
    const message = fromEnvelope(
      JSON.stringify({
        body: '[[1, 2], {}, null]',
        'content-type': 'application/json',
        headers: { lang: 'py', task: 'tasks.add', id },
        properties: { delivery_tag: 'tag', delivery_info: { exchange: '', routing_key: 'celery' } },
      }),
    );
    expect(message.body).toEqual([[1, 2], {}, NULL_EMBED]);
  });

  it('protocol v1 body without a task header', () => {
    const v1 = {
      task: 'tasks.add',
      id,
      args: [3, 4],
      kwargs: {},
      retries: 0,
      eta: null,
      expires: null,
      utc: true,
      callbacks: null,
      errbacks: null,
      timelimit: [null, null],
      taskset: 'g1',
      chord: null,
      group: null,
      group_index: null,
    };
    const message = fromEnvelope(
      JSON.stringify({
        body: base64(JSON.stringify(v1)),
        'content-type': 'application/json',
        'content-encoding': 'utf-8',
        headers: {},
        properties: { body_encoding: 'base64', delivery_tag: 't' },
      }),
    );
    expect(message.headers).toMatchObject({ task: 'tasks.add', id, group: 'g1', argsrepr: '(3, 4)' });
    expect(message.body).toEqual([[3, 4], {}, NULL_EMBED]);
  });

  it('hybrid: v1 body under v2 headers', () => {
    const message = fromEnvelope(
      JSON.stringify({
        body: JSON.stringify({ args: [1], kwargs: { x: 2 } }),
        headers: { task: 'tasks.add', id, retries: 2 },
        properties: {},
      }),
    );
    expect(message.headers).toMatchObject({ task: 'tasks.add', id, retries: 0 });
    expect(message.body).toEqual([[1], { x: 2 }, NULL_EMBED]);
  });
});

describe('decodeBody', () => {
  it('nested chain → chord body (§12.1)', () => {
    const [args, , embed] = decodeBody(new TextEncoder().encode(captures.chainToChordBody), { contentType: 'application/json' });
    expect(args).toEqual([1, 1]);
    expect(embed.chain).toHaveLength(1);
    const chord = embed.chain?.[0];
    expect(chord).toMatchObject({
      task: 'celery.chord',
      subtask_type: 'chord',
      immutable: false,
      options: { task_id: 'c7839be1-b26f-452d-b802-877d0b6fecf2' },
    });
    const { header, body } = (chord as { kwargs: unknown }).kwargs as {
      header: { kwargs: { tasks: { task: string; options: { group_index: number } }[] } };
      body: { task: string; kwargs: { tasks: { task: string }[] } };
    };
    expect(header.kwargs.tasks.map((t) => [t.task, t.options.group_index])).toEqual([
      ['tasks.add', 0],
      ['tasks.mul', 1],
    ]);
    expect(body.task).toBe('celery.chain');
    expect(body.kwargs.tasks.map((t) => t.task)).toEqual(['tasks.tsum', 'tasks.mul']);
  });

  it('nested chain → group body (§12.1)', () => {
    const [, , embed] = decodeBody(new TextEncoder().encode(captures.chainToGroupBody), {});
    expect(embed.chain?.[0]).toMatchObject({
      task: 'celery.group',
      subtask_type: 'group',
      options: { task_id: 'f860b588-62fd-4327-a811-110b792b25e2' },
    });
    expect(embed.chain?.[0]?.kwargs.tasks).toHaveLength(2);
  });

  it('fills missing signature keys with Python defaults and keeps extras', () => {
    const [, , embed] = decodeBody(json([[], {}, { chord: { task: 't', args: null, chord_size: 3 } }]), {});
    expect(embed).toEqual({
      ...NULL_EMBED,
      chord: { task: 't', args: [], kwargs: {}, options: {}, subtask_type: null, immutable: false, chord_size: 3 },
    });
  });

  it('decodes kombu 5.3 tagged values: datetime to Date, bytes to Buffer, the rest to strings', () => {
    const tagged = (type: string, value: unknown) => ({ __type__: type, __value__: value });
    const [args, kwargs] = decodeBody(
      json([
        [
          tagged('datetime', '2026-11-21T10:45:46.457524+00:00'),
          tagged('date', '2026-11-21'),
          tagged('time', '10:45:46'),
          tagged('decimal', '3.14159265358979323846'),
          tagged('uuid', { hex: '9BC1111A29DD43C4A209C29CB8F4E222' }),
          tagged('bytes', 'héllo'),
          tagged('base64', Buffer.from([0xff, 0x00]).toString('base64')),
          tagged('mystery', 1),
        ],
        { nested: [{ when: tagged('date', '2026-01-01') }] },
        null,
      ]),
      { contentType: 'application/json; charset=utf-8' },
    );
    expect(args.slice(0, 5)).toEqual([
      new Date('2026-11-21T10:45:46.457Z'),
      '2026-11-21',
      '10:45:46',
      '3.14159265358979323846',
      '9bc1111a-29dd-43c4-a209-c29cb8f4e222',
    ]);
    expect(args[0]).toBeInstanceOf(Date);
    expect(Buffer.isBuffer(args[5]) && (args[5] as Buffer).toString('utf8')).toBe('héllo');
    expect(Buffer.isBuffer(args[6]) && [...(args[6] as Buffer)]).toEqual([0xff, 0x00]);
    expect(args[7]).toEqual({ __type__: 'mystery', __value__: 1 });
    expect(kwargs).toEqual({ nested: [{ when: '2026-01-01' }] });
  });
});

describe('round trips', () => {
  it('fromEnvelope(toEnvelope(message)) gives the message back, with transport properties', () => {
    const message = createTaskMessage({
      task: 'tasks.é',
      id: 'abc',
      args: ['ünïcode', { a: [1, null] }],
      kwargs: { k: true },
      eta: new Date('2030-01-01T00:00:00.123Z'),
      expires: new Date('2030-01-02T00:00:00Z'),
      timeLimitMs: { hard: 1500 },
      priority: 9,
      headers: { compression: 'application/x-gzip', 'x-trace': { a: 1 } },
    });
    const decoded = fromEnvelope(toEnvelope(message, { queue: 'q', deliveryTag: 'dt' }));
    const { delivery_info, body_encoding, delivery_tag, ...properties } = decoded.properties;
    expect({ delivery_info, body_encoding, delivery_tag }).toEqual({
      delivery_info: { exchange: '', routing_key: 'q' },
      body_encoding: 'base64',
      delivery_tag: 'dt',
    });
    expect({ ...decoded, properties }).toEqual(message);
    expect(decoded.headers.timelimit).toEqual([1.5, null]);
  });

  it('re-enveloping a delivered message replaces its transport properties', () => {
    const delivered = fromEnvelope(captures.plainAdd);
    const again = JSON.parse(toEnvelope(delivered, { queue: 'other', deliveryTag: 'new' }));
    expect(again.properties.delivery_info).toEqual({ exchange: '', routing_key: 'other' });
    expect(again.properties.delivery_tag).toBe('new');
    expect(again.body).toBe(JSON.parse(captures.plainAdd).body);
  });

  it('validateTaskMessage serves transports with native headers (AMQP)', () => {
    const captured = JSON.parse(captures.optionRich);
    const bytes = Buffer.from(captured.body, 'base64');
    const message = validateTaskMessage({
      headers: captured.headers,
      properties: { correlation_id: captured.headers.id, reply_to: 'r', delivery_mode: 2, priority: 7 },
      body: decodeBody(bytes, { contentType: 'application/json', contentEncoding: 'utf-8' }),
    });
    expect(message.headers.task).toBe('tasks.add');
    expect(message.body[1]).toEqual({ y: 5 });
    expect(message.properties.priority).toBe(7);
  });

  it('decodeTaskMessage serves native-header transports: compressed v2 and v1 bodies', () => {
    const sent = createTaskMessage({ task: 'tasks.add', id: 'x', args: [1, 2], headers: { compression: 'application/x-gzip' } });
    const received = decodeTaskMessage({
      headers: sent.headers,
      properties: sent.properties,
      body: encodeBody(sent.body, 'application/x-gzip'),
      contentType: 'application/json',
      contentEncoding: 'utf-8',
    });
    expect(received).toEqual(sent);
    const v1 = decodeTaskMessage({ headers: {}, body: json({ task: 'tasks.add', id: 'y', args: [3, 4], kwargs: {} }) });
    expect(v1.headers).toMatchObject({ task: 'tasks.add', id: 'y', argsrepr: '(3, 4)' });
  });

  it('multi-megabyte payloads with escapes and non-ASCII survive the round trip', () => {
    const big = 'a"\\\n,é:😀'.repeat(500_000);
    const message = createTaskMessage({ task: 't', id: 'i', args: [big], kwargs: { big } });
    const decoded = fromEnvelope(toEnvelope(message, { queue: 'q' }));
    expect(decoded.body[0][0] === big && decoded.body[1].big === big).toBe(true);
    expect(decoded.headers.argsrepr.length).toBeLessThan(1100);
    // About a second alone; many times that with both cores busy. Correctness, not speed, is tested.
  }, 60_000);
});
