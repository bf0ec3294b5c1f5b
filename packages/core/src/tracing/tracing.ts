import {
  type Attributes,
  context,
  isSpanContextValid,
  type Link,
  ProxyTracerProvider,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { Delivery } from '../spec/broker.js';
import type { TaskMessage } from '../spec/task-message.js';
import { headerCarrier } from './header-carrier.js';
import type { TracingConfig } from './tracing-config.js';

/** The instrumentation scope spans are recorded under. */
const SCOPE = '@tq/core';

/** What the API's global provider delegates to until an SDK registers one: the no-op provider. */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/**
 * tq's OpenTelemetry spans, after the messaging semantic conventions: `send <queue>` (PRODUCER)
 * around every task message published — by callers, canvas steps, chord callbacks and retries alike,
 * as they all publish through the app — and `process <queue>` (CONSUMER) around a worker's whole
 * handling of a delivery, from receipt to settlement. The trace context is injected into the
 * message headers on send and extracted on receipt; while a task runs its process span is the
 * active one, so what it sends (and what the worker sends after it: the next chain step, a
 * retry, a chord callback) continues the trace.
 *
 * Only `@opentelemetry/api` is used. While no SDK is registered nothing is done at all (one look at
 * the global provider per send and per delivery), and the wire is unchanged.
 */
export class Tracing {
  private readonly off: boolean;
  private readonly provider: TracerProvider | undefined;
  private readonly parentMode: boolean;
  /** The tracer of `delegate`, the provider it came from (the global one can be registered late, or replaced). */
  private tracer: Tracer | undefined;
  private delegate: TracerProvider | undefined;

  /** `false` turns tracing off entirely. */
  constructor(config: TracingConfig | false = {}) {
    this.off = config === false;
    this.provider = config === false ? undefined : config.tracerProvider;
    this.parentMode = config !== false && config.consumerSpan === 'parent';
  }

  /**
   * Run `publish` inside a `send <queue>` span whose context is written into `message.headers`
   * first (replacing the fields a re-sent message, such as a retry, carried before).
   */
  send(system: string, queue: string, message: TaskMessage, publish: () => Promise<void>): Promise<void> {
    const tracer = this.currentTracer();
    if (!tracer) return publish();
    const h = message.headers;
    const attributes = messagingAttributes(system, 'send', queue, message);
    const parent = context.active();
    const span = tracer.startSpan(`send ${queue}`, { kind: SpanKind.PRODUCER, attributes }, parent);
    const sending = trace.setSpan(parent, span);
    for (const field of propagation.fields()) delete h[field];
    propagation.inject(sending, h, headerCarrier);
    return context.with(sending, publish).then(
      () => span.end(),
      (error: unknown) => {
        failed(span, error);
        span.end();
        throw error;
      },
    );
  }

  /**
   * Run `handle` inside a `process <queue>` span: linked to (default) or a child of the span that
   * sent the message (`TracingConfig.consumerSpan`). `handle` gets the span (undefined when
   * tracing is off) to record how the delivery was settled.
   */
  process(system: string, delivery: Delivery, hostname: string, handle: (span: Span | undefined) => Promise<void>): Promise<void> {
    const tracer = this.currentTracer();
    if (!tracer) return handle(undefined);
    const message = delivery.message;
    const sent = message ? propagation.extract(ROOT_CONTEXT, message.headers, headerCarrier) : ROOT_CONTEXT;
    const producer = trace.getSpanContext(sent);
    // Link mode starts a new trace, and keeps the message's baggage.
    const parent = this.parentMode || !producer ? sent : trace.deleteSpan(sent);
    const links: Link[] | undefined = !this.parentMode && producer && isSpanContextValid(producer) ? [{ context: producer }] : undefined;
    const attributes = messagingAttributes(system, 'process', delivery.queue, message);
    attributes['celery.hostname'] = hostname;
    if (message) attributes['celery.retries'] = message.headers.retries;
    const span = tracer.startSpan(`process ${delivery.queue}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
    return context.with(trace.setSpan(parent, span), () => handle(span)).finally(() => span.end());
  }

  /**
   * The attempt of the active process span ended: its outcome (`tq.task.outcome`), and the error
   * it ended with, if any (`error.type`, an exception event, status ERROR).
   */
  attemptEnded(outcome: string, error: unknown): void {
    if (this.off) return;
    const span = trace.getActiveSpan();
    if (!span?.isRecording()) return;
    span.setAttribute('tq.task.outcome', outcome);
    if (error !== undefined) failed(span, error);
  }

  /** The tracer to use now; undefined when tracing is off or no SDK is registered. */
  private currentTracer(): Tracer | undefined {
    if (this.off) return undefined;
    const provider = this.provider ?? trace.getTracerProvider();
    // The global provider is a proxy; `getDelegate` is duck-typed, as a second copy of the API has its own class.
    const delegate = 'getDelegate' in provider ? (provider as ProxyTracerProvider).getDelegate() : provider;
    if (delegate === NO_SDK) return undefined;
    if (delegate !== this.delegate) {
      this.delegate = delegate;
      this.tracer = delegate.getTracer(SCOPE);
    }
    return this.tracer;
  }
}

/** The attributes both kinds of span carry (a fresh object: callers add their own). */
function messagingAttributes(system: string, operation: 'send' | 'process', queue: string, message: TaskMessage | undefined): Attributes {
  const attributes: Attributes = {
    'messaging.system': system,
    'messaging.operation.name': operation,
    'messaging.operation.type': operation,
    'messaging.destination.name': queue,
  };
  if (message) {
    attributes['celery.task_name'] = message.headers.task;
    attributes['messaging.message.id'] = message.headers.id;
    // The workflow's first task: every task of a chain, group or chord shares it.
    attributes['messaging.message.conversation_id'] = message.headers.root_id ?? message.headers.id;
  }
  return attributes;
}

/** Mark `span` failed with `error`: its type, an exception event, status ERROR. */
function failed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const asError = error instanceof Error ? error : new Error(String(error));
  span.setAttribute('error.type', errorType(error));
  span.recordException(asError);
  span.setStatus({ code: SpanStatusCode.ERROR, message: asError.message });
}

/** A low-cardinality name for what failed: the error's class (Python's exception type for a task that failed there). */
function errorType(error: unknown): string {
  if (error instanceof Error) return error.constructor.name === 'Error' ? error.name : error.constructor.name;
  return typeof error;
}
