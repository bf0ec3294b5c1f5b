import { describe, expect, it } from 'vitest';
import { checkUrlParams, defaultLogger, memoryTransport, TqError } from '../../src/index.js';

describe('checkUrlParams', () => {
  it('accepts known parameters', () => {
    expect(() => checkUrlParams(new URL('redis://h/0?visibilityTimeoutMs=5000'), ['visibilityTimeoutMs'])).not.toThrow();
  });

  it('refuses a typo, suggesting the closest known name and listing them all', () => {
    const error = (() => {
      try {
        checkUrlParams(new URL('redis://h/0?visibiltyTimeoutMs=5000'), ['visibilityTimeoutMs', 'maxPriority']);
      } catch (e) {
        return e;
      }
    })();
    expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
    expect((error as Error).message).toBe(
      "redis:// URL has an unknown parameter 'visibiltyTimeoutMs' (did you mean 'visibilityTimeoutMs'?). Known: visibilityTimeoutMs, maxPriority.",
    );
  });

  it('names no suggestion when nothing is close', () => {
    expect(() => checkUrlParams(new URL('memory://?color=red'), ['expiresMs'])).toThrow(/unknown parameter 'color'\. Known: expiresMs\./);
  });

  it('memory:// refuses unknown parameters', () => {
    expect(() => memoryTransport.createBroker?.(new URL('memory://?maxPriorty=10'), { logger: defaultLogger() })).toThrow(
      /unknown parameter 'maxPriorty'/,
    );
  });
});
