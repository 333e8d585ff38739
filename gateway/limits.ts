/**
 * The gateway's limits as one block: what each kind of caller may ask (query shape and cost),
 * how often, how large a request body may be, and who may introspect or see field suggestions.
 * Read once from the environment at start (README, "Limits"); a bad value stops the start with
 * the variable named.
 */
import type { HubClaims } from '../subgraphs/auth/hub-claims.ts';

/** Who is asking, as far as limits go: nobody, a registered user, or staff (owners' staff, reviewers, the administrator). */
export const CALLER_TIERS = ['anonymous', 'user', 'staff'] as const;
export type CallerTier = (typeof CALLER_TIERS)[number];

export function callerTier(claims: HubClaims | null): CallerTier {
  if (!claims) return 'anonymous';
  return claims.role === 'USER' ? 'user' : 'staff';
}

export interface QueryLimits {
  /** lexical tokens of the document */
  tokens: number;
  /** nesting of fields, fragments flattened */
  depth: number;
  aliases: number;
  directives: number;
  /** graphql-armor's estimate: objects 2, scalars 1, ×1.5 a level, × `first` */
  cost: number;
  /** fields after every fragment spread is expanded */
  fields: number;
  /** fields of an abstract type (Instrument, a type per source) nested within each other along one path */
  abstractNesting: number;
}

export interface RateLimit {
  requests: number;
  seconds: number;
}

export interface GatewayLimits {
  query: Record<CallerTier, QueryLimits>;
  /** per address for anonymous callers, per user otherwise; null: unlimited */
  rate: Record<CallerTier, RateLimit | null>;
  maxBodyBytes: number;
  introspection: readonly CallerTier[];
  fieldSuggestions: readonly CallerTier[];
}

export const DEFAULT_LIMITS: GatewayLimits = {
  query: {
    anonymous: { tokens: 2_000, depth: 8, aliases: 15, directives: 10, cost: 12_000, fields: 300, abstractNesting: 1 },
    user: { tokens: 5_000, depth: 10, aliases: 30, directives: 20, cost: 50_000, fields: 1_000, abstractNesting: 2 },
    staff: { tokens: 10_000, depth: 12, aliases: 100, directives: 50, cost: 100_000, fields: 2_000, abstractNesting: 2 },
  },
  rate: {
    anonymous: { requests: 200, seconds: 10 },
    user: { requests: 500, seconds: 10 },
    staff: { requests: 1_000, seconds: 10 },
  },
  maxBodyBytes: 1024 * 1024,
  introspection: ['staff'],
  fieldSuggestions: ['staff'],
};

/** For one client that measures the hub (tests, benchmarks, evaluations): every limit as configured but the request rate. */
export function withoutRateLimits(limits: GatewayLimits): GatewayLimits {
  return { ...limits, rate: { anonymous: null, user: null, staff: null } };
}

export class LimitsConfigError extends Error {}

function jsonVariable(env: NodeJS.ProcessEnv, name: string): Record<string, unknown> | null {
  const text = env[name];
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new LimitsConfigError(`${name}: a JSON object is expected, got ${text}`);
}

function tierKeys(name: string, value: Record<string, unknown>): Array<[CallerTier, unknown]> {
  return Object.entries(value).map(([tier, v]) => {
    if (!(CALLER_TIERS as readonly string[]).includes(tier)) throw new LimitsConfigError(`${name}: unknown caller "${tier}" (one of ${CALLER_TIERS.join(', ')})`);
    return [tier as CallerTier, v];
  });
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new LimitsConfigError(`${name}: a positive integer is expected, got ${JSON.stringify(value)}`);
  return value;
}

function tierList(env: NodeJS.ProcessEnv, name: string, fallback: readonly CallerTier[]): readonly CallerTier[] {
  const text = env[name]?.trim();
  if (!text) return fallback;
  if (text === 'none') return [];
  const tiers = text.split(',').map((t) => t.trim());
  for (const tier of tiers) {
    if (!(CALLER_TIERS as readonly string[]).includes(tier)) throw new LimitsConfigError(`${name}: unknown caller "${tier}" (a list of ${CALLER_TIERS.join(', ')}, or none)`);
  }
  return tiers as CallerTier[];
}

/**
 * IRHUB_QUERY_LIMITS='{"anonymous":{"depth":6}}' and IRHUB_RATE_LIMITS='{"anonymous":{"requests":50,"seconds":10},"staff":null}'
 * change single values; IRHUB_MAX_BODY_BYTES the body limit; IRHUB_INTROSPECTION and IRHUB_FIELD_SUGGESTIONS
 * list the callers allowed ("staff", "user,staff", "anonymous,user,staff" or "none").
 */
export function gatewayLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayLimits {
  const query = structuredClone(DEFAULT_LIMITS.query);
  const queryOverrides = jsonVariable(env, 'IRHUB_QUERY_LIMITS');
  for (const [tier, value] of queryOverrides ? tierKeys('IRHUB_QUERY_LIMITS', queryOverrides) : []) {
    if (!value || typeof value !== 'object') throw new LimitsConfigError(`IRHUB_QUERY_LIMITS.${tier}: an object of limits is expected`);
    for (const [key, n] of Object.entries(value)) {
      if (!(key in query[tier])) throw new LimitsConfigError(`IRHUB_QUERY_LIMITS.${tier}: unknown limit "${key}" (one of ${Object.keys(query[tier]).join(', ')})`);
      query[tier][key as keyof QueryLimits] = positive(`IRHUB_QUERY_LIMITS.${tier}.${key}`, n);
    }
  }
  const rate = { ...DEFAULT_LIMITS.rate };
  const rateOverrides = jsonVariable(env, 'IRHUB_RATE_LIMITS');
  for (const [tier, value] of rateOverrides ? tierKeys('IRHUB_RATE_LIMITS', rateOverrides) : []) {
    if (value === null) {
      rate[tier] = null;
      continue;
    }
    const { requests, seconds } = (value ?? {}) as Record<string, unknown>;
    rate[tier] = { requests: positive(`IRHUB_RATE_LIMITS.${tier}.requests`, requests), seconds: positive(`IRHUB_RATE_LIMITS.${tier}.seconds`, seconds) };
  }
  return {
    query,
    rate,
    maxBodyBytes: env.IRHUB_MAX_BODY_BYTES ? positive('IRHUB_MAX_BODY_BYTES', Number(env.IRHUB_MAX_BODY_BYTES)) : DEFAULT_LIMITS.maxBodyBytes,
    introspection: tierList(env, 'IRHUB_INTROSPECTION', DEFAULT_LIMITS.introspection),
    fieldSuggestions: tierList(env, 'IRHUB_FIELD_SUGGESTIONS', DEFAULT_LIMITS.fieldSuggestions),
  };
}
