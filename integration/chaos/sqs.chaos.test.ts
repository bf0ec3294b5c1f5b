import { chaosSuite } from './chaos-suite.js';

// SQS messages are at most 256 KiB: the oversize ones are 200 kB against a worker limit of 64 KiB.
chaosSuite('sqs', { maxPayloadBytes: 64 * 1024, oversizeBytes: 200_000 });
