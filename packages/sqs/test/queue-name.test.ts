import { TqError } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { deadLetterQueueName, entityName, sqsQueueName } from '../src/index.js';

describe('kombu queue naming (spec §4.1)', () => {
  it("maps '.' to '-' and other punctuation to '_', keeping '-', '_' and a trailing .fifo", () => {
    expect(entityName('celery')).toBe('celery');
    expect(entityName('high.priority')).toBe('high-priority');
    expect(entityName('a:b/c@d!e#f')).toBe('a_b_c_d_e_f');
    expect(entityName('keep-this_too')).toBe('keep-this_too');
    expect(entityName('orders.eu.fifo')).toBe('orders-eu.fifo');
  });

  it('prepends the prefix before mapping, like kombu (dev- + high.priority = dev-high-priority)', () => {
    expect(sqsQueueName('high.priority', { prefix: 'dev-', fifo: false })).toBe('dev-high-priority');
    expect(sqsQueueName('celery', { prefix: 'dev-', fifo: false })).toBe('dev-celery');
  });

  it('a FIFO broker appends .fifo (or keeps it); a standard broker refuses .fifo queues', () => {
    expect(sqsQueueName('celery', { prefix: '', fifo: true })).toBe('celery.fifo');
    expect(sqsQueueName('celery.fifo', { prefix: '', fifo: true })).toBe('celery.fifo');
    expect(() => sqsQueueName('celery.fifo', { prefix: '', fifo: false })).toThrow(/fifo: true/);
  });

  it('refuses names SQS would refuse, saying why', () => {
    const error = (() => {
      try {
        sqsQueueName('x'.repeat(81), { prefix: '', fifo: false });
      } catch (e) {
        return e;
      }
    })();
    expect(TqError.is(error, 'TQ_CONFIGURATION')).toBe(true);
    expect(String((error as Error).message)).toMatch(/80 characters/);
    expect(() => sqsQueueName('zażółć', { prefix: '', fifo: false })).toThrow(/letters, digits/);
    expect(sqsQueueName('x'.repeat(80), { prefix: '', fifo: false })).toHaveLength(80);
    expect(() => sqsQueueName('x'.repeat(76), { prefix: '', fifo: true })).toThrow();
  });

  it('dead-letter queues: <name><suffix>, .fifo kept last', () => {
    expect(deadLetterQueueName('celery', '-dlq')).toBe('celery-dlq');
    expect(deadLetterQueueName('celery.fifo', '-dlq')).toBe('celery-dlq.fifo');
  });
});
