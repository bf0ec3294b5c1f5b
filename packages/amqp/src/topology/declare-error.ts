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
