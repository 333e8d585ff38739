/**
 * Latency per operation name and errors by code (Prometheus), and a log line per failed
 * operation under the request's id (set by the access log on the request's headers).
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from '../observability/logger.ts';
import type { HubMetrics } from '../observability/metrics.ts';

export function observabilityPlugin<TContext extends BaseContext>(logger: Logger, metrics: HubMetrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      const reqId = request.http?.headers.get('x-request-id');
      return {
        async didEncounterErrors({ errors, operationName }) {
          const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          for (const code of codes) metrics.error(code);
          logger.warn({ reqId, operation: operationName ?? null, codes, messages: errors.slice(0, 5).map((e) => e.message) }, 'graphql errors');
        },
        async willSendResponse({ operationName }) {
          metrics.operation(operationName ?? null, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
