import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ConfigurationError } from '@tq/core';
import { deadLetterQueueName, sqsQueueName } from './queue-name.js';
import type { ResolvedSqsBrokerConfig } from './sqs-broker-config.js';
import { isQueueMissing, sqsError } from './sqs-errors.js';

/** One tq queue as it exists on SQS. */
export interface QueueInfo {
  /** The tq (Celery) queue name. */
  name: string;
  /** The SQS queue name (kombu's mapping). */
  sqsName: string;
  fifo: boolean;
  /** Visibility timeout of its deliveries, in whole seconds. */
  visibilitySeconds: number;
}

/**
 * Queue names and URLs: kombu's name mapping, a URL cache, and creation on first use (with the
 * visibility timeout, `FifoQueue`, and the dead-letter queue plus RedrivePolicy when configured).
 * Reads (`size`, `deadLetters`) never create queues.
 */
export class SqsQueues {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(
    private readonly client: () => SQSClient,
    private readonly config: ResolvedSqsBrokerConfig,
  ) {}

  /** Name mapping and per-queue settings of tq queue `name`. */
  info(name: string): QueueInfo {
    return {
      name,
      sqsName: sqsQueueName(name, { prefix: this.config.queueNamePrefix, fifo: this.config.fifo }),
      fifo: this.config.fifo,
      visibilitySeconds: this.config.queueVisibilitySeconds.get(name) ?? this.config.visibilityTimeoutSeconds,
    };
  }

  /** The queue's URL, creating the queue when it is missing (and `createQueues`). */
  async url(queue: QueueInfo): Promise<string> {
    const load = () => this.cached(queue.sqsName, () => this.lookupOrCreate(queue.sqsName, () => this.createQueue(queue)));
    try {
      return await load();
    } catch (error) {
      // A concurrent existingUrl() lookup found nothing; this caller may create it.
      if (isQueueMissing(error)) return load();
      throw error;
    }
  }

  /** The URL of the queue's dead-letter queue, created when missing. */
  async deadLetterUrl(queue: QueueInfo): Promise<string> {
    const name = deadLetterQueueName(queue.sqsName, this.config.deadLetterSuffix);
    const load = () => this.cached(name, () => this.lookupOrCreate(name, () => this.create(name, queue.fifo, {})));
    try {
      return await load();
    } catch (error) {
      // As in url(): a concurrent existingUrl() lookup (depth, deadLetters) found nothing; this caller may create it.
      if (isQueueMissing(error)) return load();
      throw error;
    }
  }

  /** The URL of an existing queue, or `undefined`; never creates. */
  async existingUrl(sqsName: string): Promise<string | undefined> {
    try {
      return await this.cached(sqsName, () => this.lookup(sqsName));
    } catch (error) {
      if (isQueueMissing(error)) return undefined;
      throw sqsError(`GetQueueUrl(${sqsName})`, error);
    }
  }

  /** The dead-letter queue name of a queue. */
  deadLetterName(queue: QueueInfo): string {
    return deadLetterQueueName(queue.sqsName, this.config.deadLetterSuffix);
  }

  /** Forget a URL (the queue was deleted under us); the next use looks it up again. */
  forget(sqsName: string): void {
    this.urls.delete(sqsName);
  }

  private cached(sqsName: string, load: () => Promise<string>): Promise<string> {
    let url = this.urls.get(sqsName);
    if (!url) {
      url = load();
      this.urls.set(sqsName, url);
      url.catch(() => this.urls.delete(sqsName));
    }
    return url;
  }

  private async lookup(sqsName: string): Promise<string> {
    const { QueueUrl } = await this.client().send(new GetQueueUrlCommand({ QueueName: sqsName }));
    if (!QueueUrl) throw new Error(`GetQueueUrl(${sqsName}) returned no URL`);
    return QueueUrl;
  }

  private async lookupOrCreate(sqsName: string, create: () => Promise<string>): Promise<string> {
    try {
      return await this.lookup(sqsName);
    } catch (error) {
      if (!isQueueMissing(error)) throw sqsError(`GetQueueUrl(${sqsName})`, error);
      if (!this.config.createQueues) {
        throw new ConfigurationError(
          `SQS queue '${sqsName}' does not exist, and this broker does not create queues (createQueues: false).`,
          {
            cause: error,
          },
        );
      }
      return create();
    }
  }

  private async createQueue(queue: QueueInfo): Promise<string> {
    const attributes: Record<string, string> = { VisibilityTimeout: String(queue.visibilitySeconds) };
    if (this.config.maxReceiveCount !== undefined) {
      const deadLetterUrl = await this.deadLetterUrl(queue);
      const arn = await this.arnOf(deadLetterUrl);
      attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: this.config.maxReceiveCount });
    }
    return this.create(queue.sqsName, queue.fifo, attributes);
  }

  private async create(sqsName: string, fifo: boolean, attributes: Record<string, string>): Promise<string> {
    try {
      const { QueueUrl } = await this.client().send(
        new CreateQueueCommand({ QueueName: sqsName, Attributes: { ...attributes, ...(fifo ? { FifoQueue: 'true' } : {}) } }),
      );
      if (!QueueUrl) throw new Error('CreateQueue returned no URL');
      return QueueUrl;
    } catch (error) {
      throw sqsError(`CreateQueue(${sqsName})`, error);
    }
  }

  private async arnOf(url: string): Promise<string> {
    try {
      const { Attributes } = await this.client().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      const arn = Attributes?.QueueArn;
      if (!arn) throw new Error('no QueueArn attribute');
      return arn;
    } catch (error) {
      throw sqsError(`GetQueueAttributes(${url}, QueueArn)`, error);
    }
  }
}
