/**
 * Users' bearer tokens. The gateway verifies them either with the hub's own HS256 secret (the
 * hub issues tokens: `npx irhub token <userId>`) or, when IRHUB_JWKS_FILE names a JWKS file,
 * with the institution identity provider's public keys (the provider issues them). Either way
 * the role and institution come from the hub's user table, not from the token, so a token
 * cannot promote its holder.
 */
import { readFileSync } from 'node:fs';
import { SignJWT, createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { GraphQLError } from 'graphql';
import type { HubClaims } from './hub-claims.ts';

export const USER_TOKEN_ISSUER = 'irhub';
export const USER_TOKEN_AUDIENCE = 'irhub-gateway';

export interface UserTokens {
  /** how tokens are verified, for the start-up log */
  describe: string;
  /** false when an identity provider issues the tokens */
  canIssue: boolean;
  issue(userId: string, days: number): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string): Promise<HubClaims>;
}

export type FindUser = (id: string) => Promise<{ role: HubClaims['role']; institutionId: string } | null>;

const unauthenticated = (message: string) => new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export function createUserTokens(options: { secret: Uint8Array; jwksFile?: string; issuer?: string; audience?: string; findUser: FindUser }): UserTokens {
  let key: Uint8Array | JWTVerifyGetKey = options.secret;
  if (options.jwksFile) {
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(readFileSync(options.jwksFile, 'utf8')) as JSONWebKeySet;
    } catch (error) {
      throw new Error(`IRHUB_JWKS_FILE ${options.jwksFile}: not a readable JWKS file (${error instanceof Error ? error.message : String(error)})`);
    }
    key = createLocalJWKSet(jwks);
  }
  const issuer = options.issuer ?? USER_TOKEN_ISSUER;
  const audience = options.audience ?? USER_TOKEN_AUDIENCE;
  return {
    canIssue: !options.jwksFile,
    describe: options.jwksFile ? `users' tokens verified with the keys of ${options.jwksFile}` : "users' tokens signed by the hub (HS256)",
    async issue(userId, days) {
      if (options.jwksFile) throw new GraphQLError('tokens come from the identity provider of IRHUB_JWKS_FILE; this hub does not issue them', { extensions: { code: 'BAD_REQUEST' } });
      if (!Number.isInteger(days) || days < 1 || days > 366) throw new GraphQLError(`days: between 1 and 366, got ${days}`, { extensions: { code: 'BAD_USER_INPUT', field: 'days' } });
      const expiresAt = new Date(Date.now() + days * 86_400_000);
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer(issuer).setAudience(audience)
        .setIssuedAt().setExpirationTime(Math.floor(expiresAt.getTime() / 1000)).sign(options.secret);
      return { token, expiresAt };
    },
    async verify(token) {
      let sub: string | undefined;
      try {
        const { payload } = typeof key === 'function'
          ? await jwtVerify(token, key, { issuer, audience })
          : await jwtVerify(token, key, { issuer, audience, algorithms: ['HS256'] });
        sub = payload.sub;
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw unauthenticated(`bearer token expired at ${new Date(Number(error.payload.exp) * 1000).toISOString()}; ask for a new one`);
        if (error instanceof joseErrors.JWTClaimValidationFailed) throw unauthenticated(`bearer token is not for this hub (${error.claim} "${String(error.payload[error.claim])}")`);
        throw unauthenticated('bearer token is not valid (bad signature or not a JWT)');
      }
      if (!sub) throw unauthenticated('bearer token names no user (sub)');
      const user = await options.findUser(sub);
      if (!user) throw unauthenticated(`user ${sub} is not registered with this hub`);
      return { sub, role: user.role, institutionId: user.institutionId };
    },
  };
}
