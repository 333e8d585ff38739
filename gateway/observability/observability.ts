/**
 * What operators see of a running gateway, composed in one place: the structured log, the
 * metrics, and the `/ready` and `/metrics` routes on the gateway port.
 */
import type { IncomingMessage } from 'node:http';
import type { Knex } from 'knex';
import type { StaticResponse } from '../../connectors/sdk/graphql-http.ts';
import type { SupergraphState } from '../../subgraphs/registry/registry-subgraph.ts';
import { createHubMetrics, type HubMetrics } from './metrics.ts';
import type { Logger } from './logger.ts';

/** a database that has not answered within this is not ready, whatever its pool would wait */
const DATABASE_PROBE_MS = 2000;

export interface Observability {
  logger: Logger;
  metrics: HubMetrics;
  /** the `/ready` and `/metrics` responses, null for other paths */
  routes(request: IncomingMessage, url: URL): Promise<StaticResponse | null>;
}

async function databaseAnswers(db: Knex): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`no answer within ${DATABASE_PROBE_MS} ms`), DATABASE_PROBE_MS); });
  try {
    return await Promise.race([db.raw('select 1').then(() => null, (error: unknown) => error instanceof Error ? error.message : String(error)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function json(status: number, body: unknown): StaticResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

/** `db`: the hub's database, when this process uses one (a gateway serving a supergraph file does not) */
export function createObservability(options: { db?: Knex; supergraph: () => SupergraphState; logger: Logger }): Observability {
  const metrics = createHubMetrics(options.db, options.supergraph);
  return {
    logger: options.logger,
    metrics,
    async routes(request, url) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return null;
      if (url.pathname === '/ready') {
        const database = options.db ? await databaseAnswers(options.db) : null;
        const supergraph = options.supergraph().sdl !== null;
        const ready = database === null && supergraph;
        if (!ready) options.logger.warn({ database: database ?? 'ok', supergraph }, 'not ready');
        return json(ready ? 200 : 503, { ready, database: database ?? (options.db ? 'ok' : 'not used by this process'), supergraph: supergraph ? 'served' : 'none composed yet' });
      }
      if (url.pathname === '/metrics') {
        try {
          return { status: 200, headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }, body: await metrics.registry.metrics() };
        } catch (error) {
          // a metric read from the database fails with it: say so rather than serve a partial page
          options.logger.error({ err: error }, 'metrics');
          return { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n` };
        }
      }
      return null;
    },
  };
}
