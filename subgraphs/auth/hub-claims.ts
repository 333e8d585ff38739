/**
 * Who is asking, once a bearer token has been verified (subgraphs/auth/authenticate.ts), and
 * what a role may do.
 */
import { GraphQLError } from 'graphql';

export const ROLES = ['USER', 'INSTITUTION_STAFF', 'REVIEWER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface HubClaims {
  sub: string;
  role: Role;
  institutionId: string | null;
}

export function requireRole(claims: HubClaims | null, roles: readonly Role[], action: string): HubClaims {
  if (!claims) throw new GraphQLError(`${action} needs a bearer token`, { extensions: { code: 'UNAUTHENTICATED' } });
  if (!roles.includes(claims.role)) {
    throw new GraphQLError(`${action} needs role ${roles.join(' or ')}; ${claims.sub} is ${claims.role}`, { extensions: { code: 'FORBIDDEN' } });
  }
  return claims;
}
