import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';

/** Accepts every span and sends it nowhere: what tracing costs tq, without an exporter's I/O. */
const noopExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
};

/**
 * Registers the OpenTelemetry SDK as an application would (global provider, AsyncLocalStorage
 * context, W3C propagators, a batch processor, every span sampled) with {@link noopExporter}.
 */
export function noopTracing(): void {
  new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopExporter)] }).register();
}
