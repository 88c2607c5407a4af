// Turns tracing on for a process: W3C trace context, spans exported over OTLP/HTTP when an endpoint is
// configured (or to the exporter a test passes), and the fetch calls to providers traced as client spans
// that carry `traceparent` to them. Without either, nothing is recorded and the API stays a no-op.
// The SDK is loaded only when tracing is on: every command (`onramp --help` too) would pay for it.
import { propagation, trace } from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans go to `<endpoint>/v1/traces`. */
  otlpEndpoint?: string | undefined;
  /** OTEL_EXPORTER_OTLP_HEADERS, parsed: e.g. the collector's authentication. */
  otlpHeaders?: Record<string, string>;
  /** Each span handed over as it ends (tests pass an in-memory exporter). */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Exports what is buffered and stops; runs once however often it is called. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { shutdown: async () => undefined };

/** A provider URL's query can name a person (a SCIM filter on userName): spans keep only its origin and path. */
function withoutQuery(request: { origin: string; path: string }): Record<string, string> {
  const [path, query] = request.path.split('?', 2);
  return { 'url.full': `${request.origin}${path ?? ''}`, 'url.query': query === undefined ? '' : '?(omitted)' };
}

export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (options.otlpEndpoint === undefined && options.exporter === undefined) return OFF;
  const [{ OTLPTraceExporter }, { registerInstrumentations }, { UndiciInstrumentation }, { resourceFromAttributes }, { BatchSpanProcessor, SimpleSpanProcessor }, { NodeTracerProvider }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  const processors: SpanProcessor[] = [];
  if (options.otlpEndpoint !== undefined) {
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url, headers: options.otlpHeaders ?? {} })));
  }
  if (options.exporter !== undefined) processors.push(new SimpleSpanProcessor(options.exporter));

  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': options.serviceName }), spanProcessors: processors });
  // The W3C trace-context propagator and an AsyncLocalStorage context manager.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    // Provider calls are named by their host and method only: a URL may carry a person's id or email.
    instrumentations: [new UndiciInstrumentation({ requireParentforSpans: true, startSpanHook: withoutQuery })],
  });
  let stopping: Promise<void> | undefined;
  return {
    shutdown() {
      stopping ??= (async () => {
        unregister();
        await provider.shutdown();
        trace.disable();
        propagation.disable();
      })();
      return stopping;
    },
  };
}
