import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { type ScrapeHook, scrapeHook } from './scrape-hook.js';

/** Labels of celery-exporter's task counters and runtime histogram. */
const TASK_LABELS = ['name', 'hostname', 'queue_name'] as const;

/** celery-exporter's task counters, by the Celery event each one counts. */
const TASK_COUNTERS = {
  sent: 'Sent when a task message is published.',
  received: 'Sent when the worker receives a task.',
  started: 'Sent just before the worker executes the task.',
  succeeded: 'Sent if the task executed successfully.',
  failed: 'Sent if the execution of the task failed.',
  rejected: 'The task was rejected by the worker, possibly to be re-queued or moved to a dead letter queue.',
  revoked: 'Sent if the task has been revoked.',
  retried: 'Sent if the task failed, but will be retried in the future.',
} as const;

/** One of celery-exporter's task counters. */
export type CeleryTaskState = keyof typeof TASK_COUNTERS;

/**
 * The `celery_*` alias set: celery-exporter's (danihodovic/celery-exporter) metric names, types and
 * labels, so its Grafana dashboard and alerts read a tq worker unchanged. `celery_task_failed_total`
 * has the extra `exception` label, as there; the others have `name`, `hostname`, `queue_name`.
 */
export class CeleryInstruments {
  readonly tasks: Record<CeleryTaskState, Counter<string>>;
  /** Seconds a successful task ran (celery-exporter observes successes only). */
  readonly runtime: Histogram<(typeof TASK_LABELS)[number]>;
  readonly workerUp: Gauge<'hostname'>;
  readonly workerTasksActive: Gauge<'hostname'>;
  /** Ready messages (celery-exporter reads the Redis list length / RabbitMQ message count: ready ones). */
  readonly queueLength: Gauge<'queue_name'>;
  /** Consumers of the queue in this process: 1 while the worker consumes it. */
  readonly activeConsumerCount: Gauge<'queue_name'>;
  /** Workers of this process consuming the queue (1). */
  readonly activeWorkerCount: Gauge<'queue_name'>;
  /** Concurrency slots of this process's worker for the queue. */
  readonly activeProcessCount: Gauge<'queue_name'>;

  constructor(registry: Registry, buckets: number[], onScrape: ScrapeHook) {
    const registers = [registry];
    const collect = scrapeHook(onScrape);
    const counter = (state: CeleryTaskState) =>
      new Counter({
        name: `celery_task_${state}_total`,
        help: TASK_COUNTERS[state],
        labelNames: state === 'failed' ? ['name', 'hostname', 'exception', 'queue_name'] : TASK_LABELS,
        registers,
      });
    this.tasks = Object.fromEntries(Object.keys(TASK_COUNTERS).map((state) => [state, counter(state as CeleryTaskState)])) as Record<
      CeleryTaskState,
      Counter<string>
    >;
    this.runtime = new Histogram({
      name: 'celery_task_runtime',
      help: 'Histogram of task runtime measurements.',
      labelNames: TASK_LABELS,
      buckets,
      registers,
    });
    const perWorker = (name: string, help: string) => new Gauge({ name, help, labelNames: ['hostname'], registers, collect });
    this.workerUp = perWorker('celery_worker_up', 'Indicates if a worker has recently sent a heartbeat.');
    this.workerTasksActive = perWorker('celery_worker_tasks_active', 'The number of tasks the worker is currently processing');
    const perQueue = (name: string, help: string) => new Gauge({ name, help, labelNames: ['queue_name'], registers, collect });
    this.queueLength = perQueue('celery_queue_length', 'The number of message in broker queue.');
    this.activeConsumerCount = perQueue('celery_active_consumer_count', 'The number of active consumer in broker queue.');
    this.activeWorkerCount = perQueue('celery_active_worker_count', 'The number of active workers in broker queue.');
    this.activeProcessCount = perQueue('celery_active_process_count', 'The number of active processes in broker queue.');
  }
}
