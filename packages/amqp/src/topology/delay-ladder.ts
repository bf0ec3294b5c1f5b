import { ConfigurationError } from '@tq/core';

/**
 * Delays without the delayed-message plugin: a ladder of TTL queues, one per power of two of
 * milliseconds, linked by dead-letter exchanges (the idea of Celery 5.5's native delayed delivery,
 * at millisecond resolution and with one ladder per destination queue, so `size` and `purge` can
 * count and drop the delayed messages of exactly that queue).
 *
 * A delay of `d` ms travels with routing key `<bit N-1>.….<bit 0>.<queue>`. Topic exchange
 * `tq.delay.<k>` sends it to the level queue `tq.delay.<queue>.<k>` (TTL 2^k ms) when bit k is 1,
 * else straight on to exchange `k-1`. Expiring from level k dead-letters it (routing key
 * unchanged) to exchange `k-1`; after level 0, exchange `tq.delay.deliver` puts it on `<queue>`.
 * Each level queue holds one TTL, so its head always expires first: nothing waits behind a longer
 * message, and the total wait is exactly `d` plus a few hops (never early).
 *
 * Nothing is held by a consumer or in worker memory while it waits, so an hours-long countdown
 * cannot trip RabbitMQ's `consumer_timeout` (celery#6760).
 */
export class DelayLadder {
  /** Longest delay one trip up the ladder covers. */
  readonly maxDelayMs: number;

  constructor(readonly levels: number) {
    if (!Number.isInteger(levels) || levels < 1 || levels > 40) {
      throw new ConfigurationError(`delayLevels must be an integer 1–40 (maxDelayMs = 2^levels - 1 ms), got ${levels}`);
    }
    this.maxDelayMs = 2 ** levels - 1;
  }

  /** The exchange a delayed message is published to: the top of the ladder. */
  get entryExchange(): string {
    return levelExchange(this.levels - 1);
  }

  /** Exchange that hands a message whose delay is over to its destination queue. */
  static readonly deliverExchange = 'tq.delay.deliver';

  /** Routing key for `delayMs` (rounded up to whole ms) to `queue`. */
  routingKey(queue: string, delayMs: number): string {
    const ms = Math.min(Math.ceil(delayMs), this.maxDelayMs);
    const key = `${ms.toString(2).padStart(this.levels, '0').split('').join('.')}.${queue}`;
    if (Buffer.byteLength(key) > 255) {
      throw new ConfigurationError(
        `Queue name '${queue}' is too long for delayed messages: the routing key would be ${Buffer.byteLength(key)} bytes (AMQP allows 255; the delay takes ${2 * this.levels})`,
      );
    }
    return key;
  }

  /** Level queue `k` of `queue`. */
  levelQueue(queue: string, level: number): string {
    return `tq.delay.${queue}.${level}`;
  }

  /** Every level queue of `queue`, shortest TTL first. */
  levelQueues(queue: string): string[] {
    return Array.from({ length: this.levels }, (_, level) => this.levelQueue(queue, level));
  }

  /** Binding of level queue `k` of `queue` to exchange `k`: bit k set, then exactly the queue's words. */
  levelPattern(queue: string, level: number): string {
    return `${'*.'.repeat(this.levels - 1 - level)}1.${'*.'.repeat(level)}${checkedQueue(queue)}`;
  }

  /** Binding from exchange `k` to the next one down: bit k clear. */
  passPattern(level: number): string {
    return `${'*.'.repeat(this.levels - 1 - level)}0.#`;
  }

  /** Binding of `queue` to the deliver exchange: any bits, then exactly the queue's words. */
  deliverPattern(queue: string): string {
    return `${'*.'.repeat(this.levels)}${checkedQueue(queue)}`;
  }

  /** Where level `k` dead-letters to. */
  nextExchange(level: number): string {
    return level === 0 ? DelayLadder.deliverExchange : levelExchange(level - 1);
  }
}

/** Topic exchange of level `k`. */
export function levelExchange(level: number): string {
  return `tq.delay.${level}`;
}

function checkedQueue(queue: string): string {
  // In a binding pattern these would be wildcards and match other queues' messages.
  if (queue.split('.').some((word) => word === '*' || word === '#')) {
    throw new ConfigurationError(
      `Queue '${queue}' cannot take delayed messages: a dot-separated word '*' or '#' would be a wildcard in RabbitMQ topic routing`,
    );
  }
  return queue;
}
