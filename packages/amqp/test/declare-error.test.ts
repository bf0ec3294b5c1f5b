import { TqError } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { translateDeclareError } from '../src/topology/declare-error.js';

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
