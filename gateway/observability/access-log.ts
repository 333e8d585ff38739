/**
 * One access-log line and one metrics sample per request on the gateway port. The request id is
 * the caller's X-Request-Id when it looks like one (a proxy in front assigns it), else a new one;
 * it is written back onto the request so the GraphQL layer logs under the same id, and returned
 * to the caller.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.ts';
import type { HubMetrics } from './metrics.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** paths that are labels of their own; any other path is counted as "other" (a path is the caller's to invent) */
const ROUTES = new Set(['/graphql', '/health', '/ready', '/metrics', '/possible-types.json']);

export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export function accessLog(logger: Logger, metrics: HubMetrics) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const id = requestIdOf(request);
    request.headers['x-request-id'] = id;
    response.setHeader('x-request-id', id);
    const path = (request.url ?? '/').split('?')[0];
    const route = ROUTES.has(path.replace(/(.)\/$/, '$1')) ? path.replace(/(.)\/$/, '$1') : path.startsWith('/calendar/') ? '/calendar' : 'other';
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.request(request.method ?? 'GET', route, response.statusCode, seconds);
      logger.info({
        reqId: id, method: request.method, path, status: response.statusCode, ms: Math.round(seconds * 1000),
        bytes: Number(response.getHeader('content-length') ?? 0) || undefined, remote: request.socket.remoteAddress,
        ...(response.writableFinished ? {} : { aborted: true }),
      }, 'request');
    };
    response.once('finish', done);
    response.once('close', done);
  };
}
