import { describe, expect, it } from 'vitest';
import { importTransport, resolveBroker, resolveResultBackend } from '../../src/client/resolve-transport.js';
import {
  ConfigurationError,
  defaultLogger,
  MemoryBroker,
  MemoryResultBackend,
  TqError,
  TransportNotInstalledError,
} from '../../src/index.js';

const context = { logger: defaultLogger() };

describe('resolving transports by URL', () => {
  it('builds memory:// itself', async () => {
    expect(await resolveBroker('memory://', context)).toBeInstanceOf(MemoryBroker);
    expect(await resolveResultBackend('memory://', context)).toBeInstanceOf(MemoryResultBackend);
  });

  it('passes objects through', async () => {
    const broker = new MemoryBroker();
    expect(await resolveBroker(broker, context)).toBe(broker);
  });

  it('names the package to install when a scheme’s package is missing', async () => {
    const error = await importTransport('redis', '@tq/package-that-is-not-installed').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportNotInstalledError);
    expect(TqError.is(error, 'TQ_TRANSPORT_NOT_INSTALLED')).toBe(true);
    expect((error as Error).message).toBe(
      "The 'redis://' transport lives in @tq/package-that-is-not-installed, which is not installed. Run: npm install @tq/package-that-is-not-installed",
    );
  });

  it('rejects unknown schemes and non-URLs, listing what is known', async () => {
    await expect(resolveBroker('nats://localhost', context)).rejects.toThrow(/Unknown URL scheme 'nats:\/\/'.*memory:\/\/, redis:\/\//);
    await expect(resolveBroker('not a url', context)).rejects.toBeInstanceOf(ConfigurationError);
  });
});
