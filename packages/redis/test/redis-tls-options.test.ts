import { ConfigurationError, defaultLogger } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { RedisBroker, RedisResultBackend, transport } from '../src/index.js';

describe("TLS settings of rediss:// (Celery's URL parameters, or the tls option)", () => {
  it('ssl_* parameters are known to both the broker and the backend URL', () => {
    const context = { logger: defaultLogger() };
    const url = new URL('rediss://127.0.0.1:6380/0?ssl_cert_reqs=none');
    expect(transport.createBroker?.(url, context)).toBeInstanceOf(RedisBroker);
    expect(transport.createResultBackend?.(url, context)).toBeInstanceOf(RedisResultBackend);
  });

  it('TLS settings with redis:// are refused: the scheme says whether the port speaks TLS', () => {
    expect(() => new RedisBroker({ url: 'redis://127.0.0.1:6379?ssl_cert_reqs=required' })).toThrow(
      'URL parameter ssl_cert_reqs needs a rediss:// URL',
    );
    expect(() => new RedisBroker({ url: 'redis://127.0.0.1:6379', tls: {} })).toThrow("the 'tls' option needs a rediss:// URL");
  });

  it('a CA file that cannot be read, or an unknown ssl_cert_reqs, fails at configuration naming the parameter', () => {
    expect(() => new RedisBroker({ url: 'rediss://127.0.0.1:6380?ssl_ca_certs=/nonexistent/ca.pem' })).toThrow(
      /^rediss:\/\/ URL parameter ssl_ca_certs: cannot read '\/nonexistent\/ca\.pem' \(ENOENT/,
    );
    expect(() => new RedisBroker({ url: 'rediss://127.0.0.1:6380?ssl_cert_reqs=maybe' })).toThrow(ConfigurationError);
  });
});
