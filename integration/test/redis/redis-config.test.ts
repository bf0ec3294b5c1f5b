import { createApp, TqError } from '@tq/core';
import { expect, it } from 'vitest';
import { brokerUrl } from '../../harness/index.js';

it('a URL naming a database the server does not have is refused, not silently db 0', async () => {
  const url = new URL(brokerUrl('redis'));
  url.pathname = '/99';
  const app = createApp({ broker: url.href });
  try {
    const error = await app.connect().catch((e: unknown) => e);
    expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
    expect((error as Error).message).toMatch(/^Redis at 127\.0\.0\.1:\d+ has no database 99 \(the URL path\): .*out of range/);
  } finally {
    await app.close();
  }
});

it('a misspelt URL parameter is refused with the closest known one', async () => {
  const app = createApp({ broker: `${brokerUrl('redis')}?visibiltyTimeoutMs=5000` });
  await expect(app.connect()).rejects.toThrow(/unknown parameter 'visibiltyTimeoutMs' \(did you mean 'visibilityTimeoutMs'\?\)/);
  await app.close();
});
