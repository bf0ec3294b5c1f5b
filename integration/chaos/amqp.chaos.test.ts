import { chaosSuite } from './chaos-suite.js';

// RabbitMQ takes a 10 MB message; the worker's limit is 1 MiB, so the oversize ones are refused unparsed.
chaosSuite('amqp', { maxPayloadBytes: 1024 * 1024, oversizeBytes: 10_000_000 });
