import { TqError } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { isTransientDeclareError, translateDeclareError } from '../src/topology/declare-error.js';

describe('translateDeclareError', () => {
  it('names the entity and the argument that differs', () => {
    const amqp = Object.assign(
      new Error(
        `Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - inequivalent arg 'x-max-priority' for queue 'celery' in vhost '/': received the value '10' of type 'signedint' but current is none"`,
      ),
      { code: 406 },
    );
    const error = translateDeclareError(amqp, "Queue 'celery'");
    expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
    expect((error as Error).message).toMatch(/^Queue 'celery' already exists with different settings: inequivalent arg 'x-max-priority'/);
    expect((error as Error).message).toMatch(/differs in 'x-max-priority'.*maxPriority/);
  });

  it('passes other errors through', () => {
    const other = Object.assign(new Error('NOT_FOUND'), { code: 404 });
    expect(translateDeclareError(other, "Queue 'q'")).toBe(other);
  });
});

describe('isTransientDeclareError', () => {
  it('is true for a quorum queue another connection is still creating, and for calls on the channel that closed', () => {
    const homeNodeDown = Object.assign(
      new Error(
        `Operation failed: QueueDeclare; 404 (NOT-FOUND) with message "NOT_FOUND - home node 'rabbit@host' of durable queue 'tq.delay.q.29' in vhost '/' is down or inaccessible"`,
      ),
      { code: 404 },
    );
    expect(isTransientDeclareError(homeNodeDown)).toBe(true);
    expect(isTransientDeclareError(new Error('Channel ended, no reply will be forthcoming'))).toBe(true);
    expect(isTransientDeclareError(new Error('Channel closed'))).toBe(true);
  });

  it('is false for refusals that a retry cannot change', () => {
    const missing = Object.assign(
      new Error(`Operation failed: QueueBind; 404 (NOT-FOUND) with message "NOT_FOUND - no exchange 'x' in vhost '/'"`),
      {
        code: 404,
      },
    );
    const differs = Object.assign(new Error('Channel closed by server: 406 (PRECONDITION-FAILED) with message "inequivalent arg"'), {
      code: 406,
    });
    expect(isTransientDeclareError(missing)).toBe(false);
    expect(isTransientDeclareError(differs)).toBe(false);
    expect(isTransientDeclareError(new Error('ECONNREFUSED'))).toBe(false);
  });
});
