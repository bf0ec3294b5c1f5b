import { sqsConformance } from './sqs-conformance-suites.js';

// Standard queues; FIFO queues are in sqs-fifo.conformance.test.ts.
sqsConformance(false);
