import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { TaskHeaders } from '../spec/task-message.js';

/**
 * Trace context travels in the Celery message headers, top level: the carrier Python's
 * `opentelemetry-instrumentation-celery` injects into on publish (`before_task_publish`'s headers)
 * and reads back from the task request, so a trace crosses tq and Celery both ways. What keys it
 * writes is the registered propagator's choice (W3C: `traceparent`, `tracestate`; `baggage`).
 */
export const headerCarrier: TextMapGetter<TaskHeaders> & TextMapSetter<TaskHeaders> = {
  get(headers, key) {
    const value = headers[key];
    // Only text is a propagation field; a header of another type is somebody else's.
    return typeof value === 'string' ? value : undefined;
  },
  keys(headers) {
    return Object.keys(headers);
  },
  set(headers, key, value) {
    headers[key] = value;
  },
};
