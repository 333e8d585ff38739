/**
 * `irhub subgraphs`: the hub without its gateway, until Ctrl-C — the database, the registry and the
 * connectors it hosts, the catalog and the other hub subgraphs, each on the port its configuration
 * gives, so that `npx irhub supergraph --out` writes routing URLs that stay the same across restarts.
 */
import { HUB_SUBGRAPH_NAMES } from '../hub-subgraphs.ts';
import { startSubgraphsService, type SubgraphsAddress } from '../subgraphs-service.ts';
import { writeDemoTokens } from './start-command.ts';
import { hubDataFromEnv, portFromEnv, untilStopped } from './service-env.ts';
import { startTracingFromEnv } from '../observability/tracing.ts';

export const DEFAULT_SUBGRAPH_PORT = 4100;
export const DEFAULT_CONNECTOR_PORTS = '4200-4299';

/** IRHUB_SUBGRAPH_HOST, IRHUB_SUBGRAPH_PUBLIC_HOST, IRHUB_SUBGRAPH_PORT and IRHUB_CONNECTOR_PORTS, checked */
export function subgraphsAddressFromEnv(env: NodeJS.ProcessEnv): SubgraphsAddress {
  const host = env.IRHUB_SUBGRAPH_HOST || '127.0.0.1';
  const portBase = portFromEnv(env, 'IRHUB_SUBGRAPH_PORT', DEFAULT_SUBGRAPH_PORT);
  if (portBase === 0) throw new Error('IRHUB_SUBGRAPH_PORT must be a fixed port: the supergraph\'s routing URLs name it');
  const text = env.IRHUB_CONNECTOR_PORTS || DEFAULT_CONNECTOR_PORTS;
  const match = /^(\d+)-(\d+)$/.exec(text);
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (!match || from < 1 || to > 65535 || from > to) throw new Error(`IRHUB_CONNECTOR_PORTS must be a range of ports like ${DEFAULT_CONNECTOR_PORTS}, got "${text}"`);
  const last = portBase + HUB_SUBGRAPH_NAMES.length - 1;
  if (from <= last && to >= portBase) throw new Error(`IRHUB_CONNECTOR_PORTS ${text} overlaps the hub subgraphs' ports ${portBase}-${last} (IRHUB_SUBGRAPH_PORT)`);
  return { host, publicHost: env.IRHUB_SUBGRAPH_PUBLIC_HOST || (host === '0.0.0.0' ? '127.0.0.1' : host), portBase, connectorPorts: { from, to } };
}

export async function subgraphsCommand(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const address = subgraphsAddressFromEnv(env);
  const hubData = hubDataFromEnv(env);
  const tracing = startTracingFromEnv(env);
  const service = await startSubgraphsService({
    ...hubData,
    log: out,
    address,
  });
  out('');
  HUB_SUBGRAPH_NAMES.forEach((name, i) => out(`subgraph ${name}: http://${address.publicHost}:${address.portBase + i}/graphql`));
  out(`connectors: ports ${address.connectorPorts.from}-${address.connectorPorts.to}, one kept per source`);
  out(`the command line reaches the registry with IRHUB_URL=http://${address.publicHost}:${address.portBase + HUB_SUBGRAPH_NAMES.indexOf('registry')}`);
  if (service.demoUserIds.length > 0 && service.userTokens.canIssue) for (const line of await writeDemoTokens(service, hubData.dataDir)) out(line);
  out('subgraphs ready');
  await untilStopped();
  out('stopping');
  await service.close();
  await tracing?.shutdown();
  return 0;
}
