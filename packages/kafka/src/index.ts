/**
 * `@tq/kafka`: the Kafka broker for tq. See docs/transports/kafka.md.
 */
export type {
  CommittedOffset,
  GroupConsumer,
  GroupConsumerHandlers,
  GroupConsumerOptions,
  IncomingRecord,
  KafkaClient,
  OutgoingRecord,
  PartitionBounds,
  TopicSpec,
} from './client/kafka-client.js';
export { KafkajsClient, type KafkajsClientOptions, type KafkajsLogLevel } from './client/kafkajs-client.js';
export { KafkaBroker } from './kafka-broker.js';
export type { KafkaBrokerConfig } from './kafka-broker-config.js';
export { kafkaTransport as transport, kafkaTransport, parseKafkaUrl } from './kafka-transport.js';
export { HEADER as KAFKA_HEADERS } from './record-headers.js';
export { type QueueTopics, queueTopics } from './topics.js';
