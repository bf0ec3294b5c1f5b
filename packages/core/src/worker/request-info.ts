import type { WorkerRequest } from './worker-request.js';

/**
 * A held message as Celery's `Request.info()` describes it, the shape `inspect active`,
 * `reserved`, `scheduled` and `query_task` answer and Flower reads. `safe` gives the
 * `argsrepr`/`kwargsrepr` strings instead of the values, as Celery's `safe=True`.
 */
export function requestInfo(request: WorkerRequest, hostname: string, safe = false): Record<string, unknown> {
  const { headers, body, properties } = request.message;
  return {
    id: headers.id,
    name: headers.task,
    args: safe ? (headers.argsrepr ?? null) : body[0],
    kwargs: safe ? (headers.kwargsrepr ?? null) : body[1],
    type: headers.task,
    hostname,
    time_start: request.timeStart,
    // tq acknowledges late, after the attempt: a held message is never acknowledged yet.
    acknowledged: false,
    delivery_info: { exchange: '', routing_key: request.queue, priority: properties.priority ?? 0, redelivered: request.redelivered },
    worker_pid: request.state === 'active' ? process.pid : null,
  };
}
