import { ConfigurationError } from '@tq/core';

/** AMQP reply code RabbitMQ uses when an entity exists with other properties. */
const PRECONDITION_FAILED = 406;

/**
 * Turns RabbitMQ's PRECONDITION_FAILED on a declaration (the entity exists with other arguments)
 * into a ConfigurationError that names the entity, the argument that differs and what to do.
 * Other errors pass through unchanged.
 */
export function translateDeclareError(error: unknown, what: string): unknown {
  const { code, message } = error as { code?: number; message?: string };
  if (code !== PRECONDITION_FAILED || typeof message !== 'string') return error;
  const detail = /PRECONDITION_FAILED - (.*?)"?$/.exec(message)?.[1] ?? message;
  const argument = /inequivalent arg '([^']+)'/.exec(detail)?.[1];
  const hint = argument
    ? `The existing one differs in '${argument}'. Make tq's AmqpBrokerConfig match what created it (maxPriority for x-max-priority, queueType for x-queue-type, queueArguments for others), or delete the ${what.split(' ')[0]} if nothing else uses it.`
    : "Make tq's configuration match what created it, or delete it if nothing else uses it.";
  return new ConfigurationError(`${what} already exists with different settings: ${detail}. ${hint}`, { cause: error });
}

/** AMQP reply code for an entity that does not exist, or (quorum queues) whose replica is not running yet. */
const NOT_FOUND = 404;

/**
 * Whether a declaration failed only because RabbitMQ was still setting the entity up, so the same
 * declaration on a fresh channel will succeed: a quorum queue another connection is creating at
 * this moment answers NOT_FOUND "home node ... is down or inaccessible" until its replica runs,
 * and every other call on the channel that error closed fails with "Channel ended" or "Channel closed".
 */
export function isTransientDeclareError(error: unknown): boolean {
  const { code, message } = error as { code?: number; message?: string };
  if (typeof message !== 'string') return false;
  if (code === NOT_FOUND) return /home node .* is down or inaccessible/.test(message);
  return code === undefined && /^Channel (ended|closed)\b/.test(message);
}
