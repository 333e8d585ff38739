/**
 * OpenTelemetry traces through the gateway and the subgraphs: with a tracer provider registered,
 * one query is one trace from the gateway's HTTP span through @apollo/gateway's own spans to a
 * span in each subgraph and connector it fetched from, each under the gateway.fetch that called it;
 * a caller's `traceparent` is continued. `irhub start` exports to a collector by OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, and nothing is registered when no variable asks for it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, tempDir, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { startHubProcess, type HubProcess } from './support/hub-process.ts';
import { startTracing, traceExportFromEnv, type Tracing } from '../gateway/observability/tracing.ts';

interface OtlpExport {
  resourceSpans: Array<{ resource: { attributes: unknown[] }; scopeSpans: Array<{ spans: Array<{ name: string; traceId: string; spanId: string; parentSpanId?: string }> }> }>;
}

const QUERY = `{ instrument(id: "traced:T-1") { name live { state } utilisation { hoursUsed } } }`;
const ROW = ['T-1', '场发射扫描电镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '400'];

// once for the file, as once for a process: the tracers Apollo and the hub hold follow the first provider
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing(exporter, { batch: false });
});
afterAll(async () => tracing?.shutdown());

describe.each(DATABASE_TARGETS)('traces through gateway and subgraphs ($name)', (target) => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub(target);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('traced', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'traced.csv', [ROW]) }));
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
  }, 120_000);
  afterAll(async () => hub?.close());

  /** the spans of the one trace that has a span named `name` */
  const traceOf = (spans: ReadableSpan[], name: string) => {
    const ids = new Set(spans.filter((s) => s.name === name).map((s) => s.spanContext().traceId));
    expect(ids.size).toBe(1);
    return spans.filter((s) => ids.has(s.spanContext().traceId));
  };
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('makes one trace of a query: the gateway\'s spans, and a span in each subgraph and connector under the fetch that called it', async () => {
    exporter.reset();
    const result = await hub.gql<{ instrument: { name: string } }>(QUERY);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data!.instrument.name).toBe('场发射扫描电镜');

    const spans = traceOf(exporter.getFinishedSpans(), 'gateway.request');
    const names = spans.map((s) => s.name);
    for (const name of ['gateway POST /graphql', 'gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']) expect(names).toContain(name);
    const root = spans.find((s) => s.name === 'gateway POST /graphql')!;
    expect(parentOf(root)).toBeUndefined();
    expect(parentOf(spans.find((s) => s.name === 'gateway.request')!)).toBe(root.spanContext().spanId);

    const fetches = spans.filter((s) => s.name === 'gateway.fetch');
    expect(fetches.map((f) => f.attributes.service).sort()).toEqual(['catalog', 'oversight', 'traced']);
    for (const fetch of fetches) {
      const server = `${fetch.attributes.service === 'traced' ? 'connector traced' : String(fetch.attributes.service)} POST /graphql`;
      const continued = spans.filter((s) => s.name === server && parentOf(s) === fetch.spanContext().spanId);
      expect(continued, `${server} under the gateway.fetch to ${String(fetch.attributes.service)}`).toHaveLength(1);
      expect(continued[0].attributes['http.response.status_code']).toBe(200);
    }
  });

  it('continues the trace a caller started', async () => {
    exporter.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(hub.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(response.status).toBe(200);
    const spans = traceOf(exporter.getFinishedSpans(), 'gateway.request');
    expect(spans[0].spanContext().traceId).toBe(traceId);
    expect(parentOf(spans.find((s) => s.name === 'gateway POST /graphql')!)).toBe('00f067aa0ba902b7');
    expect(spans.filter((s) => s.name === 'catalog POST /graphql')).toHaveLength(1);
  });
});

describe('traces from irhub start', () => {
  const dir = tempDir();
  const received: Array<{ path: string; type: string | undefined; body: Buffer }> = [];
  let collector: http.Server;
  let hubProcess: HubProcess;

  beforeAll(async () => {
    // a collector's OTLP/HTTP endpoint: whatever is posted to it is kept
    collector = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', type: request.headers['content-type'], body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    hubProcess = await startHubProcess({
      IRHUB_DATA_DIR: dir.dir, IRHUB_LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      OTEL_SERVICE_NAME: 'irhub-under-test', OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  }, 120_000);
  afterAll(async () => {
    hubProcess?.kill();
    await new Promise((resolve) => collector?.close(resolve));
    dir.remove();
  });

  it('sends the spans of a query to OTEL_EXPORTER_OTLP_ENDPOINT, as OTLP/HTTP JSON', async () => {
    const response = await fetch(`${hubProcess.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ instruments { totalCount } }' }) });
    expect(response.status).toBe(200);
    const sent = () => received.filter((r) => r.path === '/v1/traces').flatMap((r) => (JSON.parse(r.body.toString('utf8')) as OtlpExport).resourceSpans);
    const spans = () => sent().flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const deadline = Date.now() + 10_000;
    while (!spans().some((s) => s.name === 'catalog POST /graphql') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received[0]?.type).toBe('application/json');
    expect(sent()[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'irhub-under-test' } });
    const request = spans().find((s) => s.name === 'gateway.request')!;
    const trace = spans().filter((s) => s.traceId === request.traceId);
    for (const name of ['gateway POST /graphql', 'gateway.execute', 'gateway.fetch']) expect(trace.map((s) => s.name)).toContain(name);
    const catalog = trace.find((s) => s.name === 'catalog POST /graphql')!;
    expect(trace.find((s) => s.spanId === catalog.parentSpanId)?.name).toBe('gateway.fetch');
  });

  it('registers nothing unless a variable asks for traces', () => {
    expect(traceExportFromEnv({})).toBeNull();
    expect(traceExportFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('otlp');
    expect(traceExportFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe('otlp');
    expect(traceExportFromEnv({ OTEL_TRACES_EXPORTER: 'console' })).toBe('console');
    expect(traceExportFromEnv({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBeNull();
    expect(() => traceExportFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/otlp, console or none/);
  });
});
