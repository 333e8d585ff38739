/**
 * Runs the connector of every registered source: hosted kinds (sql, rest, spreadsheet) are
 * served by the hub itself with serveConnector (on a free port, or the source's stored one when the
 * hub runs as separate services); a `remote` source is a
 * connector the institution runs, reached at its URL. Either way the hub gets a subgraph URL,
 * its SDL, and a harvest endpoint, which answer only calls signed with the source's secret.
 */
import { GraphQLError } from 'graphql';
import { openConnectorAdapter } from '../../connectors/kinds.ts';
import { serveConnector, type HarvestPageReader, type ServedConnector } from '../../connectors/sdk/serve-connector.ts';
import { signedInit } from '../../connectors/sdk/hub-credential.ts';
import type { ConnectorKind } from './source-store.ts';

export interface HostedConnector {
  sourceId: string;
  /** where the hub itself calls it */
  url: string;
  /** where a gateway calls it: its host as other machines name it when the hub runs as separate services */
  routingUrl: string;
  typeDefs: string;
  /** a hosted connector's harvest pages, read in this process; a remote one's are fetched from its URL */
  harvestPage: HarvestPageReader | null;
  close(): Promise<void>;
}

export interface ConnectorHostOptions {
  /** relative paths in source configs resolve against this */
  baseDir: string;
  /** the source's current secret, read on every call so that a rotation takes effect at once */
  credential: () => string;
  /** where a hosted connector listens (a free loopback port when not given), and the host routing URLs name */
  listen?: { host?: string; port?: number; publicHost?: string };
}

async function fetchRemoteSdl(sourceId: string, url: string, credential: string): Promise<string> {
  let response: Response;
  try {
    const endpoint = new URL('/graphql', url);
    response = await fetch(endpoint, {
      ...signedInit(credential, endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new Error(`source ${sourceId}: connector at ${url} is unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const body = await response.json().catch(() => null) as { data?: { _service?: { sdl?: string } } } | null;
  if (response.status === 401) throw new Error(`source ${sourceId}: connector at ${url} refused the hub's credential; start it with this source's secret (npx irhub sources rotate ${sourceId} writes a new one)`);
  const sdl = body?.data?._service?.sdl;
  if (!sdl) throw new Error(`source ${sourceId}: connector at ${url} did not return its subgraph SDL (HTTP ${response.status})`);
  return sdl;
}

export async function hostConnector(sourceId: string, kind: ConnectorKind, config: Record<string, unknown>, options: ConnectorHostOptions): Promise<HostedConnector> {
  if (kind === 'remote') {
    const url = config.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new GraphQLError(`source ${sourceId}: a remote connector needs "url": "http://…" in its config`);
    const typeDefs = await fetchRemoteSdl(sourceId, url, options.credential());
    const base = url.replace(/\/$/, '');
    return { sourceId, url: base, routingUrl: base, typeDefs, harvestPage: null, close: async () => {} };
  }
  const { adapter, defaults } = await openConnectorAdapter(kind, sourceId, config, options.baseDir);
  let served: ServedConnector;
  try {
    served = await serveConnector({ sourceId, adapter, defaults, credential: options.credential, host: options.listen?.host, port: options.listen?.port });
  } catch (error) {
    await adapter.close?.();
    throw error;
  }
  const routingUrl = new URL(served.url);
  if (options.listen?.publicHost) routingUrl.hostname = options.listen.publicHost;
  return { ...served, routingUrl: routingUrl.origin };
}
