/**
 * Who the caller is: the hub administrator (the token the hub writes to its data directory)
 * or a registered user, or nobody. A bearer token that is present but wrong is an error, never silently anonymous.
 *
 * The gateway and every hub subgraph each run this on the caller's own `Authorization`
 * header, which the gateway passes to hub subgraphs only (never to a connector): identity
 * ends at the hub, and any router that forwards that header to the hub's subgraphs (Apollo
 * Router's header propagation) can stand in front of them.
 */
import { timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { HubClaims } from './hub-claims.ts';

export interface Authenticator {
  (authorization: string | undefined): Promise<HubClaims | null>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bearerToken(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw new GraphQLError('Authorization header must be "Bearer <token>"', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  return match[1];
}

/** Users' tokens are verified by `verifyUser` (subgraphs/auth/user-tokens.ts); the admin token always works. */
export function createAuthenticator(adminToken: string, verifyUser?: (token: string) => Promise<HubClaims>): Authenticator {
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) return null;
    if (sameSecret(token, adminToken)) return { sub: 'admin', role: 'ADMIN', institutionId: null };
    if (verifyUser) return verifyUser(token);
    throw new GraphQLError('bearer token is not valid', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  };
}
