import type { PlaneMessage } from '@tq/core';
import type { IncomingRecord, KafkaClient, OutgoingRecord } from './client/kafka-client.js';
import { PLANE_HEADERS, PLANE_TOPIC_CONFIG, PLANE_TOPICS } from './plane-topics.js';

/** What the plane channels need from their broker. */
export interface PlaneContextOptions {
  client: KafkaClient;
  /** The broker's batched, acknowledged produce. */
  send: (records: OutgoingRecord[]) => Promise<void>;
  replicationFactor: number;
  /** Fetch long-poll of the tails: also how late a closed tail's last fetch is abandoned. */
  maxWaitMs: number;
  /** Where failures nobody awaits go (a tail's fetch errors, a throwing handler). */
  report: (error: Error, what: string) => void;
}

/**
 * Shared by {@link KafkaControlChannel} and {@link KafkaEventChannel}: creates the plane topics
 * once, encodes plane messages as records, runs the tails and stops them all on close.
 */
export class PlaneContext {
  private ready: Promise<void> | undefined;
  private readonly stops = new Set<() => Promise<void>>();

  constructor(private readonly options: PlaneContextOptions) {}

  /** Produce one plane message to `topic` (after creating the plane topics, the first time). */
  async send(topic: string, key: string | null, message: PlaneMessage): Promise<void> {
    await this.topics();
    await this.options.send([
      {
        topic,
        key: key === null ? null : Buffer.from(key, 'utf8'),
        value: Buffer.from(message.body),
        headers: { [PLANE_HEADERS]: JSON.stringify(message.headers) },
      },
    ]);
  }

  /**
   * Hand every record written to `topic` from now on to `handler` (key and message) until the
   * returned function is called. Resolves once reading has its start: anything produced after
   * that is seen.
   */
  async read(topic: string, what: string, handler: (key: string | null, message: PlaneMessage) => void): Promise<() => Promise<void>> {
    await this.topics();
    const tail = await this.options.client.tail(
      topic,
      {
        onRecords: (_partition, records) => {
          for (const record of records) this.handle(record, what, handler);
        },
        onError: (error) => this.options.report(error, `Reading ${topic} (${what})`),
      },
      { maxWaitMs: this.options.maxWaitMs },
    );
    let stopped: Promise<void> | undefined;
    const stop = () => {
      this.stops.delete(stop);
      stopped ??= tail.stop();
      return stopped;
    };
    this.stops.add(stop);
    return stop;
  }

  /** Stop every reader still running (the broker is closing). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.stops].map((stop) => stop()));
    this.ready = undefined;
  }

  private handle(record: IncomingRecord, what: string, handler: (key: string | null, message: PlaneMessage) => void): void {
    try {
      const headers = JSON.parse(record.headers[PLANE_HEADERS] ?? '{}') as Record<string, unknown>;
      handler(record.key === null ? null : record.key.toString('utf8'), { body: new Uint8Array(record.value), headers });
    } catch (error) {
      this.options.report(error as Error, `Handling a record of ${what}`);
    }
  }

  /** The three plane topics, one partition each (one order, one fetch per reader), created on first use. */
  private topics(): Promise<void> {
    this.ready ??= this.options.client
      .ensureTopics(
        Object.values(PLANE_TOPICS).map((name) => ({
          name,
          partitions: 1,
          replicationFactor: this.options.replicationFactor,
          config: { ...PLANE_TOPIC_CONFIG },
        })),
      )
      .catch((error: unknown) => {
        this.ready = undefined;
        throw error;
      });
    return this.ready;
  }
}
