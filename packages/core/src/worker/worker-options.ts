import type { ResourceLimits } from 'node:worker_threads';
import type { PoolKind } from '../task/pool-kind.js';

/** How a worker consumes. */
export interface WorkerOptions {
  /** Queues to consume, earlier ones first where the broker can. Default: the app's default queue. */
  queues?: readonly string[];
  /**
   * Tasks running at once. Default 10: tq tasks are async functions, mostly waiting on I/O, so a
   * single process overlaps many (use more processes for CPU-bound work).
   */
  concurrency?: number;
  /**
   * Messages held per concurrency slot, running or waiting (Celery's `worker_prefetch_multiplier`).
   * Default 4, Celery's: short tasks keep running while the next batch is fetched. Held messages
   * stay invisible to other workers (heartbeat) and come back if this one dies; use 1 for long
   * tasks that should spread evenly over workers.
   */
  prefetchMultiplier?: number;
  /**
   * Node name in events, results and remote control (`celery inspect -d <name>`). Celery's `%h`
   * (host name), `%n` (its first label) and `%d` (its domain) are expanded: `tq@%h`. Default
   * `tq<pid>@<host>`, unique per process, so several workers on one host answer separately.
   */
  hostname?: string;
  /**
   * Send task events (`task-received`, `task-started`, ...) to monitors such as Flower, where the
   * broker carries events (`capabilities.events`). Default false, as Celery without `-E`: a few
   * messages per task. The `enable_events`/`disable_events` commands switch them at run time.
   * Worker heartbeats are sent regardless.
   */
  taskEvents?: boolean;
  /**
   * How often the worker sends `worker-heartbeat`, in ms. Default 2000, Celery's 2.0 s: monitors
   * consider a worker offline after missing a few.
   */
  heartbeatIntervalMs?: number;
  /**
   * Received messages (as they travel, envelope included) larger than this are dead-lettered.
   * Default: twice the broker's `maxMessageBytes` plus room for headers (base64 envelopes), so anything a
   * producer could send is accepted.
   */
  maxPayloadBytes?: number;
  /** Store STARTED when an attempt begins (one more backend write per task). Default false, like Celery. */
  trackStarted?: boolean;
  /**
   * How long storing a task's outcome (its result, failure or revocation; the next chain step;
   * its chord part; its retry message) is retried while the result backend or broker is
   * unreachable. After that the message goes back to the broker and the task runs again: a task
   * that ran is never stored as failed. Default 30 s: longer than a typical failover.
   */
  storeRetryMs?: number;
  /**
   * Largest result (as JSON) a task may return when results are stored: a bigger one fails the
   * task with `PayloadTooLargeError` naming both sizes. Default 4 MiB: a stored record carries the
   * result and is pushed to its caller (Redis drops a pub/sub subscriber past 8 MiB buffered), and
   * results are for references to big data, not the data itself.
   */
  maxResultBytes?: number;
  /**
   * How many times a message may be delivered without being settled (its worker lost each time:
   * a crash, or an event loop blocked past the visibility timeout) before this worker dead-letters
   * it with "delivered N times without finishing (worker lost each time)" and stores FAILURE, so a
   * task that takes its worker down every time stops re-running. Retries, eta hops, shutdowns and
   * other deliberate returns do not count (see `Delivery.deliveryCount`). A task's own
   * `maxDeliveries` wins. A positive integer or `Infinity` (no limit, Celery's behaviour).
   * Default 10: a few unrelated worker losses never reach it, a task that kills its worker every
   * time stops after minutes (RabbitMQ quorum queues default to 20 returns, SQS redrive policies
   * are commonly 3–10).
   */
  maxDeliveries?: number;
  /**
   * Hard time limit, in ms, of tasks that set none themselves (Celery's `--time-limit`): the attempt fails
   * with `TimeLimitExceededError` (a pooled task's thread or process is replaced). A task's own `timeLimitMs`,
   * the message's and the `time_limit` control command win. Default: none, as in Celery.
   */
  timeLimitMs?: number;
  /** Soft time limit, in ms, of tasks that set none (Celery's `--soft-time-limit`): their signal fires. Default: none. */
  softTimeLimitMs?: number;
  /** `close()` waits this long for running tasks before returning them to the broker. Default 30 s. */
  shutdownTimeoutMs?: number;
  /**
   * `health()` reports the worker not live once it went this long without showing it consumes: no
   * delivery arrived while ready messages waited in its queues and it had room for them, or its
   * broker could not be asked. Default 60 s: longer than a broker failover or a reconnect with
   * backoff takes, short enough that a worker stuck after a reconnect is replaced within minutes.
   */
  stallAfterMs?: number;
  /**
   * Where tasks run unless their own `pool` option says otherwise: `inline` on this event loop, `threads`,
   * or `processes` (Celery's prefork). Default `inline`: tq tasks are mostly I/O-bound, and many overlap in
   * one thread; choose a pool for CPU-bound tasks, whose hard time limit then really stops them.
   */
  pool?: PoolKind;
  /**
   * Children (threads or processes) per pool kind. Default: `concurrency` when `pool` is `threads` or
   * `processes` (one child per slot, as Celery's prefork), else `os.availableParallelism()` (tasks of an
   * inline worker that ask for a pool are CPU-bound: more children than cores would only share them).
   */
  poolSize?: number;
  /** Tasks a pool child runs before it is replaced (Celery's `max_tasks_per_child`), for leaks. Default: no limit. */
  maxTasksPerChild?: number;
  /**
   * A pool child whose memory (resident set of a process, heap of a thread) is above this many MiB after
   * a task is replaced (Celery's `max_memory_per_child`). Default: no limit.
   */
  maxMemoryPerChildMb?: number;
  /** V8 heap limits of pool threads (`worker_threads` resourceLimits); past them the thread dies: `WorkerLostError`. Default: Node's. */
  resourceLimits?: ResourceLimits;
  /**
   * Node options of pool children. Default `process.execArgv`, this process's, so the loader the worker
   * runs with (`--import tsx`) and `--conditions` carry over and children load task modules as it does.
   */
  execArgv?: readonly string[];
}
