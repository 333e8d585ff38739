/**
 * Test fixtures: a real hub (gateway, subgraphs, connectors over HTTP) on a temporary data
 * directory, against PGlite and, when DATABASE_URL is set, against server PostgreSQL too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startHub, type Hub } from '../../gateway/hub.ts';
import { newSourceSecret } from '../../connectors/sdk/hub-credential.ts';
import { DEFAULT_LIMITS, withoutRateLimits, type GatewayLimits } from '../../gateway/limits.ts';

export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  databaseUrl?: string;
}

/** PGlite always; the server as well wherever DATABASE_URL is set (CI sets it) */
export const DATABASE_TARGETS: DatabaseTarget[] = [
  { name: 'pglite' },
  ...(process.env.DATABASE_URL ? [{ name: 'postgres' as const, databaseUrl: process.env.DATABASE_URL }] : []),
];

export function tempDir(prefix = 'irhub-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestHub extends Hub {
  dataDir: string;
  logs: string[];
  /** POST a GraphQL operation to the gateway; the admin token unless another is given */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphqlResponse<T>>;
}

export interface GraphqlResponse<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** Each test is one client sending as fast as it can: no rate limits unless a test sets them; every other limit as shipped. */
export const TEST_LIMITS: GatewayLimits = withoutRateLimits(DEFAULT_LIMITS);

export async function startTestHub(target: DatabaseTarget, options: { sourceTimeoutMs?: number; demo?: boolean; limits?: GatewayLimits } = {}): Promise<TestHub> {
  const temp = tempDir();
  const logs: string[] = [];
  const hub = await startHub({
    port: 0,
    host: '127.0.0.1',
    dataDir: temp.dir,
    databaseUrl: target.databaseUrl,
    databaseSchema: target.databaseUrl ? `irhub_test_${randomBytes(5).toString('hex')}` : undefined,
    demo: options.demo ?? false,
    schedule: false,
    sourceTimeoutMs: options.sourceTimeoutMs,
    limits: options.limits ?? TEST_LIMITS,
    log: (line) => logs.push(line),
  });
  return {
    ...hub,
    dataDir: temp.dir,
    logs,
    async gql<T>(query: string, variables: Record<string, unknown> = {}, token: string | null = hub.adminToken) {
      const response = await fetch(hub.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json() as GraphqlResponse<T>;
      return { ...body, status: response.status };
    },
    async close() {
      await hub.close();
      temp.remove();
    },
  };
}

export const ADD_SOURCE = `mutation ($input: AddSourceInput!) {
  addSource(input: $input) {
    source { id typeName instrumentCount inSupergraph compositionError connectorError }
    harvest { status mode seen imported rejected deleted error rejectedRows(first: 50) { ref field reason } }
  }
}`;

/** the secret the tests' remote connectors are started with (serveConnector({ credential })) */
export const REMOTE_CREDENTIAL = newSourceSecret();

/** a remote source is registered with REMOTE_CREDENTIAL, the secret its connector checks */
export function addSourceInput(id: string, kind: 'SQL' | 'REST' | 'SPREADSHEET' | 'REMOTE', config: object, harvest = true) {
  return { input: { id, kind, config: JSON.stringify(config), harvest, ...(kind === 'REMOTE' ? { credential: REMOTE_CREDENTIAL } : {}) } };
}
