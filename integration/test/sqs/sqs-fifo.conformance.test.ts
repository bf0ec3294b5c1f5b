import { sqsConformance } from './sqs-conformance-suites.js';

// FIFO queues (message groups, deduplication ids); standard queues are in sqs.conformance.test.ts.
sqsConformance(true);
