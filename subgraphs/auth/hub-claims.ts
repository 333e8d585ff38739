/**
 * Who is asking, as the gateway vouches for it. The gateway authenticates the caller and
 * forwards the claims to hub subgraphs in a short-lived token signed with the hub's internal
 * secret; a subgraph trusts only that header, so a call that bypasses the gateway is anonymous.
 */
import { SignJWT, jwtVerify } from 'jose';
import { GraphQLError } from 'graphql';

export const ROLES = ['USER', 'INSTITUTION_STAFF', 'REVIEWER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface HubClaims {
  sub: string;
  role: Role;
  institutionId: string | null;
}

export const CLAIMS_HEADER = 'x-irhub-claims';
const ISSUER = 'irhub-gateway';
const AUDIENCE = 'irhub-subgraphs';

export async function signHubClaims(claims: HubClaims, secret: Uint8Array): Promise<string> {
  return new SignJWT({ role: claims.role, institutionId: claims.institutionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(secret);
}

/** The claims in a request's header, or null when absent; a forged or stale header is an error. */
export async function readHubClaims(header: string | string[] | undefined, secret: Uint8Array): Promise<HubClaims | null> {
  if (!header || Array.isArray(header)) return null;
  try {
    const { payload } = await jwtVerify(header, secret, { issuer: ISSUER, audience: AUDIENCE });
    const role = payload.role as Role;
    if (!payload.sub || !ROLES.includes(role)) return null;
    return { sub: payload.sub, role, institutionId: typeof payload.institutionId === 'string' ? payload.institutionId : null };
  } catch {
    throw new GraphQLError('request did not come through the hub gateway', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

export function requireRole(claims: HubClaims | null, roles: readonly Role[], action: string): HubClaims {
  if (!claims) throw new GraphQLError(`${action} needs a bearer token`, { extensions: { code: 'UNAUTHENTICATED' } });
  if (!roles.includes(claims.role)) {
    throw new GraphQLError(`${action} needs role ${roles.join(' or ')}; ${claims.sub} is ${claims.role}`, { extensions: { code: 'FORBIDDEN' } });
  }
  return claims;
}
