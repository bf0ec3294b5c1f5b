import { describe, expect, it } from 'vitest';
import { ConfigurationError, createApp, maskCredentials } from '../../src/index.js';

const PASSWORD = 'S3cr3t-Pa55';

describe('passwords in broker and backend URLs are never printed', () => {
  const cases: [string, string][] = [
    [`redis://user:${PASSWORD}@host:6379/0`, 'redis://user:***@host:6379/0'],
    [`rediss://:${PASSWORD}@host:6380`, 'rediss://:***@host:6380'],
    [`amqp://guest:${PASSWORD}@rabbit:5672/vhost?heartbeat=10`, 'amqp://guest:***@rabbit:5672/vhost?heartbeat=10'],
    // Unencoded characters that make the URL invalid, the usual reason it is printed at all.
    [`redis://user:p#${PASSWORD}@host:6379/0`, 'redis://user:***@host:6379/0'],
    [`redis://user:a/b@${PASSWORD}@host:6379`, 'redis://user:***@host:6379'],
    [`sqs://AKIAEXAMPLE:${PASSWORD}?x@localhost:9324`, 'sqs://AKIAEXAMPLE:***@localhost:9324'],
  ];
  for (const [spec, shown] of cases) {
    it(`maskCredentials(${JSON.stringify(spec.replace(PASSWORD, '<password>'))})`, () => {
      expect(maskCredentials(spec)).toBe(shown);
    });
  }

  it('leaves URLs without a password as they are', () => {
    for (const spec of ['memory://', 'redis://host:6379/0', 'redis://user@host', 'kafka://a:9092,b:9092', 'not a url']) {
      expect(maskCredentials(spec)).toBe(spec);
    }
  });

  it("app.describe() masks them, whatever the password's characters", () => {
    for (const [spec, shown] of cases) {
      expect(createApp({ broker: spec, backend: spec }).describe()).toEqual({ broker: shown, backend: shown });
    }
  });

  it('an unparseable URL is refused without printing its password, in the message or in a cause', async () => {
    const app = createApp({ broker: `redis://user:p#${PASSWORD}@host:6379/0` });
    const error = await app.broker().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/The broker URL 'redis:\/\/user:\*\*\*@host:6379\/0' is not a URL.*percent-encode/);
    // Node's URL error carries the whole input; it must not ride along as the cause.
    expect((error as Error).cause).toBeUndefined();
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(PASSWORD);
  });
});
