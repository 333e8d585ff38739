/**
 * Running the hub as operators do: readiness, Prometheus metrics, the structured access log,
 * and a SIGTERM that lets requests in flight finish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { DATABASE_TARGETS, startTestHub, tempDir, type TestHub } from './support/test-hub.ts';
import { startHubProcess, type HubProcess } from './support/hub-process.ts';

interface PromMetric { name: string; type: string; metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string }> }

describe.each(DATABASE_TARGETS)('operations ($name)', (target) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target);
  }, 60_000);
  afterAll(async () => hub?.close());

  it('serves Prometheus text that counts requests, operations and errors', async () => {
    const parse = async () => {
      const response = await fetch(`${hub.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      return Object.assign(parsePrometheusTextFormat(text) as PromMetric[], { text });
    };
    const sample = (metrics: PromMetric[], name: string, labels: Record<string, string>) =>
      metrics.find((m) => m.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    const before = await parse();
    const graphqlBefore = Number(sample(before, 'irhub_http_requests_total', { route: '/graphql', status: '200' })?.value ?? 0);

    expect((await hub.gql('query CountMe { __typename }')).data).toEqual({ __typename: 'Query' });
    const failed = await hub.gql('query Broken { noSuchField }');
    expect(failed.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const after = await parse();
    expect(Number(sample(after, 'irhub_http_requests_total', { route: '/graphql', status: '200' })?.value)).toBe(graphqlBefore + 1);
    expect(after.find((m) => m.name === 'irhub_graphql_operation_duration_seconds')?.type).toBe('HISTOGRAM');
    // the parser folds a histogram's label sets together, so its per-operation count is read from the text
    expect(after.text).toMatch(/^irhub_graphql_operation_duration_seconds_count\{operation="CountMe"\} 1$/m);
    expect(Number(sample(after, 'irhub_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })?.value)).toBeGreaterThanOrEqual(1);
    expect(after.find((m) => m.name === 'irhub_composition_seconds')?.metrics[0].value).toMatch(/^\d/);
    expect(after.find((m) => m.name === 'irhub_harvest_runs')).toBeDefined();
  });

  it('is ready while the database answers and a supergraph is served, and says 503 once the database does not', async () => {
    const ready = await fetch(`${hub.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, database: 'ok', supergraph: 'served' });
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
    await hub.database.db.destroy();
    const gone = await fetch(`${hub.url}/ready`);
    expect(gone.status).toBe(503);
    const body = await gone.json() as { ready: boolean; database: string };
    expect(body.ready).toBe(false);
    expect(body.database).not.toBe('ok');
    // liveness is the process, not its dependencies
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
  });
});

describe('irhub start as a process', () => {
  const data = tempDir();
  let hub: HubProcess;
  beforeAll(async () => {
    hub = await startHubProcess({ IRHUB_DATA_DIR: data.dir, DATABASE_URL: '', IRHUB_DRAIN_MS: '10000', IRHUB_LOG_LEVEL: 'info' });
  }, 120_000);
  afterAll(() => {
    hub?.kill();
    data.remove();
  });

  it('writes the served supergraph to a file with irhub supergraph --out', async () => {
    const file = path.join(data.dir, 'supergraph.graphql');
    const { stdout } = await promisify(execFile)(process.execPath, ['gateway/bin/irhub.js', 'supergraph', '--out', file], { env: { ...process.env, PORT: String(hub.port), IRHUB_DATA_DIR: data.dir } });
    expect(stdout).toContain(`supergraph written to ${file}`);
    const sdl = readFileSync(file, 'utf8');
    expect(sdl).toMatch(/join__Graph/);
    expect(sdl).toMatch(/BOOKING @join__graph\(name: "booking", url: "http:\/\/127\.0\.0\.1:\d+\/graphql"\)/);
  }, 30_000);

  it('refuses a second start on the same port at once, naming the port and PORT, before touching its data', async () => {
    const otherData = path.join(data.dir, 'second-hub');
    const started = Date.now();
    const failure = await promisify(execFile)(process.execPath, ['gateway/bin/irhub.js', 'start'], { env: { ...process.env, PORT: String(hub.port), IRHUB_DATA_DIR: otherData, DATABASE_URL: '' } })
      .then(() => null, (error: { code: number; stderr: string }) => error);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`irhub: port ${hub.port} is already in use`);
    expect(failure?.stderr).toContain(`PORT=${hub.port + 1}`);
    expect(failure?.stderr).not.toMatch(/at Server\.|EADDRINUSE/);
    expect(existsSync(otherData)).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('logs each request as JSON with its request id, and on SIGTERM answers the request in flight before exiting', async () => {
    const health = await fetch(`http://127.0.0.1:${hub.port}/health`, { headers: { 'x-request-id': 'probe-1' } });
    expect(health.headers.get('x-request-id')).toBe('probe-1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const accessLine = hub.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === 'probe-1');
    expect(accessLine).toMatchObject({ msg: 'request', method: 'GET', path: '/health', status: 200, level: 30 });

    // a request whose body is still arriving when the signal comes: in flight, and slow
    const body = JSON.stringify({ query: 'query Slow { __typename }' });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port: hub.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.write(body.slice(0, 10));
      setTimeout(() => {
        hub.child.kill('SIGTERM');
        setTimeout(() => request.end(body.slice(10)), 1500);
      }, 300);
    });
    // once the signal is in, no new connection is taken
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expect(fetch(`http://127.0.0.1:${hub.port}/health`)).rejects.toThrow();
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { __typename: 'Query' } });
    expect(await hub.exited).toBe(0);
  }, 60_000);
});
