import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type Broker,
  type BrokerCapabilities,
  BrokerConnectionError,
  type ConsumeOptions,
  type ControlChannel,
  type DeadLetter,
  type DeliveryHandler,
  defaultLogger,
  type EventChannel,
  type Logger,
  type OutgoingMessage,
  type PublishOptions,
  type QueueDepth,
  type Subscription,
  type TaskMessage,
} from '@tq/core';
import { Batcher } from './batcher.js';
import { createSqsClient } from './create-sqs-client.js';
import { type OutgoingSqsMessage, sqsId, sqsText, stringAttributes } from './outgoing.js';
import { encodeSqsBody, rawSqsBody, unwrapBase64 } from './sqs-body.js';
import { type ResolvedSqsBrokerConfig, resolveConfig, type SqsBrokerConfig } from './sqs-broker-config.js';
import { SqsConsumer } from './sqs-consumer.js';
import { SqsControlChannel } from './sqs-control-channel.js';
import { DELIVERY_OFFSET_ATTRIBUTE, type DeliveryOperations, type SqsDelivery } from './sqs-delivery.js';
import { isQueueMissing, sqsError } from './sqs-errors.js';
import { SqsEventChannel } from './sqs-event-channel.js';
import { SqsPlanes } from './sqs-planes.js';
import { type QueueInfo, SqsQueues } from './sqs-queues.js';

/** SQS batch calls take at most 10 entries. */
const BATCH_SIZE = 10;
/** Retries of batch entries that failed on SQS's side (throttling, internal errors). */
const ENTRY_RETRIES = 3;
/** Attributes of a dead letter. */
const REASON_ATTRIBUTE = 'tq-reason';
const QUEUE_ATTRIBUTE = 'tq-queue';
const DEAD_AT_ATTRIBUTE = 'tq-dead-lettered-at';
/** Orders dead letters that share a SendMessageBatch (and so a SentTimestamp): µs since the epoch, unique per process. */
const DEAD_ORDER_ATTRIBUTE = 'tq-dead-letter-order';
/** How long `deadLetters()` keeps the messages it reads invisible (it makes them visible again when done). */
const DEAD_LETTER_READ_SECONDS = 30;

/**
 * The SQS broker, for standard or (with `fifo: true`) FIFO queues, on AWS or any SQS-compatible
 * server. Messages are kombu's: the JSON envelope base64-encoded as the MessageBody, in queues
 * named like kombu names them, so Celery workers and tq workers share queues.
 *
 * Every call that can carry 10 messages does: publishes made in the same event-loop turn share a
 * SendMessageBatch, receives ask for 10 once there is room for 10, acks wait a few ms for company
 * in a DeleteMessageBatch, and visibility changes (nacks, heartbeats) are batched the same way.
 *
 * Core's runtime wraps it (connect/close once, capability and size checks, consume checks,
 * heartbeats, logging): this class moves messages. Remote control and events, which SQS cannot fan
 * out, use one queue per listener, mailbox and subscriber, swept when their owner dies (ADR 0026).
 */
export class SqsBroker implements Broker {
  readonly capabilities: BrokerCapabilities;
  readonly messagingSystem = 'aws_sqs';
  /** Remote control: a queue per node and per mailbox (ADR 0026). */
  readonly control: ControlChannel;
  /** Events: a queue per subscriber (ADR 0026). */
  readonly events: EventChannel;
  /** The endpoint's `host[:port]` (known once connected), for errors. */
  address: string | undefined;
  private readonly settings: ResolvedSqsBrokerConfig;
  private readonly queues: SqsQueues;
  private client: SQSClient | undefined;
  private logger: Logger;
  private readonly consumers = new Set<SqsConsumer>();
  private readonly sends: Batcher<OutgoingSqsMessage>;
  private readonly deletes: Batcher<string>;
  private readonly visibility: Batcher<{ receiptHandle: string; seconds: number }>;
  private readonly operations: DeliveryOperations;
  private readonly recentErrors = new Map<string, number>();
  private lastDeadLetterOrder = 0;
  private readonly planes: SqsPlanes;

  constructor(private readonly config: SqsBrokerConfig = {}) {
    this.settings = resolveConfig(config);
    this.logger = (config.logger ?? defaultLogger()).child({ transport: 'sqs' });
    const fifo = this.settings.fifo;
    this.capabilities = {
      // DelaySeconds, whole seconds (rounded up), at most 15 minutes; FIFO queues have no per-message delay.
      delay: fifo ? false : { maxDelayMs: this.settings.maxDelayMs, emulated: false },
      priority: false,
      ack: 'per-message',
      visibilityTimeout: true,
      extendVisibility: true,
      deadLetter: true,
      // FIFO: MessageGroupId = orderingKey. Standard queues promise no order at all.
      ordering: fifo ? 'per-key' : 'none',
      // SQS has no fan-out: one queue per listener, sent to one by one (ADR 0026).
      broadcast: true,
      events: true,
      batchPublish: true,
      maxMessageBytes: this.settings.maxMessageBytes,
      // FIFO: a requeue changes the visibility (a re-send would lose the group's order), and SQS counts that receive.
      requeueCountsAsDelivery: fifo,
    };
    this.queues = new SqsQueues(() => this.sqs, this.settings);
    this.sends = new Batcher({
      maxItems: BATCH_SIZE,
      maxBytes: this.settings.maxSqsBytes,
      sizeOf: (m) => m.bytes,
      window: 'tick',
      serial: fifo,
      send: (url, items) => this.sendBatch(url, items),
    });
    this.deletes = new Batcher({
      maxItems: BATCH_SIZE,
      window: this.settings.ackBatchWindowMs,
      send: (url, handles) => this.deleteBatch(url, handles),
    });
    this.visibility = new Batcher({
      maxItems: BATCH_SIZE,
      window: this.settings.ackBatchWindowMs,
      send: (url, items) => this.visibilityBatch(url, items),
    });
    this.operations = {
      maxDelayMs: this.settings.maxDelayMs,
      deleteMessage: (url, handle) => this.deletes.add(url, handle),
      changeVisibility: (url, handle, seconds) => this.visibility.add(url, { receiptHandle: handle, seconds }),
      resend: (delivery, delaySeconds) => this.resend(delivery, delaySeconds),
      deadLetter: (delivery, reason) => this.moveToDeadLetters(delivery, reason),
    };
    this.planes = new SqsPlanes({
      client: () => this.sqs,
      prefix: this.settings.queueNamePrefix,
      ttlMs: this.settings.planeQueueTtlMs,
      waitTimeSeconds: this.settings.waitTimeSeconds,
      send: (url, message) => this.sends.add(url, message),
      deleteMessage: (url, handle) => this.deletes.add(url, handle),
      report: (error) => this.report(error),
    });
    this.control = new SqsControlChannel(this.planes);
    this.events = new SqsEventChannel(this.planes);
  }

  /** The client: the user's, or one tq creates on first use (SQS has no connection to open). */
  private get sqs(): SQSClient {
    this.client ??= this.config.client ?? createSqsClient(this.config);
    return this.client;
  }

  /** Strictly increasing µs timestamps for {@link DEAD_ORDER_ATTRIBUTE}. */
  private nextDeadLetterOrder(): number {
    this.lastDeadLetterOrder = Math.max(this.lastDeadLetterOrder + 1, Date.now() * 1000);
    return this.lastDeadLetterOrder;
  }

  /** The SQS queue name a tq queue lives in (kombu's mapping, plus `.fifo` on a FIFO broker). */
  sqsQueueName(queue: string): string {
    return this.queues.info(queue).sqsName;
  }

  /**
   * No network I/O (SQS has no connection; the first call shows whether it is reachable): names
   * the endpoint in the logger, so errors logged later say where they went.
   */
  async connect(): Promise<void> {
    this.address = await endpointOf(this.sqs);
    this.logger = this.logger.child({ endpoint: this.address });
  }

  /**
   * Stops consumers, waits for their polls in flight (releasing what they bring) and for pending
   * acks, then destroys the client tq created (never one passed in). `force` aborts the polls and
   * does not wait.
   */
  async close(options: { force?: boolean } = {}): Promise<void> {
    const consumers = [...this.consumers];
    this.consumers.clear();
    await this.planes.close();
    for (const consumer of consumers) {
      if (options.force) consumer.abort();
      else await consumer.close();
    }
    if (!options.force) {
      await Promise.all(consumers.map((c) => c.finished));
      await Promise.all([this.sends.flush(), this.deletes.flush(), this.visibility.flush()]);
    }
    if (!this.config.client) this.client?.destroy();
  }

  async publish(queue: string, message: TaskMessage, options: PublishOptions = {}): Promise<void> {
    const info = this.queues.info(queue);
    const outgoing = this.encode(info, message, options);
    const url = await this.queues.url(info);
    await this.sends.add(url, outgoing);
  }

  /** SendMessageBatch, 10 a call (and at most the size SQS takes per call). */
  async publishBatch(messages: readonly OutgoingMessage[]): Promise<void> {
    const infos = messages.map((m) => this.queues.info(m.queue));
    const outgoing = messages.map((m, i) => this.encode(infos[i] as QueueInfo, m.message, m.options ?? {}));
    const urls = await Promise.all(infos.map((info) => this.queues.url(info)));
    await Promise.all(outgoing.map((m, i) => this.sends.add(urls[i] as string, m)));
  }

  /**
   * Puts bytes on a queue as they are (no envelope, no checks): for tests and tools, e.g. a poison
   * message. Text goes as the body; bytes (and text SQS would refuse) go base64-encoded, as kombu
   * sends everything, and arrive as `Delivery.raw` unchanged.
   */
  async publishRaw(queue: string, raw: Uint8Array | string): Promise<void> {
    const info = this.queues.info(queue);
    const body = rawSqsBody(raw);
    const bytes = Buffer.byteLength(body);
    const id = `raw-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const url = await this.queues.url(info);
    await this.sends.add(url, { body, bytes, ...(info.fifo ? { groupId: id, deduplicationId: id } : {}) });
  }

  async consume(queues: readonly string[], handler: DeliveryHandler, options: ConsumeOptions): Promise<Subscription> {
    const infos = [...new Set(queues)].map((q) => this.queues.info(q));
    // Resolve (and create) the queues first, so a wrong name or missing permission fails here, not in a poll.
    await Promise.all(infos.map((info) => this.queues.url(info)));
    const consumer = new SqsConsumer(
      {
        ...this.operations,
        url: (info) => this.queues.url(info),
        forgetUrl: (info) => this.queues.forget(info.sqsName),
        receive: (url, info, max, signal) => this.receive(url, info, max, signal),
        release: (url, handles) =>
          Promise.all(handles.map((h) => this.visibility.add(url, { receiptHandle: h, seconds: 0 }))).then(() => {}),
        onError: (error) => this.report(error),
      },
      {
        queues: infos,
        handler,
        prefetch: options.prefetch,
        waitTimeSeconds: this.settings.waitTimeSeconds,
        maxReceivesPerQueue: this.settings.maxReceivesPerQueue,
        onClose: () => {},
      },
    );
    this.consumers.add(consumer);
    consumer.start();
    return consumer;
  }

  /** PurgeQueue; returns how many messages were waiting (ready + delayed) just before. */
  async purge(queue: string): Promise<number> {
    const info = this.queues.info(queue);
    const url = await this.queues.existingUrl(info.sqsName);
    if (!url) return 0;
    const waiting = await this.waiting(url, info);
    try {
      await this.sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    } catch (error) {
      if (isQueueMissing(error)) return 0;
      throw sqsError(`PurgeQueue(${info.sqsName}) (SQS allows one purge per queue every 60 s)`, error);
    }
    return waiting;
  }

  /** ApproximateNumberOfMessages + ApproximateNumberOfMessagesDelayed (exact on ElasticMQ, approximate on AWS). */
  async size(queue: string): Promise<number> {
    const info = this.queues.info(queue);
    const url = await this.queues.existingUrl(info.sqsName);
    return url ? this.waiting(url, info) : 0;
  }

  /** `size` split into ready and delayed, plus the dead-letter queue's messages (approximate on AWS, exact on ElasticMQ). */
  async depth(queue: string): Promise<QueueDepth> {
    const info = this.queues.info(queue);
    const deadName = this.queues.deadLetterName(info);
    const [url, deadUrl] = await Promise.all([this.queues.existingUrl(info.sqsName), this.queues.existingUrl(deadName)]);
    const [counts, dead] = await Promise.all([
      url ? this.counts(url, info.sqsName) : { ready: 0, delayed: 0 },
      deadUrl ? this.counts(deadUrl, deadName) : { ready: 0, delayed: 0 },
    ]);
    return { ...counts, deadLetters: dead.ready + dead.delayed };
  }

  /**
   * Reads up to `limit` messages of the queue's dead-letter queue without removing them: they are
   * received, then made visible again. Reasons come from the `tq-reason` attribute; messages that
   * SQS moved there by a RedrivePolicy have none and say so.
   */
  async deadLetters(queue: string, limit = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
    const info = this.queues.info(queue);
    const url = await this.queues.existingUrl(this.queues.deadLetterName(info));
    if (!url || limit <= 0) return [];
    const read = new Map<string, Message>();
    try {
      while (read.size < limit) {
        const { Messages = [] } = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: Math.min(BATCH_SIZE, limit - read.size),
            VisibilityTimeout: DEAD_LETTER_READ_SECONDS,
            // Long enough for AWS to look at every server, and for a dead letter being written right now.
            WaitTimeSeconds: 1,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        const fresh = Messages.filter((m) => m.MessageId && !read.has(m.MessageId));
        if (fresh.length === 0) break;
        for (const m of fresh) read.set(m.MessageId as string, m);
      }
    } catch (error) {
      throw sqsError(`ReceiveMessage(${this.queues.deadLetterName(info)})`, error);
    } finally {
      const handles = [...read.values()].map((m) => m.ReceiptHandle as string);
      await Promise.all(handles.map((h) => this.visibility.add(url, { receiptHandle: h, seconds: 0 }))).catch((error: unknown) =>
        this.report(sqsError('making dead letters visible again', error)),
      );
    }
    // Oldest first: reading a queue (and making its messages visible again) reorders it. tq's own
    // order attribute separates dead letters sent in one batch; redriven messages have only their send time.
    const order = (m: Message) =>
      Number(m.MessageAttributes?.[DEAD_ORDER_ATTRIBUTE]?.StringValue ?? Number(m.Attributes?.SentTimestamp ?? 0) * 1000);
    const letters = [...read.values()].sort((a, b) => order(a) - order(b));
    return letters.map((m) => ({
      raw: unwrapBase64(m.Body ?? '').raw,
      reason:
        m.MessageAttributes?.[REASON_ATTRIBUTE]?.StringValue ??
        `moved by the SQS redrive policy of ${info.sqsName} after ${m.Attributes?.ApproximateReceiveCount ?? 'too many'} receives`,
      queue: m.MessageAttributes?.[QUEUE_ATTRIBUTE]?.StringValue ?? queue,
    }));
  }

  /** An error nobody awaits, at `warn`; the same message again within a minute at `debug`. */
  private report(error: Error): void {
    const now = Date.now();
    const repeated = (this.recentErrors.get(error.message) ?? Number.NEGATIVE_INFINITY) > now - 60_000;
    if (!repeated) this.recentErrors.set(error.message, now);
    this.logger[repeated ? 'debug' : 'warn']({ err: error }, error.message);
  }

  /** The SQS message: core checked the options against the capabilities (no delay on FIFO, no priority, ...). */
  private encode(info: QueueInfo, message: TaskMessage, options: PublishOptions): OutgoingSqsMessage {
    const body = encodeSqsBody(message, info.name, this.settings.base64);
    const outgoing: OutgoingSqsMessage = { body, bytes: Buffer.byteLength(body) };
    const delayMs = options.delayMs ?? 0;
    if (delayMs > 0) outgoing.delaySeconds = Math.ceil(delayMs / 1000);
    if (info.fifo) {
      const id = message.headers.id;
      outgoing.groupId = sqsId(options.orderingKey ?? this.settings.defaultMessageGroupId ?? id);
      // The task id deduplicates a publish repeated within SQS's 5 minutes; a retry is a new message.
      outgoing.deduplicationId = sqsId(message.headers.retries > 0 ? `${id}-retry-${message.headers.retries}` : id);
    }
    return outgoing;
  }

  private async receive(url: string, info: QueueInfo, max: number, signal: AbortSignal): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: this.settings.waitTimeSeconds,
        VisibilityTimeout: info.visibilitySeconds,
        MessageSystemAttributeNames: info.fifo ? ['ApproximateReceiveCount', 'MessageGroupId'] : ['ApproximateReceiveCount'],
        MessageAttributeNames: [DELIVERY_OFFSET_ATTRIBUTE],
      }),
      { abortSignal: signal },
    );
    return Messages;
  }

  private async waiting(url: string, info: QueueInfo): Promise<number> {
    const { ready, delayed } = await this.counts(url, info.sqsName);
    return ready + delayed;
  }

  /** ApproximateNumberOfMessages (ready) and ApproximateNumberOfMessagesDelayed; zeros for a queue deleted meanwhile. */
  private async counts(url: string, sqsName: string): Promise<{ ready: number; delayed: number }> {
    try {
      const { Attributes = {} } = await this.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      return {
        ready: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
      };
    } catch (error) {
      if (isQueueMissing(error)) return { ready: 0, delayed: 0 };
      throw sqsError(`GetQueueAttributes(${sqsName})`, error);
    }
  }

  /** A requeue on a standard queue: the same body again (with DelaySeconds), then this copy deleted. */
  private async resend(delivery: SqsDelivery, delaySeconds: number): Promise<void> {
    const offset = String(delivery.deliveryCount - 1);
    const attributes = { [DELIVERY_OFFSET_ATTRIBUTE]: { DataType: 'Number', StringValue: offset } };
    const bytes = Buffer.byteLength(delivery.body) + DELIVERY_OFFSET_ATTRIBUTE.length + 'Number'.length + offset.length;
    await this.sends.add(delivery.url, { body: delivery.body, bytes, delaySeconds, attributes });
    await this.deletes.add(delivery.url, delivery.receiptHandle);
  }

  /** Copy to the dead-letter queue with the reason as attributes, then delete the original. */
  private async moveToDeadLetters(delivery: SqsDelivery, reason: string): Promise<void> {
    const info = delivery.info;
    const url = await this.queues.deadLetterUrl(info);
    const bodyBytes = Buffer.byteLength(delivery.body);
    const fixed = stringAttributes({
      [QUEUE_ATTRIBUTE]: info.name,
      [DEAD_AT_ATTRIBUTE]: new Date().toISOString(),
      [DEAD_ORDER_ATTRIBUTE]: String(Date.now() * 1000),
      [REASON_ATTRIBUTE]: '',
    });
    // The reason gets whatever room the size limit leaves (a message at the limit keeps a short one).
    const room = Math.max(0, Math.min(16_384, this.settings.maxSqsBytes - bodyBytes - fixed.bytes));
    const { attributes, bytes } = stringAttributes({
      [REASON_ATTRIBUTE]: sqsText(reason, room) || '(reason cut: no room left under the size limit)',
      [QUEUE_ATTRIBUTE]: info.name,
      [DEAD_AT_ATTRIBUTE]: new Date().toISOString(),
      [DEAD_ORDER_ATTRIBUTE]: String(this.nextDeadLetterOrder()),
    });
    const outgoing: OutgoingSqsMessage = { body: delivery.body, bytes: bodyBytes + bytes, attributes };
    if (info.fifo) {
      outgoing.groupId = sqsId(delivery.groupId ?? delivery.messageId);
      outgoing.deduplicationId = sqsId(`dead-${delivery.messageId}`);
    }
    await this.sends.add(url, outgoing);
    await this.deletes.add(delivery.url, delivery.receiptHandle);
  }

  private async sendBatch(url: string, items: readonly OutgoingSqsMessage[]): Promise<readonly (Error | undefined)[]> {
    return this.withEntryRetries('SendMessageBatch', items, async (indexes) => {
      const { Failed = [] } = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: indexes.map((i) => {
            const m = items[i] as OutgoingSqsMessage;
            return {
              Id: String(i),
              MessageBody: m.body,
              DelaySeconds: m.delaySeconds,
              MessageGroupId: m.groupId,
              MessageDeduplicationId: m.deduplicationId,
              MessageAttributes: m.attributes,
            };
          }),
        }),
      );
      return Failed;
    });
  }

  private async deleteBatch(url: string, handles: readonly string[]): Promise<readonly (Error | undefined)[]> {
    return this.withEntryRetries('DeleteMessageBatch', handles, async (indexes) => {
      const { Failed = [] } = await this.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: url, Entries: indexes.map((i) => ({ Id: String(i), ReceiptHandle: handles[i] })) }),
      );
      return Failed;
    });
  }

  private async visibilityBatch(
    url: string,
    items: readonly { receiptHandle: string; seconds: number }[],
  ): Promise<readonly (Error | undefined)[]> {
    return this.withEntryRetries('ChangeMessageVisibilityBatch', items, async (indexes) => {
      const { Failed = [] } = await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: indexes.map((i) => ({ Id: String(i), ReceiptHandle: items[i]?.receiptHandle, VisibilityTimeout: items[i]?.seconds })),
        }),
      );
      return Failed;
    });
  }

  /**
   * Runs a batch call and retries the entries that failed on SQS's side (`SenderFault: false`:
   * throttling, internal errors) a few times; entries SQS refused (`SenderFault: true`) fail
   * with SQS's code and message. A call that fails as a whole fails every entry.
   */
  private async withEntryRetries<T>(
    action: string,
    items: readonly T[],
    call: (indexes: number[]) => Promise<{ Id?: string; SenderFault?: boolean; Code?: string; Message?: string }[]>,
  ): Promise<(Error | undefined)[]> {
    const outcomes: (Error | undefined)[] = items.map(() => undefined);
    let pending = items.map((_, i) => i);
    for (let attempt = 0; pending.length > 0; attempt++) {
      let failed: Awaited<ReturnType<typeof call>>;
      try {
        failed = await call(pending);
      } catch (error) {
        const wrapped = sqsError(action, error);
        for (const i of pending) outcomes[i] = wrapped;
        return outcomes;
      }
      const retry: number[] = [];
      for (const entry of failed) {
        const i = Number(entry.Id);
        const error = new BrokerConnectionError(`SQS ${action} entry failed: ${entry.Code ?? 'Error'}: ${entry.Message ?? ''}`, {
          cause: entry,
        });
        if (!entry.SenderFault && attempt < ENTRY_RETRIES) retry.push(i);
        else outcomes[i] = error;
      }
      pending = retry;
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
    return outcomes;
  }
}

/** Where the client sends: `host[:port]` of its endpoint, else AWS's for its region. */
async function endpointOf(client: SQSClient): Promise<string> {
  try {
    const endpoint = await client.config.endpoint?.();
    if (endpoint) return `${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}`;
    return `sqs.${await client.config.region()}.amazonaws.com`;
  } catch {
    return 'unknown (no region configured)';
  }
}
