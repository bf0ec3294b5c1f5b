import { ConfigurationError, createTaskMessage, defaultLogger, TqError, UnsupportedCapabilityError } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { RedisBroker, type RedisBrokerConfig, transport } from '../src/index.js';

const context = { logger: defaultLogger() };
const fromUrl = (query: string) => transport.createBroker?.(new URL(`redis://127.0.0.1:6379/0${query}`), context);

describe('delays: where a delayed message waits (no I/O)', () => {
  it('defaults to the sorted set: Redis holds delays, declared native', () => {
    const native = { maxDelayMs: Number.MAX_SAFE_INTEGER, emulated: false };
    expect(new RedisBroker().capabilities.delay).toEqual(native);
    expect(fromUrl('')?.capabilities.delay).toEqual(native);
    expect(fromUrl('?delays=sorted-set')?.capabilities.delay).toEqual(native);
  });

  it('eta-header from the URL or the config: the consuming worker holds delays, declared emulated, any length (no hops)', () => {
    const emulated = { maxDelayMs: Number.MAX_SAFE_INTEGER, emulated: true };
    expect(fromUrl('?delays=eta-header&keyPrefix=app:')?.capabilities.delay).toEqual(emulated);
    expect(new RedisBroker({ delays: 'eta-header' }).capabilities.delay).toEqual(emulated);
  });

  it.each([['?delays=eta'], ['?delays=Eta-Header'], ['?delays=']])('refuses %s, naming the value and both it takes', (query) => {
    const value = new URL(`redis://h${query}`).searchParams.get('delays');
    expect(() => fromUrl(query)).toThrow(ConfigurationError);
    expect(() => fromUrl(query)).toThrow(
      `RedisBroker delays must be 'sorted-set' (the default: tq's sorted set) or 'eta-header' (Celery's way, for queues Python Celery workers consume), got '${value}'`,
    );
  });

  it('refuses an unknown value in the config object too (plain JavaScript, a cast)', () => {
    expect(() => new RedisBroker({ delays: 'celery' } as unknown as RedisBrokerConfig)).toThrow(
      /RedisBroker delays must be .* got 'celery'/,
    );
  });

  it('a misspelt parameter name suggests delays', () => {
    expect(() => fromUrl('?delay=eta-header')).toThrow(/unknown parameter 'delay' \(did you mean 'delays'\?\)/);
  });

  it('eta-header: a direct publish with a delay but no eta header is refused before any I/O (it would run at once)', async () => {
    const broker = new RedisBroker({ delays: 'eta-header' });
    const message = createTaskMessage({ task: 'tasks.add', id: 'no-eta', args: [1, 2] });
    const error = await broker.publish('q', message, { delayMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedCapabilityError);
    expect(TqError.is(error, 'TQ_UNSUPPORTED_CAPABILITY')).toBe(true);
    expect((error as Error).message).toContain(
      'delays a message by its eta header, and no-eta (tasks.add) has none: set it (createTaskMessage({ eta }))',
    );
  });
});
