import type { Logger } from '@tq/core';
import type { AckBatcher } from './ack-batcher.js';
import type { KeySpace } from './key-space.js';
import type { RedisConnection } from './redis-connection.js';

/** What consumers and deliveries share with their broker. */
export interface BrokerContext {
  readonly connection: RedisConnection;
  readonly keys: KeySpace;
  readonly acks: AckBatcher;
  readonly visibilityTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly claimBatchSize: number;
  readonly deadLetterLimit: number;
  /** A process-unique id (claim id prefixes, delayed members). */
  uniqueId(): string;
  /** Wake a consumer of `queue` that waits for work (an idle one through its inbox; in a cluster, the doorbell). */
  ring(queue: string): Promise<void>;
  /** For background errors nobody can be handed (a failed claim, a stalled doorbell); consumption goes on. */
  readonly logger: Logger;
}
