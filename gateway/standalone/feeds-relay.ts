/**
 * The calendar feeds (/calendar/…) on the port of a gateway in a process of its own: it has no database,
 * so it relays them from the booking subgraph, which serves the same feeds at its routing URL's origin.
 */
import type { IncomingMessage } from 'node:http';
import type { StaticResponse } from '../../connectors/sdk/graphql-http.ts';

/** the request headers a feed's answer depends on, and the response headers that describe it */
const ASKED = ['if-none-match', 'if-modified-since'];
const TOLD = ['content-type', 'cache-control', 'etag', 'last-modified', 'allow'];

export function relayedFeeds(bookingUrl: () => string | null, timeoutMs = 10_000) {
  return async (request: IncomingMessage, url: URL): Promise<StaticResponse | null> => {
    if (!url.pathname.startsWith('/calendar/')) return null;
    const base = bookingUrl();
    const unavailable = (why: string): StaticResponse => ({ status: 503, headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' }, body: `calendar feeds unavailable: ${why}\n` });
    if (!base) return unavailable('the served supergraph names no booking subgraph');
    const headers = new Headers();
    for (const name of ASKED) {
      const value = request.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    let response: Response;
    try {
      // HEAD as GET: the gateway's server leaves out the body of a HEAD but states its length
      response = await fetch(new URL(url.pathname + url.search, base), { method: request.method === 'HEAD' ? 'GET' : request.method, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      return unavailable(`the booking subgraph does not answer (${error instanceof Error ? error.message : String(error)})`);
    }
    const told: Record<string, string> = {};
    for (const name of TOLD) {
      const value = response.headers.get(name);
      if (value !== null) told[name] = value;
    }
    return { status: response.status, headers: told, body: new Uint8Array(await response.arrayBuffer()) };
  };
}
