import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * Default `maxDeliveries` of a worker: 10. High enough that a message whose worker died for
 * unrelated reasons (deploys, OOM kills of a neighbour, node loss) a few times still runs; low
 * enough that a task which kills or blocks its worker every time (a CPU-bound loop that outlives
 * the visibility timeout, a native crash) stops after minutes, not never. Celery has no limit;
 * RabbitMQ quorum queues default to 20 returns, SQS redrive policies are commonly set to 3–10.
 */
export const DEFAULT_MAX_DELIVERIES = 10;

/**
 * `value` when it is a valid `maxDeliveries` (a positive integer, or `Infinity` for no limit),
 * `undefined` when absent.
 *
 * @throws ConfigurationError naming `owner`, e.g. "task 'resize' maxDeliveries must be ..."
 */
export function checkMaxDeliveries(owner: string, value: number | undefined): number | undefined {
  if (value === undefined || value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value > 0)) return value;
  throw new ConfigurationError(`${owner} maxDeliveries must be a positive integer (or Infinity for no limit), got ${value}`);
}
