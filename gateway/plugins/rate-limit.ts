/**
 * Requests per window: per user for a bearer token, per address for anonymous callers, with the
 * windows of gateway/limits.ts (rate-limiter-flexible). Counters live in this process's memory: a
 * hub run as several replicas counts each apart (a shared store — its Redis or PostgreSQL limiter —
 * is the change to make then). A caller over the limit gets HTTP 429, code RATE_LIMITED, and
 * Retry-After.
 */
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { HubClaims } from '../../subgraphs/auth/hub-claims.ts';
import { CALLER_TIERS, callerTier, type CallerTier, type RateLimit } from '../limits.ts';

export type RateLimiter = (claims: HubClaims | null, address: string) => Promise<void>;

export function createRateLimiter(limits: Record<CallerTier, RateLimit | null>): RateLimiter {
  const limiters = new Map(CALLER_TIERS.flatMap((tier) => {
    const limit = limits[tier];
    return limit ? [[tier, { limit, limiter: new RateLimiterMemory({ keyPrefix: tier, points: limit.requests, duration: limit.seconds }) }] as const] : [];
  }));
  return async (claims, address) => {
    const tier = callerTier(claims);
    const entry = limiters.get(tier);
    if (!entry) return;
    try {
      await entry.limiter.consume(claims ? `user:${claims.sub}` : `address:${address}`);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      const who = claims ? `user ${claims.sub}` : `anonymous callers from ${address}`;
      throw new GraphQLError(`rate limit: at most ${entry.limit.requests} requests per ${entry.limit.seconds} s for ${who}; retry in ${retryAfter} s`, {
        extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) } },
      });
    }
  };
}
