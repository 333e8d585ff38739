/**
 * The gateway as a process of its own (`npx irhub gateway`): the same server, plugins, limits and
 * operators' routes as in `npx irhub start`, on a supergraph read from a file. It keeps no state:
 * callers are verified by the hub's accounts subgraph, connector secrets come from the registry
 * subgraph for the key derived from IRHUB_SECRET, the calendar feeds from the booking subgraph, each
 * found at its routing URL in the file.
 */
import path from 'node:path';
import type { Logger } from '../observability/logger.ts';
import { createObservability } from '../observability/observability.ts';
import { startGateway } from '../server.ts';
import type { GatewayLimits } from '../limits.ts';
import { gatewayKey } from '../hub-files.ts';
import { HUB_SUBGRAPH_NAMES } from '../hub-subgraphs.ts';
import { FileSupergraph, routingUrls } from '../supergraph/file-supergraph.ts';
import { hubCallers } from './hub-callers.ts';
import { connectorCredentials } from './connector-credentials.ts';
import { relayedFeeds } from './feeds-relay.ts';

export interface FileGatewayOptions {
  port: number;
  host?: string;
  supergraphFile: string;
  /** IRHUB_SECRET, the same as the subgraphs service's */
  secret: string;
  limits: GatewayLimits;
  logger: Logger;
  log: (line: string) => void;
  drainMs: number;
  sourceTimeoutMs?: number;
}

export async function startFileGateway(options: FileGatewayOptions) {
  let urls = new Map<string, string>();
  const credentials = connectorCredentials({ key: gatewayKey(options.secret), registryUrl: () => urls.get('registry') ?? null, log: options.log });
  const supergraph = new FileSupergraph(path.resolve(options.supergraphFile), {
    hubSubgraphNames: HUB_SUBGRAPH_NAMES,
    log: options.log,
    beforeServing: async (sdl) => {
      urls = routingUrls(sdl);
      const registry = urls.get('registry');
      if (!registry) throw new Error('the supergraph names no registry subgraph: connectors\' secrets cannot be had');
      // a new source's secret is here before the supergraph routing to it is served
      await credentials.refresh(registry);
    },
  });
  const gateway = await startGateway({
    port: options.port,
    host: options.host,
    supergraph,
    authenticate: hubCallers(() => urls.get('accounts') ?? null),
    sourceCredential: credentials.get,
    hubSubgraphNames: HUB_SUBGRAPH_NAMES,
    sourceTimeoutMs: options.sourceTimeoutMs ?? 2000,
    hubTimeoutMs: 30_000,
    limits: options.limits,
    feeds: relayedFeeds(() => urls.get('booking') ?? null),
    observability: createObservability({ supergraph: () => supergraph.state, logger: options.logger }),
    drainMs: options.drainMs,
  });
  return {
    url: gateway.url,
    port: gateway.port,
    started: gateway.started,
    async close() {
      supergraph.close();
      credentials.close();
      await gateway.close();
    },
  };
}
