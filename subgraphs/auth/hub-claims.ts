/**
 * Who is asking, as the gateway vouches for it. The gateway authenticates the caller and
 * forwards the claims to hub subgraphs in a short-lived token signed with the hub's internal
 * secret — for anonymous callers too — and hub subgraphs refuse any call without a valid one,
 * so nothing reaches them except through the gateway.
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

/** `null` claims sign an anonymous caller: the gateway vouches that the call came through it. */
export async function signHubClaims(claims: HubClaims | null, secret: Uint8Array): Promise<string> {
  return new SignJWT(claims ? { role: claims.role, institutionId: claims.institutionId } : { anonymous: true })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims?.sub ?? 'anonymous')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(secret);
}

/** The claims in a request's header (null for an anonymous caller); a missing, forged or stale header is refused. */
export async function readHubClaims(header: string | string[] | undefined, secret: Uint8Array): Promise<HubClaims | null> {
  const refused = () => new GraphQLError('request did not come through the hub gateway', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  if (!header || Array.isArray(header)) throw refused();
  let payload;
  try {
    ({ payload } = await jwtVerify(header, secret, { issuer: ISSUER, audience: AUDIENCE }));
  } catch {
    throw refused();
  }
  if (payload.anonymous === true) return null;
  const role = payload.role as Role;
  if (!payload.sub || !ROLES.includes(role)) throw refused();
  return { sub: payload.sub, role, institutionId: typeof payload.institutionId === 'string' ? payload.institutionId : null };
}

export function requireRole(claims: HubClaims | null, roles: readonly Role[], action: string): HubClaims {
  if (!claims) throw new GraphQLError(`${action} needs a bearer token`, { extensions: { code: 'UNAUTHENTICATED' } });
  if (!roles.includes(claims.role)) {
    throw new GraphQLError(`${action} needs role ${roles.join(' or ')}; ${claims.sub} is ${claims.role}`, { extensions: { code: 'FORBIDDEN' } });
  }
  return claims;
}
