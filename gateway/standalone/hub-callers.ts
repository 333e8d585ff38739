/**
 * Who a caller is, for a gateway in a process of its own: it holds no user table, so it asks the
 * hub's accounts subgraph (`{ me }`, with the caller's own Authorization header), which verifies the
 * token as every hub subgraph does. An answer is kept as long as a hub keeps an account it has read
 * (ACCOUNT_CACHE_MS), so a disabled user or a revoked token is refused here as soon as there.
 */
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { bearerToken, type Authenticator } from '../../subgraphs/auth/authenticate.ts';
import { ROLES, type HubClaims, type Role } from '../../subgraphs/auth/hub-claims.ts';
import { ACCOUNT_CACHE_MS } from '../../subgraphs/auth/user-tokens.ts';

interface MeResponse {
  data?: { me: { id: string; role: Role; institutionId: string } | null };
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

const unavailable = (message: string) => new GraphQLError(message, { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });

/** `accountsUrl` is the accounts subgraph's routing URL in the served supergraph */
export function hubCallers(accountsUrl: () => string | null, timeoutMs = 5000): Authenticator {
  const known = new Map<string, { readAt: number; claims: HubClaims | null; refused: string | null }>();
  const ask = async (authorization: string) => {
    const url = accountsUrl();
    if (!url) throw unavailable('the served supergraph names no accounts subgraph to verify tokens with');
    let body: MeResponse;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: '{ me { id role institutionId } }' }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.json() as MeResponse;
    } catch (error) {
      throw unavailable(`cannot verify the bearer token: the accounts subgraph at ${url} does not answer (${error instanceof Error ? error.message : String(error)})`);
    }
    const refusal = body.errors?.find((e) => e.extensions?.code === 'UNAUTHENTICATED');
    if (refusal) return { claims: null, refused: refusal.message };
    const me = body.data?.me;
    if (!me || !ROLES.includes(me.role)) throw unavailable(`cannot verify the bearer token: the accounts subgraph answered ${JSON.stringify(body.errors ?? body.data ?? null)}`);
    return { claims: { sub: me.id, role: me.role, institutionId: me.institutionId || null }, refused: null };
  };
  return async (authorization) => {
    if (!bearerToken(authorization)) return null;
    const key = createHash('sha256').update(authorization!).digest('base64url');
    let entry = known.get(key);
    if (!entry || Date.now() - entry.readAt >= ACCOUNT_CACHE_MS) {
      entry = { readAt: Date.now(), ...await ask(authorization!) };
      if (known.size > 10_000) known.clear();
      known.set(key, entry);
    }
    if (entry.refused !== null) throw new GraphQLError(entry.refused, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    return entry.claims;
  };
}
