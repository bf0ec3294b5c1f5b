import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { celeryEventOf } from '../../src/events/celery-event-of.js';
import { decodeEvents } from '../../src/events/decode-events.js';
import { encodeEvents } from '../../src/events/encode-events.js';
import { routingKeyOf } from '../../src/events/routing-key-of.js';
import { taskEventFields } from '../../src/events/task-event-fields.js';
import { taskSentEvent } from '../../src/events/task-sent-event.js';
import { utcOffset } from '../../src/events/utc-offset.js';
import { createTaskMessage, LamportClock, TimeLimitExceededError } from '../../src/index.js';
import { exceptionRepr, pythonRepr } from '../../src/protocol/python-repr.js';

const base = { id: 'ca905de3-e794-41e1-bacf-d803e3d0018e', name: 'tasks.add', hostname: 'w1@capture', timestamp: 1795257960764.602 };

describe('Celery event bodies (spec §8.2, §8.3)', () => {
  it('stamps the standard fields in Celery order, seconds as a float, ticking the clock', () => {
    const clock = new LamportClock(7);
    const event = celeryEventOf('task-started', { uuid: base.id }, { hostname: 'w1@capture', clock }, 1795257960764.5);
    expect(Object.keys(event)).toEqual(['hostname', 'utcoffset', 'pid', 'clock', 'uuid', 'timestamp', 'type']);
    expect(event).toEqual({
      hostname: 'w1@capture',
      utcoffset: utcOffset(),
      pid: process.pid,
      clock: 8,
      uuid: base.id,
      timestamp: 1795257960.7645,
      type: 'task-started',
    });
    expect(clock.value).toBe(8);
  });

  it('utcoffset is whole hours WEST of UTC, floored as Python does', () => {
    const at = new Date();
    expect(utcOffset(at)).toBe(Math.floor(at.getTimezoneOffset() / 60));
    expect(Object.is(utcOffset(at), -0)).toBe(false);
  });

  it('routing keys are the type with dots', () => {
    expect(routingKeyOf('worker-heartbeat')).toBe('worker.heartbeat');
    expect(routingKeyOf('task-succeeded')).toBe('task.succeeded');
  });

  it('values and exceptions are Python reprs', () => {
    expect(pythonRepr(5)).toBe('5');
    expect(pythonRepr('done')).toBe("'done'");
    expect(pythonRepr({ a: [1, null, true] })).toBe("{'a': [1, None, True]}");
    expect(pythonRepr(undefined)).toBe('None');
    expect(exceptionRepr(new TypeError('kaboom'))).toBe("TypeError('kaboom')");
    expect(exceptionRepr(new Error("it's"))).toBe('Error("it\'s")');
    expect(exceptionRepr(new TimeLimitExceededError(1000))).toMatch(/^TimeLimitExceeded\('.+'\)$/);
    expect(exceptionRepr('plain text thrown')).toBe("Exception('plain text thrown')");
  });

  it('task event fields match Celery’s captured ones', () => {
    const received = taskEventFields['task-received']({
      ...base,
      args: [2, 3],
      kwargs: {},
      argsRepr: '(2, 3)',
      kwargsRepr: '{}',
      rootId: base.id,
      parentId: null,
      retries: 0,
      eta: null,
      expires: null,
    });
    expect(received).toEqual({
      uuid: base.id,
      name: 'tasks.add',
      args: '(2, 3)',
      kwargs: '{}',
      root_id: base.id,
      parent_id: null,
      retries: 0,
      eta: null,
      expires: null,
    });
    expect(taskEventFields['task-started'](base)).toEqual({ uuid: base.id });
    expect(taskEventFields['task-succeeded']({ ...base, result: 5, runtimeMs: 1.5 })).toEqual({
      uuid: base.id,
      result: '5',
      runtime: 0.0015,
    });
    const error = new Error('kaboom');
    expect(taskEventFields['task-failed']({ ...base, error, runtimeMs: 3 })).toEqual({
      uuid: base.id,
      exception: "Error('kaboom')",
      traceback: error.stack,
    });
    expect(taskEventFields['task-retried']({ ...base, error, retries: 1, delayMs: 1000 })).toMatchObject({
      uuid: base.id,
      exception: "Error('kaboom')",
    });
    expect(taskEventFields['task-retried']({ ...base, error: undefined, retries: 1, delayMs: 1000 })).toEqual({
      uuid: base.id,
      exception: "Retry('Retry in 1s')",
      traceback: '',
    });
    expect(taskEventFields['task-revoked']({ ...base, reason: 'expired' })).toEqual({
      uuid: base.id,
      terminated: false,
      signum: null,
      expired: true,
    });
    expect(taskEventFields['task-revoked']({ ...base, reason: 'terminated' })).toEqual({
      uuid: base.id,
      terminated: true,
      signum: 15,
      expired: false,
    });
    const rejected = { queue: 'q', reason: 'bad', name: null, timestamp: base.timestamp };
    expect(taskEventFields['task-rejected']({ ...rejected, id: base.id })).toEqual({ uuid: base.id, requeue: false });
    // Celery sends nothing for a message without a task id.
    expect(taskEventFields['task-rejected']({ ...rejected, id: null })).toBeUndefined();
  });

  it('task-sent carries the routing and reprs of the message, from its origin', () => {
    const message = createTaskMessage({ task: 'tasks.add', id: randomUUID(), args: [5, 5], kwargs: { y: 'é' } });
    const event = taskSentEvent(message, 'celery', new LamportClock());
    expect(event).toMatchObject({
      hostname: message.headers.origin,
      clock: 1,
      uuid: message.headers.id,
      root_id: message.headers.root_id,
      parent_id: null,
      name: 'tasks.add',
      args: '(5, 5)',
      kwargs: "{'y': 'é'}",
      retries: 0,
      eta: null,
      expires: null,
      queue: 'celery',
      exchange: '',
      routing_key: 'celery',
      type: 'task-sent',
    });
    expect(message.headers.origin).toMatch(/^gen\d+@/);
  });

  it('encodes one event or a batch as Python JSON with the {hostname} header, and decodes both back', () => {
    const clock = new LamportClock();
    const sender = { hostname: 'w1@capture', clock };
    const one = celeryEventOf('worker-online', { freq: 2, sw_sys: 'Linux', note: 'é' }, sender);
    const single = encodeEvents(one, 'w1@capture');
    expect(single.headers).toEqual({ hostname: 'w1@capture' });
    const text = Buffer.from(single.body).toString('utf8');
    // Python's json.dumps: spaced separators, non-ASCII escaped.
    expect(text).toContain('"hostname": "w1@capture", ');
    expect(text).toContain('"note": "\\u00e9"');
    expect(decodeEvents(single.body)).toEqual({ events: [one], problems: [] });

    const batch = [celeryEventOf('task-started', { uuid: 'a' }, sender), celeryEventOf('task-started', { uuid: 'b' }, sender)];
    expect(decodeEvents(encodeEvents(batch, 'w1@capture').body)).toEqual({ events: batch, problems: [] });
  });

  it('decodes the bodies Celery sent (captured) and reports malformed elements without dropping the rest', () => {
    const captured =
      '[{"hostname": "w1@capture", "utcoffset": 0, "pid": 10199, "clock": 9, "uuid": "ca905de3-e794-41e1-bacf-d803e3d0018e", "timestamp": 1795257960.7647164, "type": "task-started"}, ' +
      '{"hostname": "w1@capture", "pid": 1, "timestamp": 1, "type": "task-started"}, 7, ' +
      '{"hostname": "w1@capture", "utcoffset": 0, "pid": 10199, "uuid": "x", "timestamp": 1795257960.8, "type": "task-started"}]';
    const decoded = decodeEvents(Buffer.from(captured));
    expect(decoded.events.map((e) => [e.type, e.clock])).toEqual([
      ['task-started', 9],
      ['task-started', undefined],
    ]);
    expect(decoded.problems).toEqual(["event 1: has no number 'utcoffset'", 'event 2: is not a JSON object']);
    expect(() => decodeEvents(Buffer.from('{not json'))).toThrow(SyntaxError);
    expect(() => decodeEvents(Uint8Array.of(0x7b, 0xff, 0x7d))).toThrow(TypeError);
    expect(decodeEvents(Buffer.from('{"type": 1}')).problems).toEqual(["has no string 'type'"]);
  });
});
