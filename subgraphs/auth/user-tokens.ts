/**
 * Users' bearer tokens. The gateway verifies them either with the hub's own HS256 secret (the
 * hub issues tokens: `npx irhub token <userId>`) or, when IRHUB_JWKS_FILE names a JWKS file,
 * with the institution identity provider's public keys (the provider issues them). Either way
 * the role and institution come from the hub's user table, not from the token, so a token
 * cannot promote its holder; and so do whether the user is disabled and since when its tokens
 * count (revocation). The table is read at most every few seconds per user, which is how soon
 * a change made on another replica takes effect (at once on this one). Every token expires:
 * one without `exp`, or living longer than the hub allows, is refused.
 */
import { readFileSync } from 'node:fs';
import { SignJWT, createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { GraphQLError } from 'graphql';
import type { HubClaims } from './hub-claims.ts';

export const USER_TOKEN_ISSUER = 'irhub';
export const USER_TOKEN_AUDIENCE = 'irhub-gateway';

export interface UserTokens {
  /** how tokens are verified, for the start-up log */
  describe: string;
  /** false when an identity provider issues the tokens */
  canIssue: boolean;
  /** the longest a token may live, days */
  maxDays: number;
  issue(userId: string, days: number): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string): Promise<HubClaims>;
  /** after a change of the user's account here: the next verification reads it again */
  forget(userId: string): void;
}

export interface AccountState { role: HubClaims['role']; institutionId: string; disabled: boolean; tokensValidAfter: Date | null }
export type FindUser = (id: string) => Promise<AccountState | null>;

/** how long a user's account is taken as read: the most a change made on another replica waits */
export const ACCOUNT_CACHE_MS = 2000;
export const DEFAULT_TOKEN_MAX_DAYS = 30;

/** IRHUB_TOKEN_MAX_DAYS, checked */
export function tokenMaxDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.IRHUB_TOKEN_MAX_DAYS;
  if (text === undefined || text === '') return DEFAULT_TOKEN_MAX_DAYS;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new Error(`IRHUB_TOKEN_MAX_DAYS: a whole number of days from 1 to 366, got "${text}"`);
  return days;
}

const unauthenticated = (message: string) => new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export function createUserTokens(options: { secret: Uint8Array; jwksFile?: string; issuer?: string; audience?: string; findUser: FindUser; maxDays?: number }): UserTokens {
  const maxDays = options.maxDays ?? DEFAULT_TOKEN_MAX_DAYS;
  const accounts = new Map<string, { readAt: number; state: AccountState | null }>();
  const account = async (id: string): Promise<AccountState | null> => {
    const cached = accounts.get(id);
    if (cached && Date.now() - cached.readAt < ACCOUNT_CACHE_MS) return cached.state;
    const state = await options.findUser(id);
    if (accounts.size > 10_000) accounts.clear();
    accounts.set(id, { readAt: Date.now(), state });
    return state;
  };
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
    maxDays,
    forget: (userId) => accounts.delete(userId),
    describe: options.jwksFile ? `users' tokens verified with the keys of ${options.jwksFile}` : "users' tokens signed by the hub (HS256)",
    async issue(userId, days) {
      if (options.jwksFile) throw new GraphQLError('tokens come from the identity provider of IRHUB_JWKS_FILE; this hub does not issue them', { extensions: { code: 'BAD_REQUEST' } });
      if (!Number.isInteger(days) || days < 1 || days > maxDays) throw new GraphQLError(`days: between 1 and ${maxDays} (IRHUB_TOKEN_MAX_DAYS), got ${days}`, { extensions: { code: 'BAD_USER_INPUT', field: 'days' } });
      // iat has whole seconds: a token issued in the second of a revocation would count as revoked
      const validAfter = (await options.findUser(userId))?.tokensValidAfter?.getTime() ?? 0;
      // (a timer may fire a millisecond early, hence the loop)
      for (let wait = Math.ceil(validAfter / 1000) * 1000 - Date.now(); wait > 0; wait = Math.ceil(validAfter / 1000) * 1000 - Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait + 2, 1000)));
      }
      const expiresAt = new Date(Date.now() + days * 86_400_000);
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer(issuer).setAudience(audience)
        .setIssuedAt().setExpirationTime(Math.floor(expiresAt.getTime() / 1000)).sign(options.secret);
      return { token, expiresAt };
    },
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = typeof key === 'function'
          ? await jwtVerify(token, key, { issuer, audience, requiredClaims: ['exp'] })
          : await jwtVerify(token, key, { issuer, audience, algorithms: ['HS256'], requiredClaims: ['exp'] }));
      } catch (error) {
        if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'exp') throw unauthenticated('bearer token never expires (no exp); the hub accepts only tokens that do');
        if (error instanceof joseErrors.JWTExpired) throw unauthenticated(`bearer token expired at ${new Date(Number(error.payload.exp) * 1000).toISOString()}; ask for a new one`);
        if (error instanceof joseErrors.JWTClaimValidationFailed) throw unauthenticated(`bearer token is not for this hub (${error.claim} "${String(error.payload[error.claim])}")`);
        throw unauthenticated('bearer token is not valid (bad signature or not a JWT)');
      }
      const sub = payload.sub;
      if (!sub) throw unauthenticated('bearer token names no user (sub)');
      if (Number(payload.exp) * 1000 - Date.now() > maxDays * 86_400_000 + 60_000) throw unauthenticated(`bearer token lives longer than ${maxDays} days (IRHUB_TOKEN_MAX_DAYS); ask for a new one`);
      const user = await account(sub);
      if (!user) throw unauthenticated(`user ${sub} is not registered with this hub`);
      if (user.disabled) throw unauthenticated(`user ${sub} is disabled`);
      if (user.tokensValidAfter && (typeof payload.iat !== 'number' || payload.iat * 1000 < user.tokensValidAfter.getTime())) {
        throw unauthenticated(`bearer token was revoked (tokens of ${sub} issued before ${user.tokensValidAfter.toISOString()} are refused); ask for a new one`);
      }
      return { sub, role: user.role, institutionId: user.institutionId };
    },
  };
}
