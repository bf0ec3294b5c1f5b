import { randomUUID } from 'node:crypto';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { PlaneMessage } from '@tq/core';
import { type OutgoingSqsMessage, stringAttributes } from './outgoing.js';
import { PlaneQueueReader } from './plane-queue-reader.js';
import { type PlaneKind, PlaneQueues } from './plane-queues.js';
import { isQueueMissing } from './sqs-errors.js';

/** Message attribute with a plane message's kombu headers as JSON (numbers stay numbers). */
const HEADERS_ATTRIBUTE = 'tq-headers';
/** Message attribute with an event's routing key. */
export const ROUTING_KEY_ATTRIBUTE = 'tq-routing-key';

/** What the plane channels need from their broker. */
export interface SqsPlanesOptions {
  client: () => SQSClient;
  /** The broker's `queueNamePrefix`. */
  prefix: string;
  /** How long a plane queue lives unrenewed (see `SqsBrokerConfig.planeQueueTtlMs`). */
  ttlMs: number;
  waitTimeSeconds: number;
  /** The broker's batched SendMessageBatch. */
  send: (url: string, message: OutgoingSqsMessage) => Promise<void>;
  /** The broker's batched DeleteMessageBatch. */
  deleteMessage: (url: string, receiptHandle: string) => Promise<void>;
  report: (error: Error) => void;
}

/**
 * Shared by {@link SqsControlChannel} and {@link SqsEventChannel}: the plane queues, plane
 * messages as SQS messages (the body base64, headers and routing key as attributes), the readers
 * this broker runs, stopped and deleted on close.
 */
export class SqsPlanes {
  /** Naming, listing and sweeping of the plane queues. */
  readonly queues: PlaneQueues;
  private readonly readers = new Set<PlaneQueueReader>();

  constructor(private readonly options: SqsPlanesOptions) {
    this.queues = new PlaneQueues({ client: options.client, prefix: options.prefix, ttlMs: options.ttlMs, report: options.report });
  }

  /**
   * Own a new queue of `kind` (named `suffix`, else at random) and hand it every message until the
   * returned function deletes it. Its expiry is the broker's plane TTL, or `ttlMs` when longer.
   */
  async read(
    kind: PlaneKind,
    handler: (message: PlaneMessage, raw: Message) => void,
    options: { suffix?: string; ttlMs?: number } = {},
  ): Promise<() => Promise<void>> {
    void this.queues.sweep(kind); // in the background: opening a reader sends nothing
    const reader = await PlaneQueueReader.open({
      client: this.options.client,
      queues: this.queues,
      kind,
      name: this.queues.name(kind, options.suffix ?? randomUUID()),
      ttlMs: Math.max(this.options.ttlMs, options.ttlMs ?? 0),
      waitTimeSeconds: this.options.waitTimeSeconds,
      deleteMessage: this.options.deleteMessage,
      handler: (raw) => handler(decode(raw), raw),
      report: this.options.report,
    });
    this.readers.add(reader);
    return async () => {
      this.readers.delete(reader);
      await reader.stop();
    };
  }

  /** Send to each URL; a queue deleted meanwhile (its owner gone) is skipped. */
  async send(urls: readonly string[], message: PlaneMessage, routingKey?: string): Promise<void> {
    const outgoing = encode(message, routingKey);
    const results = await Promise.allSettled(urls.map((url) => this.options.send(url, outgoing)));
    const failures = results.flatMap((result) =>
      result.status === 'rejected' && !isQueueMissing(result.reason) && !isQueueMissing((result.reason as { cause?: unknown }).cause)
        ? [result.reason as Error]
        : [],
    );
    // A fan-out reaches every queue it can. One queue failing alone is that queue's trouble (its owner
    // or a sweep deleting it that moment; ElasticMQ then answers a 500, not "does not exist"):
    // reported, not thrown. Every queue failing is the caller's error (the service is down).
    if (failures.length > 0 && failures.length === urls.length) throw failures[0];
    for (const failure of failures) this.options.report(failure);
  }

  /** Stop and delete every queue this broker still reads, and wait for sweeps. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.readers].map((reader) => reader.stop()));
    this.readers.clear();
    await this.queues.close();
  }
}

function encode(message: PlaneMessage, routingKey: string | undefined): OutgoingSqsMessage {
  const body = Buffer.from(message.body).toString('base64');
  const { attributes, bytes } = stringAttributes({
    [HEADERS_ATTRIBUTE]: JSON.stringify(message.headers),
    ...(routingKey === undefined ? {} : { [ROUTING_KEY_ATTRIBUTE]: routingKey }),
  });
  return { body, bytes: Buffer.byteLength(body) + bytes, attributes };
}

function decode(raw: Message): PlaneMessage {
  const headers = raw.MessageAttributes?.[HEADERS_ATTRIBUTE]?.StringValue;
  return {
    body: new Uint8Array(Buffer.from(raw.Body ?? '', 'base64')),
    headers: headers ? (JSON.parse(headers) as Record<string, unknown>) : {},
  };
}
