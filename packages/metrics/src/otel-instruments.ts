import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { type ScrapeHook, scrapeHook } from './scrape-hook.js';

/**
 * The OpenTelemetry-named set: the messaging semantic conventions' metrics as Prometheus names
 * (dots to underscores, unit suffixed), plus tq's own where the conventions have none (queue wait,
 * depth by state, worker capacity). Attributes as labels: `messaging_system`,
 * `messaging_destination_name` (the queue), `messaging_operation_name`, `error_type`.
 */
export class OtelInstruments {
  /** `messaging.client.sent.messages`: messages the broker accepted (or refused: `error_type`). */
  readonly sent: Counter<'messaging_system' | 'messaging_destination_name' | 'error_type'>;
  /** `messaging.client.consumed.messages`: task messages accepted for running. */
  readonly consumed: Counter<'messaging_system' | 'messaging_destination_name'>;
  /** `messaging.process.duration`: one task attempt, any outcome (`error_type` on failures and retries). */
  readonly processDuration: Histogram<
    'messaging_system' | 'messaging_destination_name' | 'messaging_operation_name' | 'error_type' | 'task_name'
  >;
  /** `messaging.client.operation.duration`: broker and backend calls (publish, size, set, get, ...). */
  readonly operationDuration: Histogram<'messaging_system' | 'messaging_operation_name' | 'tq_component' | 'error_type'>;
  /** Publish (or eta, when later) to start; messages without tq's send stamp are not observed. */
  readonly queueWait: Histogram<'messaging_system' | 'messaging_destination_name' | 'task_name'>;
  /** Messages in a queue by `state`: `ready`, `delayed`, `dead_letter`. */
  readonly queueMessages: Gauge<'messaging_system' | 'messaging_destination_name' | 'state'>;
  /** Deliveries the worker holds: waiting for a slot, an eta or a rate limit, or running. */
  readonly inFlight: Gauge<'hostname'>;
  /** Held deliveries not running yet (prefetched). */
  readonly prefetched: Gauge<'hostname'>;
  /** Running tasks over concurrency, 0..1. */
  readonly utilization: Gauge<'hostname'>;

  constructor(registry: Registry, buckets: number[], onScrape: ScrapeHook) {
    const registers = [registry];
    const collect = scrapeHook(onScrape);
    this.sent = new Counter({
      name: 'messaging_client_sent_messages_total',
      help: 'Task messages sent (messaging.client.sent.messages).',
      labelNames: ['messaging_system', 'messaging_destination_name', 'error_type'],
      registers,
    });
    this.consumed = new Counter({
      name: 'messaging_client_consumed_messages_total',
      help: 'Task messages received for running (messaging.client.consumed.messages).',
      labelNames: ['messaging_system', 'messaging_destination_name'],
      registers,
    });
    this.processDuration = new Histogram({
      name: 'messaging_process_duration_seconds',
      help: 'Task attempt duration (messaging.process.duration).',
      labelNames: ['messaging_system', 'messaging_destination_name', 'messaging_operation_name', 'error_type', 'task_name'],
      buckets,
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'messaging_client_operation_duration_seconds',
      help: 'Broker and result backend call duration (messaging.client.operation.duration).',
      labelNames: ['messaging_system', 'messaging_operation_name', 'tq_component', 'error_type'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'tq_queue_wait_seconds',
      help: 'Time from publish (or eta, when later) to the start of a task attempt.',
      labelNames: ['messaging_system', 'messaging_destination_name', 'task_name'],
      buckets,
      registers,
    });
    this.queueMessages = new Gauge({
      name: 'tq_queue_messages',
      help: 'Messages in a queue by state: ready, delayed, dead_letter.',
      labelNames: ['messaging_system', 'messaging_destination_name', 'state'],
      registers,
      collect,
    });
    const perWorker = (name: string, help: string) => new Gauge({ name, help, labelNames: ['hostname'], registers, collect });
    this.inFlight = perWorker('tq_worker_deliveries_in_flight', 'Deliveries the worker holds (prefetched or running).');
    this.prefetched = perWorker('tq_worker_deliveries_prefetched', 'Deliveries the worker holds that are not running yet.');
    this.utilization = perWorker('tq_worker_concurrency_utilization', 'Running tasks divided by concurrency (0..1).');
  }
}
