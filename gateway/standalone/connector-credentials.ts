/**
 * The secrets a gateway in a process of its own signs its calls to connectors with. The registry
 * subgraph gives them to whoever shows the key derived from the hub's secret (IRHUB_SECRET); they are
 * read again with every new supergraph and every few seconds, so a rotated or new source's secret
 * reaches this gateway within REFRESH_MS.
 */
import { CONNECTOR_CREDENTIALS_PATH } from '../../subgraphs/registry/registry-subgraph.ts';

export const CREDENTIALS_REFRESH_MS = 5000;

export interface ConnectorCredentials {
  /** a source's current secret, null when the hub has given none */
  get(sourceId: string): string | null;
  /** read them now from the registry subgraph at this routing URL */
  refresh(registryUrl: string): Promise<void>;
  close(): void;
}

export function connectorCredentials(options: { key: string; registryUrl: () => string | null; log: (line: string) => void; refreshMs?: number }): ConnectorCredentials {
  let credentials: Record<string, string> = {};
  let lastProblem: string | null = null;
  const refresh = async (registryUrl: string) => {
    const url = new URL(CONNECTOR_CREDENTIALS_PATH, registryUrl);
    const response = await fetch(url, { headers: { authorization: `Bearer ${options.key}` }, signal: AbortSignal.timeout(5000) });
    const body = await response.json().catch(() => null) as { credentials?: Record<string, string>; error?: string } | null;
    if (!response.ok || !body?.credentials) throw new Error(`connector credentials from ${url.origin}: HTTP ${response.status} ${body?.error ?? ''}`.trim());
    credentials = body.credentials;
  };
  const timer = setInterval(() => {
    const registryUrl = options.registryUrl();
    if (!registryUrl) return;
    refresh(registryUrl).then(() => { lastProblem = null; }, (error: unknown) => {
      const problem = error instanceof Error ? error.message : String(error);
      // said once, not every few seconds while the subgraphs are down
      if (problem !== lastProblem) options.log(problem);
      lastProblem = problem;
    });
  }, options.refreshMs ?? CREDENTIALS_REFRESH_MS);
  timer.unref();
  return {
    get: (sourceId) => credentials[sourceId] ?? null,
    refresh,
    close: () => clearInterval(timer),
  };
}
