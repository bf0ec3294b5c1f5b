import { ConfigurationError } from '@tq/core';

/** Topic names Kafka accepts (legal characters, room for the tier suffixes). */
const LEGAL = /^[A-Za-z0-9._-]{1,200}$/;

/** The topics of one queue. */
export interface QueueTopics {
  queue: string;
  /** Where tasks wait: the queue's own name. */
  main: string;
  /** One per delay tier, shortest first. */
  delays: readonly { topic: string; tierMs: number }[];
  /** Dead letters. */
  dead: string;
}

/** The topics of `queue`: `<queue>`, `<queue>.tq-delay-<tier>` per tier, `<queue>.tq-dead`. */
export function queueTopics(queue: string, tiersMs: readonly number[]): QueueTopics {
  if (!LEGAL.test(queue) || queue === '.' || queue === '..') {
    throw new ConfigurationError(
      `Queue name '${queue}' cannot be a Kafka topic: use 1-200 characters of A-Z a-z 0-9 . _ - (the queue is the topic).`,
    );
  }
  return {
    queue,
    main: queue,
    delays: tiersMs.map((tierMs) => ({ topic: `${queue}.tq-delay-${tierLabel(tierMs)}`, tierMs })),
    dead: `${queue}.tq-dead`,
  };
}

/** The tier a delay goes to: the shortest at least as long (the longest when none is). */
export function tierFor(topics: QueueTopics, delayMs: number): string {
  const tier = topics.delays.find((d) => d.tierMs >= delayMs) ?? topics.delays[topics.delays.length - 1];
  if (!tier) throw new ConfigurationError('This Kafka broker has no delay tiers');
  return tier.topic;
}

function tierLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
