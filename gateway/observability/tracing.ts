/**
 * OpenTelemetry traces, off unless configured. @apollo/gateway makes its spans (gateway.request,
 * gateway.plan, gateway.execute, gateway.fetch for each subgraph call…) through @opentelemetry/api,
 * which drops them for nothing until a tracer provider is registered; this registers one, with W3C
 * trace context, so the gateway's fetches carry `traceparent` (gateway/server.ts) and every HTTP
 * server of the hub (gateway, hub subgraphs, connectors: connectors/sdk/graphql-http.ts) continues
 * the trace.
 *
 * The standard variables: OTEL_TRACES_EXPORTER `otlp` (OTLP over HTTP, to OTEL_EXPORTER_OTLP_ENDPOINT
 * or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, either of which alone turns it on), `console` (spans on
 * stdout) or `none`; OTEL_SERVICE_NAME (`irhub` when not set) and OTEL_RESOURCE_ATTRIBUTES.
 */
import { NodeTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';

export interface Tracing {
  /** sends the spans not yet sent; those ended later are dropped */
  shutdown(): Promise<void>;
}

export type TraceExport = 'otlp' | 'console';

export function traceExportFromEnv(env: NodeJS.ProcessEnv = process.env): TraceExport | null {
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none' || env.OTEL_SDK_DISABLED === 'true') return null;
  if (exporter === 'otlp' || exporter === 'console') return exporter;
  if (exporter) throw new Error(`OTEL_TRACES_EXPORTER must be otlp, console or none, got "${env.OTEL_TRACES_EXPORTER}"`);
  return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : null;
}

/**
 * Registers a tracer provider for this process exporting to `exporter`: in batches for a collector,
 * span by span otherwise (stdout, tests).
 */
export function startTracing(exporter: SpanExporter, options: { batch: boolean }): Tracing {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'irhub' }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [options.batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)],
  });
  provider.register();
  return {
    shutdown: () => provider.shutdown(),
  };
}

/** the tracing the environment asks for, or null (nothing registered, nothing spent) */
export function startTracingFromEnv(env: NodeJS.ProcessEnv = process.env): Tracing | null {
  const kind = traceExportFromEnv(env);
  if (kind === null) return null;
  return kind === 'otlp' ? startTracing(new OTLPTraceExporter(), { batch: true }) : startTracing(new ConsoleSpanExporter(), { batch: false });
}
