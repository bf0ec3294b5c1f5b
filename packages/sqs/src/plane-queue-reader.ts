import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PlaneKind, PlaneQueues } from './plane-queues.js';
import { isAbort, isQueueMissing, sqsError } from './sqs-errors.js';

/** What a {@link PlaneQueueReader} needs from its broker. */
export interface PlaneQueueReaderOptions {
  client: () => SQSClient;
  queues: PlaneQueues;
  kind: PlaneKind;
  name: string;
  /** How long the queue lives unrenewed; renewed every third of it. */
  ttlMs: number;
  /** Long-poll wait of each receive, seconds. */
  waitTimeSeconds: number;
  /** Delete a received message (the broker's batched DeleteMessageBatch). */
  deleteMessage: (url: string, receiptHandle: string) => Promise<void>;
  /** Called with each message; a throw is reported, and reading goes on. */
  handler: (message: Message) => void;
  report: (error: Error) => void;
}

/**
 * One plane queue this process owns (a node's requests, a mailbox, a subscriber's events): created
 * by {@link PlaneQueueReader.open}, long-polled and emptied until {@link PlaneQueueReader.stop}
 * deletes it, its expiry tag renewed meanwhile so no sweeper takes it for a dead one's. Should a
 * sweeper take it all the same (this process stalled past the TTL), it is created again.
 */
export class PlaneQueueReader {
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly renewal: NodeJS.Timeout;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: PlaneQueueReaderOptions,
    private url: string,
  ) {
    this.renewal = setInterval(() => this.renew(), options.ttlMs / 3);
    this.renewal.unref();
  }

  /** Create the queue and start reading it. Resolves once it exists: what is sent to it from then on is read. */
  static async open(options: PlaneQueueReaderOptions): Promise<PlaneQueueReader> {
    const url = await options.queues.create(options.kind, options.name, options.ttlMs);
    const reader = new PlaneQueueReader(options, url);
    reader.loop = reader.run();
    return reader;
  }

  /** Stop reading and delete the queue (idempotent). */
  async stop(): Promise<void> {
    if (this.stopped) return this.loop;
    this.stopped = true;
    clearInterval(this.renewal);
    this.abort.abort();
    await this.loop;
    await this.options.queues.delete(this.url).catch((error: unknown) => this.options.report(error as Error));
  }

  private renew(): void {
    this.options.queues.renew(this.url, this.options.ttlMs).catch((error: unknown) => {
      if (!isQueueMissing(error)) this.options.report(sqsError(`Renewing ${this.options.name}`, error));
    });
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      try {
        await this.receive();
        failures = 0;
      } catch (error) {
        if (this.stopped || isAbort(error)) return;
        failures++;
        this.options.report(sqsError(`ReceiveMessage(${this.options.name})`, error));
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** failures)));
        if (isQueueMissing(error) && !this.stopped) await this.recreate();
      }
    }
  }

  private async receive(): Promise<void> {
    const { Messages = [] } = await this.options.client().send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: this.options.waitTimeSeconds,
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    for (const message of Messages) {
      // Received once is enough: a control or event message is best effort, never redelivered.
      if (message.ReceiptHandle) this.options.deleteMessage(this.url, message.ReceiptHandle).catch(() => {});
      try {
        this.options.handler(message);
      } catch (error) {
        this.options.report(error as Error);
      }
    }
  }

  /** The queue was swept under us: make it again (AWS may refuse the name for 60 s; the loop retries). */
  private async recreate(): Promise<void> {
    try {
      this.url = await this.options.queues.create(this.options.kind, this.options.name, this.options.ttlMs);
    } catch (error) {
      this.options.report(error as Error);
    }
  }
}
