/**
 * A minimal node:http front for Apollo Server, shared by connector subgraphs, hub subgraphs
 * and the gateway: one port serves `/graphql` plus a few plain JSON routes (harvest, health),
 * and the Apollo instance behind `/graphql` can be swapped without closing the port, which is
 * how the catalog follows the source registry.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';

export type JsonRoute = (url: URL, request: http.IncomingMessage) => Promise<unknown>;

/** A response that is not JSON (a page, a script), as `files` answers it. */
export interface StaticResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface GraphqlHttpOptions<TContext extends BaseContext> {
  port?: number;
  host?: string;
  /** the Apollo instance serving /graphql; `setApollo` swaps it later */
  apollo: ApolloServer<TContext>;
  /** `body` is the request's body as received, for a context that checks a signature over it */
  context: (request: http.IncomingMessage, body: string) => Promise<TContext>;
  routes?: Record<string, JsonRoute>;
  /** asked first for every request: a response of its own, or null to go on to the routes and /graphql */
  files?: (request: http.IncomingMessage, url: URL) => Promise<StaticResponse | null>;
  /** largest accepted request body, bytes */
  maxBodyBytes?: number;
  /** told of every request as it arrives (an access log watches its response finish) */
  onRequest?: (request: http.IncomingMessage, response: http.ServerResponse) => void;
  /** what traces call this server ("gateway", a subgraph's name, "connector <source>"); "graphql" when not given */
  traceName?: string;
}

export interface GraphqlHttpServer<TContext extends BaseContext> {
  url: string;
  port: number;
  setApollo(apollo: ApolloServer<TContext>): void;
  /**
   * Stops accepting; requests in flight are answered until `drainMs` has passed (0: none), and only
   * then are the connections still open cut.
   */
  close(drainMs?: number): Promise<void>;
}

/**
 * The body, refused with 413 as soon as it is known to exceed `limit` (from Content-Length, or
 * while it streams). The rest of an oversized body is read and dropped rather than the socket
 * reset, so the client gets the 413 instead of a broken connection; past eight times the limit
 * the socket is closed after all.
 */
export function readBody(request: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, `request body larger than ${limit} bytes`);
    let chunks: Buffer[] | null = [];
    let size = 0;
    if (Number(request.headers['content-length']) > limit) {
      chunks = null;
      reject(tooLarge());
    }
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (chunks && size > limit) {
        chunks = null;
        reject(tooLarge());
      }
      if (chunks) chunks.push(chunk);
      else if (size > 8 * limit) request.destroy();
    });
    request.on('end', () => {
      if (chunks) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

/** Whether a Content-Type header declares JSON (`application/json`, any parameters). */
export function declaresJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * A request body as JSON, read only when the request says it is JSON: a `text/plain` body is what a
 * cross-site form may send without the browser asking first, so it is never read as JSON (415).
 */
export function parseJsonBody(text: string, contentType: string | undefined): unknown {
  if (!declaresJson(contentType)) throw new HttpError(415, `request body must be application/json, not ${contentType ?? 'untyped'}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `Invalid JSON in the request body (${error instanceof Error ? error.message : String(error)})`);
  }
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // after a refused body the connection is not reused: the rest of that body may still be arriving
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...(status === 413 ? { connection: 'close' } : {}) });
  response.end(text);
}

const tracer = trace.getTracer('irhub');

export async function serveGraphqlHttp<TContext extends BaseContext>(options: GraphqlHttpOptions<TContext>): Promise<GraphqlHttpServer<TContext>> {
  let apollo = options.apollo;
  const maxBody = options.maxBodyBytes ?? 2 * 1024 * 1024;
  const traceName = options.traceName ?? 'graphql';
  const server = http.createServer((request, response) => {
    options.onRequest?.(request, response);
    // a span per request, in the trace the caller's `traceparent` names; without a registered tracer
    // provider (gateway/observability/tracing.ts) it records nothing and propagation reads nothing
    const caller = propagation.extract(ROOT_CONTEXT, request.headers);
    const path = (request.url ?? '/').split('?')[0];
    tracer.startActiveSpan(`${traceName} ${request.method ?? 'GET'} ${path}`, {
      kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method ?? 'GET', 'url.path': path, 'irhub.server': traceName },
    }, caller, (span) => {
      void handle(request, response).catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        if (!response.headersSent) sendJson(response, status, { error: error instanceof Error ? error.message : String(error) });
        else response.end();
      }).finally(() => {
        span.setAttribute('http.response.status_code', response.statusCode);
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
    });
  });
  // keep-alive so the gateway's many small fetches reuse sockets
  server.keepAliveTimeout = 65_000;

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const file = await options.files?.(request, url);
    if (file) {
      response.writeHead(file.status, { ...file.headers, 'content-length': Buffer.byteLength(file.body) });
      response.end(request.method === 'HEAD' ? undefined : file.body);
      return;
    }
    const route = options.routes?.[url.pathname];
    if (route) {
      sendJson(response, 200, await route(url, request));
      return;
    }
    // "/graphql/" is "/graphql", as in Apollo's own integrations
    if (url.pathname.replace(/(.)\/$/, '$1') !== '/graphql') {
      sendJson(response, 404, { error: `no route ${url.pathname}` });
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    let text = '';
    if (request.method === 'POST') {
      text = await readBody(request, maxBody);
      // a body of another type goes to Apollo as no body: it answers 400 "invalid Content-Type"
      // (and, with CSRF prevention, refuses a simple cross-site POST before that)
      const contentType = request.headers['content-type'];
      if (declaresJson(contentType)) body = text === '' ? {} : parseJsonBody(text, contentType);
    }
    const current = apollo;
    const result = await current.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: () => options.context(request, text),
    });
    for (const [key, value] of result.headers) response.setHeader(key, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    setApollo(next) {
      apollo = next;
    },
    async close(drainMs = 0) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // a kept-alive connection goes idle once its last response is sent; it is closed then, not at the deadline
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, drainMs).unref());
      await Promise.race([closed, deadline]);
      clearInterval(idle);
      server.closeAllConnections();
      await closed;
    },
  };
}
