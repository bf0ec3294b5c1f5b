import { describe, expect, it } from 'vitest';
import { addressedTo } from '../../src/control/addressed-to.js';
import { decodeControlReply, encodeControlReply } from '../../src/control/control-reply.js';
import { decodeControlRequest, encodeControlRequest } from '../../src/control/control-request.js';
import { expandNodeName } from '../../src/control/node-name.js';

const utf8 = new TextEncoder();
const plane = (body: string, headers: Record<string, unknown> = {}) => ({ body: utf8.encode(body), headers });

describe('node names', () => {
  it('expands %h, %n and %d as Celery does, and leaves other text alone', () => {
    expect(expandNodeName('tq@%h', 'web1.example.com')).toBe('tq@web1.example.com');
    expect(expandNodeName('%n@%d', 'web1.example.com')).toBe('web1@example.com');
    expect(expandNodeName('w-%n@%h', 'box')).toBe('w-box@box');
    expect(expandNodeName('plain@host %i', 'box')).toBe('plain@host %i');
  });
});

describe('which node a request is for', () => {
  const base = { destination: null, pattern: null, matcher: null };
  it('every node without destination or pattern; only named nodes with a destination (pattern then ignored)', () => {
    expect(addressedTo(base, 'a@x')).toBe(true);
    expect(addressedTo({ ...base, destination: ['a@x'] }, 'a@x')).toBe(true);
    expect(addressedTo({ ...base, destination: ['a@x'], pattern: '*', matcher: 'glob' }, 'b@x')).toBe(false);
    expect(addressedTo({ ...base, destination: [] }, 'b@x')).toBe(true);
  });

  it('glob is fnmatch: *, ?, [seq], [!seq], whole name, case-sensitive', () => {
    const glob = (pattern: string, node: string) => addressedTo({ ...base, pattern, matcher: 'glob' }, node);
    expect(glob('tq@web*', 'tq@web1.example.com')).toBe(true);
    expect(glob('tq@web?', 'tq@web12')).toBe(false);
    expect(glob('tq@web[12]', 'tq@web2')).toBe(true);
    expect(glob('tq@web[!12]', 'tq@web2')).toBe(false);
    expect(glob('tq@web.', 'tq@webX')).toBe(false);
    expect(glob('TQ@*', 'tq@web')).toBe(false);
    expect(glob('tq@[web', 'tq@[web')).toBe(true);
  });

  it('pcre is re.match: anchored at the start only; a pattern that does not compile, or an unknown matcher, matches nothing', () => {
    const pcre = (pattern: string, node: string) => addressedTo({ ...base, pattern, matcher: 'pcre' }, node);
    expect(pcre('tq@web\\d', 'tq@web1.example.com')).toBe(true);
    expect(pcre('web\\d', 'tq@web1')).toBe(false);
    expect(pcre('(', 'tq@web1')).toBe(false);
    expect(addressedTo({ ...base, pattern: '*', matcher: 'regex' }, 'tq@web1')).toBe(false);
    // kombu: a pattern without a matcher addresses every node.
    expect(addressedTo({ ...base, pattern: 'nothing-like-it' }, 'tq@web1')).toBe(true);
  });
});

describe('pidbox bodies', () => {
  it("decodes Celery's captured requests (spec §9.2)", () => {
    const ping = decodeControlRequest(
      plane(
        '{"method": "ping", "arguments": {}, "destination": null, "pattern": null, "matcher": null, "ticket": "f91b4fc4-eb2b-4aac-ae7b-afa39531dac5", "reply_to": {"exchange": "reply.celery.pidbox", "routing_key": "13425748-3210-32d9-b88e-d62f3fc5fd74"}}',
        { clock: 1, expires: 1795258018.8935468 },
      ),
    );
    expect(ping).toEqual({
      request: {
        method: 'ping',
        arguments: {},
        destination: null,
        pattern: null,
        matcher: null,
        ticket: 'f91b4fc4-eb2b-4aac-ae7b-afa39531dac5',
        reply_to: { exchange: 'reply.celery.pidbox', routing_key: '13425748-3210-32d9-b88e-d62f3fc5fd74' },
      },
      clock: 1,
      expires: 1795258018.8935468,
    });
    const revoke = decodeControlRequest(
      plane('{"method": "revoke", "arguments": {"task_id": "8545da61", "terminate": false, "signal": "SIGTERM"}, "destination": null}', {
        clock: '3',
        expires: 0,
      }),
    );
    expect(revoke).toMatchObject({ request: { method: 'revoke', arguments: { task_id: '8545da61' } }, clock: 3, expires: 0 });
    expect('request' in revoke && revoke.request.reply_to).toBeUndefined();
  });

  it('round-trips what tq encodes, headers included', () => {
    const request = { method: 'stats', arguments: { safe: true }, destination: ['a@x'], pattern: null, matcher: null };
    const encoded = encodeControlRequest(request, 9, 1700000000.5);
    expect(encoded.headers).toEqual({ clock: 9, expires: 1700000000.5 });
    expect(decodeControlRequest(encoded)).toEqual({ request, clock: 9, expires: 1700000000.5 });

    const reply = encodeControlReply('a@x', undefined, 'ticket-1', 4);
    expect(new TextDecoder().decode(reply.body)).toBe('{"a@x":null}');
    expect(decodeControlReply(reply)).toEqual({ ticket: 'ticket-1', clock: 4, replies: [{ node: 'a@x', reply: null }] });
  });

  it('says why a body is not a request or a reply, instead of throwing', () => {
    expect(decodeControlRequest(plane('not json'))).toEqual({ problem: expect.stringContaining('not JSON') });
    expect(decodeControlRequest(plane('{"arguments": {}}'))).toEqual({ problem: 'body has no method' });
    expect(decodeControlRequest(plane('{"method": "ping", "destination": "a@x"}'))).toEqual({
      problem: 'destination is not a list of node names',
    });
    expect(decodeControlReply(plane('[1, 2]'))).toEqual({ problem: expect.stringContaining('not a mapping') });
    expect(decodeControlReply({ body: new Uint8Array([0xff, 0xfe]), headers: {} })).toEqual({
      problem: expect.stringContaining('not JSON'),
    });
  });
});
