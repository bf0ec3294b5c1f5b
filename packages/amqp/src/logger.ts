/** What `@tq/amqp` logs through: a subset of pino's API, so an app's pino logger fits as is. */
export interface AmqpLogger {
  warn(context: Record<string, unknown>, message: string): void;
  error(context: Record<string, unknown>, message: string): void;
}

/**
 * Default logger: one line on stderr. Reconnects and dropped channels must be visible even when
 * the user passed no logger, so the default is not silent.
 */
export const stderrLogger: AmqpLogger = {
  warn: (context, message) => console.warn(`[tq/amqp] ${message}`, describe(context)),
  error: (context, message) => console.error(`[tq/amqp] ${message}`, describe(context)),
};

function describe(context: Record<string, unknown>): string {
  const err = context.err;
  const rest = Object.entries(context).filter(([key]) => key !== 'err');
  const parts = rest.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  if (err instanceof Error) parts.push(`error=${err.message}`);
  return parts.join(' ');
}
