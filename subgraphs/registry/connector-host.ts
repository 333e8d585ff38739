/**
 * Runs the connector of every registered source: hosted kinds (sql, rest, spreadsheet) are
 * served by the hub itself with serveConnector on a free port; a `remote` source is a
 * connector the institution runs, reached at its URL. Either way the hub gets a subgraph URL,
 * its SDL, and a harvest endpoint.
 */
import { GraphQLError } from 'graphql';
import { openConnectorAdapter } from '../../connectors/kinds.ts';
import { serveConnector, type ServedConnector } from '../../connectors/sdk/serve-connector.ts';
import type { ConnectorKind } from './source-store.ts';

export interface HostedConnector {
  sourceId: string;
  url: string;
  typeDefs: string;
  close(): Promise<void>;
}

export interface ConnectorHostOptions {
  /** relative paths in source configs resolve against this */
  baseDir: string;
}

async function fetchRemoteSdl(sourceId: string, url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(new URL('/graphql', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new Error(`source ${sourceId}: connector at ${url} is unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const body = await response.json().catch(() => null) as { data?: { _service?: { sdl?: string } } } | null;
  const sdl = body?.data?._service?.sdl;
  if (!sdl) throw new Error(`source ${sourceId}: connector at ${url} did not return its subgraph SDL (HTTP ${response.status})`);
  return sdl;
}

export async function hostConnector(sourceId: string, kind: ConnectorKind, config: Record<string, unknown>, options: ConnectorHostOptions): Promise<HostedConnector> {
  if (kind === 'remote') {
    const url = config.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new GraphQLError(`source ${sourceId}: a remote connector needs "url": "http://…" in its config`);
    const typeDefs = await fetchRemoteSdl(sourceId, url);
    return { sourceId, url: url.replace(/\/$/, ''), typeDefs, close: async () => {} };
  }
  const { adapter, defaults } = await openConnectorAdapter(kind, sourceId, config, options.baseDir);
  let served: ServedConnector;
  try {
    served = await serveConnector({ sourceId, adapter, defaults });
  } catch (error) {
    await adapter.close?.();
    throw error;
  }
  return served;
}
