import type { TracerProvider } from '@opentelemetry/api';

/**
 * OpenTelemetry tracing of sends and task processing (`AppConfig.tracing`). tq uses only
 * `@opentelemetry/api`: spans are recorded and exported by the SDK the application registers, and
 * without one every call is a no-op.
 */
export interface TracingConfig {
  /**
   * Where spans go. Default: the globally registered provider (`trace.getTracerProvider()`), so
   * registering an SDK is all it takes, as with any library instrumented natively.
   */
  tracerProvider?: TracerProvider;
  /**
   * How a `process <queue>` span relates to the `send <queue>` span that published its message:
   * - `link` (default): a new trace with a span link to the producer, as the messaging semantic
   *   conventions recommend and Sidekiq's instrumentation does. A web request's trace does not
   *   stretch over queue waits, countdowns and retries an hour later; each attempt is sampled on
   *   its own; backends follow the link between the traces.
   * - `parent`: a child of the producer's span, so a request and every task it causes (chains,
   *   groups, chords, retries) form one trace. Python's `opentelemetry-instrumentation-celery`
   *   parents by default: choose this for one trace across tq and Celery workers.
   */
  consumerSpan?: 'link' | 'parent';
}
