import { ConfigurationError } from '@tq/core';

/** The suffix that makes an SQS queue a FIFO queue. */
export const FIFO_SUFFIX = '.fifo';

/** SQS: 1–80 characters, alphanumerics, `-` and `_`, plus `.fifo` at the end of a FIFO queue. */
const VALID_SQS_NAME = /^[A-Za-z0-9_-]{1,75}(?:\.fifo)?$|^[A-Za-z0-9_-]{1,80}$/;

/** ASCII punctuation that kombu replaces with `_` (everything but `-`, `_` and `.`). */
const PUNCTUATION = /[!"#$%&'()*+,/:;<=>?@[\\\]^`{|}~]/g;

/**
 * kombu's `entity_name`: a Celery queue name as a legal SQS queue name. `.` becomes `-`, every
 * other ASCII punctuation except `-` and `_` becomes `_`, and a trailing `.fifo` is kept. So
 * Celery's `high.priority` and tq's `high.priority` both live in the SQS queue `high-priority`.
 */
export function entityName(name: string): string {
  const fifo = name.endsWith(FIFO_SUFFIX);
  const base = fifo ? name.slice(0, -FIFO_SUFFIX.length) : name;
  return base.replace(PUNCTUATION, '_').replaceAll('.', '-') + (fifo ? FIFO_SUFFIX : '');
}

/**
 * The SQS queue name of a tq queue: kombu's `entity_name(prefix + queue)`, with `.fifo` appended
 * on a FIFO broker (Celery names its FIFO queue `name.fifo` itself; tq's `name` reaches the same one).
 *
 * @throws ConfigurationError when the result is not a legal SQS name, or when a standard broker is
 *   given a `.fifo` queue (its capabilities would then lie: use a broker with `fifo: true`).
 */
export function sqsQueueName(queue: string, options: { prefix: string; fifo: boolean }): string {
  const full = options.prefix + queue;
  if (!options.fifo && full.endsWith(FIFO_SUFFIX)) {
    throw new ConfigurationError(
      `Queue '${queue}' names an SQS FIFO queue, but this broker is configured for standard queues. Use a broker with fifo: true (sqs://...?fifo=true) for FIFO queues.`,
    );
  }
  const name = entityName(options.fifo && !full.endsWith(FIFO_SUFFIX) ? full + FIFO_SUFFIX : full);
  if (!VALID_SQS_NAME.test(name)) {
    throw new ConfigurationError(
      `Queue '${queue}' maps to the SQS queue name '${name}', which SQS refuses: at most 80 characters (the .fifo suffix included), letters, digits, '-' and '_'.`,
    );
  }
  return name;
}

/** The dead-letter queue's name for an SQS queue: `<name><suffix>`, keeping `.fifo` last. */
export function deadLetterQueueName(sqsName: string, suffix: string): string {
  const fifo = sqsName.endsWith(FIFO_SUFFIX);
  const base = fifo ? sqsName.slice(0, -FIFO_SUFFIX.length) : sqsName;
  const name = base + suffix + (fifo ? FIFO_SUFFIX : '');
  if (!VALID_SQS_NAME.test(name)) {
    throw new ConfigurationError(`The dead-letter queue name '${name}' (queue '${sqsName}' + '${suffix}') is not a legal SQS queue name.`);
  }
  return name;
}
