/**
 * The options every Apollo Server of the hub is made with — gateway, hub subgraphs, catalog and
 * connectors: CSRF prevention (a request must declare a non-simple content type or a preflight
 * header), no stack traces, unexpected errors masked (error-masking.ts), vendor telemetry off
 * (vendor-telemetry.ts).
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maskUnexpectedErrors, type ErrorLog } from './error-masking.ts';
import { vendorTelemetryPlugins } from './vendor-telemetry.ts';

export function servingOptions<TContext extends BaseContext>(plugins: ApolloServerPlugin<TContext>[] = [], log?: ErrorLog) {
  return {
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError: maskUnexpectedErrors(log),
    plugins: [...plugins, ...(vendorTelemetryPlugins() as ApolloServerPlugin<TContext>[])],
    // the hub stops every server itself on SIGINT/SIGTERM (gateway/cli/start-command.ts), in order
    stopOnTerminationSignals: false,
  };
}
