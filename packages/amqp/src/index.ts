/**
 * `@tq/amqp`: RabbitMQ for tq, on the wire exactly like Celery/kombu so Python Celery and tq share
 * queues. `createApp({ broker: 'amqp://…', backend: 'rpc://…' })` finds it by URL scheme; the
 * classes are for users who pass objects (or their own amqplib connection).
 */
export type { AmqpBrokerConfig } from './amqp-broker-config.js';
export { AmqpBroker } from './broker/amqp-broker.js';
export { RpcResultBackend } from './rpc/rpc-result-backend.js';
export type { RpcResultBackendConfig } from './rpc/rpc-result-backend-config.js';
export { transport } from './transport.js';
