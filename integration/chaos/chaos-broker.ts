import { connect } from 'node:net';
import { AmqpBroker } from '@tq/amqp';
import { type Broker, defaultLogger, type Logger } from '@tq/core';
import { KafkaBroker } from '@tq/kafka';
import { RedisBroker } from '@tq/redis';
import { SqsBroker } from '@tq/sqs';
import { connect as amqpConnect, type Options } from 'amqplib';
import { brokerUrl, sqsTestClientConfig } from '../harness/index.js';

/** The transports the chaos suite runs on. */
export type ChaosTransport = 'redis' | 'amqp' | 'kafka' | 'sqs';

/** How a chaos broker is built (the test's producer and the worker processes build theirs alike). */
export interface ChaosBrokerOptions {
  /**
   * `127.0.0.1:<port>` of a {@link tcpProxy} to reach the broker through, for the network cut.
   * Every connection goes through it, also the ones a cluster's metadata points elsewhere (Kafka's
   * advertised listener, SQS queue URLs).
   */
  via?: string;
  /**
   * Kafka `sessionTimeoutMs` (default: the transport's own, 30 s). The SIGKILL run lowers it to the
   * broker's minimum (6 s): a killed member's partitions wait that long before they move.
   */
  kafkaSessionTimeoutMs?: number;
  logger?: Logger;
}

/**
 * How long a message held by a killed worker stays invisible (Redis and SQS; RabbitMQ requeues on
 * the dead connection, Kafka moves the partition after the session timeout). Short, so the
 * SIGKILL run sees redeliveries within seconds; running tasks are kept invisible by heartbeats.
 */
export const CHAOS_VISIBILITY_TIMEOUT_MS = 3000;

/** The address a `via` proxy forwards to: the broker's own host:port. */
export function brokerAddress(transport: ChaosTransport): string {
  const url = brokerUrl(transport);
  if (transport === 'kafka') return url.split(',')[0] as string;
  return new URL(url).host;
}

/** A new (unconnected) broker of `transport` on the harness's server, with the chaos suite's settings. */
export function chaosBroker(transport: ChaosTransport, options: ChaosBrokerOptions = {}): Broker {
  const logger = options.logger ?? defaultLogger().child({}, { level: 'error' });
  const { via } = options;
  switch (transport) {
    case 'redis': {
      const url = new URL(brokerUrl('redis'));
      if (via) url.host = via;
      return new RedisBroker({ url: url.href, visibilityTimeoutMs: CHAOS_VISIBILITY_TIMEOUT_MS, logger });
    }
    case 'amqp': {
      const url = new URL(brokerUrl('amqp'));
      if (via) url.host = via;
      return new AmqpBroker({ url: url.href, logger });
    }
    case 'kafka': {
      const seed = brokerAddress('kafka');
      const [proxyHost, proxyPort] = via ? via.split(':') : [];
      return new KafkaBroker({
        brokers: [seed],
        partitions: 3,
        replicationFactor: 1,
        delayTiersMs: [1000, 60_000],
        ...(options.kafkaSessionTimeoutMs ? { sessionTimeoutMs: options.kafkaSessionTimeoutMs, heartbeatIntervalMs: 500 } : {}),
        logger,
        kafkajs: {
          logLevel: 'error',
          // The broker advertises its own port: every connection, not just the seed, goes via the proxy.
          ...(via ? { kafkaConfig: { socketFactory: ({ onConnect }) => connect(Number(proxyPort), proxyHost, onConnect) } } : {}),
        },
      });
    }
    case 'sqs': {
      const endpoint = brokerUrl('sqs');
      const clientConfig = {
        ...sqsTestClientConfig(via ? `http://${via}` : endpoint),
        // ElasticMQ's queue URLs name its own port; requests must go to the endpoint (the proxy).
        ...(via ? { useQueueUrlAsEndpoint: false } : {}),
      };
      return new SqsBroker({ clientConfig, waitTimeSeconds: 1, visibilityTimeoutMs: CHAOS_VISIBILITY_TIMEOUT_MS, logger });
    }
  }
}

/** Puts bytes on one queue exactly as given (no encoding, no checks), as a broken or hostile producer does. */
export interface RawPublisher {
  publish(raw: Uint8Array | string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A {@link RawPublisher} for `queue` on `broker` (connected; the queue is declared first, as tq
 * declares it). RabbitMQ's has its own connection and confirm channel: tq's broker has no raw send.
 */
export async function rawPublisher(transport: ChaosTransport, broker: Broker, queue: string): Promise<RawPublisher> {
  await broker.size(queue);
  if (transport !== 'amqp') {
    const target = broker as RedisBroker | KafkaBroker | SqsBroker;
    return { publish: (raw) => target.publishRaw(queue, raw), close: async () => {} };
  }
  const connection = await amqpConnect(brokerUrl('amqp'));
  const channel = await connection.createConfirmChannel();
  return {
    publish: (raw) =>
      new Promise<void>((resolve, reject) => {
        const { body, properties } = amqpMessageOf(raw);
        channel.sendToQueue(queue, body, { ...properties, persistent: true }, (error) => (error ? reject(error) : resolve()));
      }),
    close: () => connection.close(),
  };
}

/**
 * RabbitMQ carries a task's headers as AMQP properties and its body alone, not kombu's envelope:
 * an envelope becomes that (its odd parts kept odd), anything else is sent as the body.
 */
function amqpMessageOf(raw: string | Uint8Array): { body: Buffer; properties: Options.Publish } {
  let parsed: unknown;
  try {
    parsed = typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch {
    // not JSON: sent as it is
  }
  const envelope = parsed as { body?: unknown; headers?: Record<string, unknown>; 'content-type'?: string; 'content-encoding'?: string };
  if (!envelope || typeof envelope !== 'object' || typeof envelope.body !== 'string' || !envelope.headers) {
    return { body: Buffer.from(raw), properties: {} };
  }
  return {
    body: Buffer.from(envelope.body, 'base64'),
    properties: {
      headers: envelope.headers,
      contentType: envelope['content-type'],
      contentEncoding: envelope['content-encoding'],
      correlationId: typeof envelope.headers.id === 'string' ? envelope.headers.id : undefined,
    },
  };
}
