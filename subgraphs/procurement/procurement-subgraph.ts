/**
 * The procurement subgraph: `procurementCheck` of API.md, whole plans, and reviewers'
 * decisions. Candidates are returned as `Instrument` references (@interfaceObject) so the
 * gateway fetches their fields from the catalog, whatever source they come from.
 */
import { readFileSync } from 'node:fs';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { FEDERATION_LINK } from '../../connectors/sdk/serve-connector.ts';
import { dateTimeScalar, decimalScalar } from '../../schema/scalars.ts';
import { inventoryDefinitions } from '../../schema/sdl-definitions.ts';
import { instrumentTypeByKey } from '../../schema/instrument-types.ts';
import type { InstrumentClassKey } from '../../schema/classes.ts';
import { requireRole, type HubClaims } from '../auth/hub-claims.ts';
import { serveHubSubgraph, type HubContext, type HubServices, type HubSubgraphModule } from '../serve-hub-subgraph.ts';
import { decisionsOf, listRegistrations, listReviews, loadCheck, recordDecision, registrationTotals, saveCheck, unstoredCheck, type Decision, type DecisionRecord, type ReviewStatus, type StoredCheck } from './check-store.ts';
import { checkPurchase, type CheckedCandidate } from './procurement-check.ts';
import type { PlannedPurchase } from './purchase-profile.ts';
import { reviewThresholdsFromEnv } from './review-requirement.ts';
import { badInput } from '../bad-input.ts';
import { monthStart } from '../usage/usage-months.ts';

export const PROCUREMENT_SDL = `${FEDERATION_LINK}
${inventoryDefinitions(['Decimal', 'InstrumentClass', 'SharingMode'])}
${readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')}`;

export const MAX_PLAN_ITEMS = 2000;
/** an anonymous caller's plan: enough to try the check, too few to load the hub */
export const MAX_ANONYMOUS_PLAN_ITEMS = 20;
const PLAN_CONCURRENCY = 4;
const REVIEWERS = ['REVIEWER', 'ADMIN'] as const;

interface ProcurementContext extends HubContext {
  decisions: DataLoader<string, DecisionRecord[]>;
}

interface PlannedPurchaseInput {
  name: string;
  model?: string | null;
  manufacturer?: string | null;
  instrumentClass?: InstrumentClassKey | null;
  budget: string;
  institutionId?: string | null;
  district?: string | null;
  specs?: string | null;
}

export function plannedPurchase(input: PlannedPurchaseInput): PlannedPurchase {
  const blankToNull = (text: string | null | undefined) => (text && text.trim() !== '' ? text.trim() : null);
  return {
    name: input.name.trim(),
    model: blankToNull(input.model),
    manufacturer: blankToNull(input.manufacturer),
    instrumentClass: input.instrumentClass ?? null,
    budget: Number(input.budget),
    institutionId: blankToNull(input.institutionId),
    district: blankToNull(input.district),
    specs: blankToNull(input.specs),
  };
}

function decodeAfter(after: string | null | undefined, what = 'procurementReviews'): { checkedAt: string; id: string } | null {
  if (!after) return null;
  try {
    const value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as { checkedAt?: unknown; id?: unknown };
    if (typeof value.checkedAt === 'string' && typeof value.id === 'string' && !Number.isNaN(Date.parse(value.checkedAt))) return { checkedAt: value.checkedAt, id: value.id };
  } catch { /* reported below */ }
  throw badInput('after', `not a cursor of ${what}`);
}

function mayRead(check: StoredCheck, claims: HubClaims | null): boolean {
  return claims !== null && ((REVIEWERS as readonly string[]).includes(claims.role) || check.checkedBy === claims.sub);
}

function startProcurementSubgraph(services: HubServices) {
  const { db } = services;
  const thresholds = reviewThresholdsFromEnv();
  const check = async (input: PlannedPurchaseInput, first: number, claims: HubClaims | null, store: boolean) => {
    const result = await checkPurchase(db, plannedPurchase(input), { sourceIds: services.supergraph().sourceIds, thresholds, now: new Date(), first });
    return store ? saveCheck(db, result, claims) : unstoredCheck(result);
  };
  /**
   * Checks are stored (and reach the reviewers' queue) only for a signed-in caller; an
   * anonymous one gets the answer and nothing is written. Asking to store anonymously is an error.
   */
  const storing = (claims: HubClaims | null, store: boolean | null | undefined): boolean => {
    if (store === true && !claims) throw new GraphQLError('store: storing a procurement check (for a reviewer to decide on) needs a bearer token; without one the check is answered and not stored', { extensions: { code: 'UNAUTHENTICATED', field: 'store' } });
    return store ?? claims !== null;
  };
  const resolvers: GraphQLResolverMap<ProcurementContext> = {
    DateTime: dateTimeScalar,
    Decimal: decimalScalar,
    Query: {
      procurementCheck: (_root, args: { input: PlannedPurchaseInput; first: number; store?: boolean | null }, context: ProcurementContext) =>
        check(args.input, args.first, context.claims, storing(context.claims, args.store)),
      procurementPlanCheck: async (_root, args: { items: PlannedPurchaseInput[]; first: number; store?: boolean | null }, context: ProcurementContext) => {
        const store = storing(context.claims, args.store);
        if (args.items.length > MAX_PLAN_ITEMS) throw badInput('items', `a plan has at most ${MAX_PLAN_ITEMS} items, got ${args.items.length}; split it`);
        if (!context.claims && args.items.length > MAX_ANONYMOUS_PLAN_ITEMS) {
          throw new GraphQLError(`items: without a bearer token a plan has at most ${MAX_ANONYMOUS_PLAN_ITEMS} items, got ${args.items.length}; sign in to check up to ${MAX_PLAN_ITEMS}`, { extensions: { code: 'UNAUTHENTICATED', field: 'items' } });
        }
        const checkItem = async (item: PlannedPurchaseInput, index: number) => {
          try {
            return { index, check: await check(item, args.first, context.claims, store), error: null };
          } catch (error) {
            if (!(error instanceof GraphQLError) || error.extensions.code !== 'BAD_USER_INPUT') throw error;
            return { index, check: null, error: `item ${index + 1} (${item.name || 'unnamed'}): ${error.message}` };
          }
        };
        // a few items at a time: the database works on one while the hub scores another
        const results = [];
        for (let i = 0; i < args.items.length; i += PLAN_CONCURRENCY) {
          results.push(...await Promise.all(args.items.slice(i, i + PLAN_CONCURRENCY).map((item, n) => checkItem(item, i + n))));
        }
        return results;
      },
      storedProcurementCheck: async (_root, args: { id: string }, context: ProcurementContext) => {
        const stored = await loadCheck(db, args.id);
        if (stored && !mayRead(stored, context.claims)) requireRole(context.claims, REVIEWERS, 'reading a procurement check made by someone else');
        return stored;
      },
      procurementReviews: (_root, args: { status: ReviewStatus; first: number; after?: string | null }, context: ProcurementContext) => {
        requireRole(context.claims, REVIEWERS, 'listing procurement reviews');
        if (args.first < 1 || args.first > 200) throw badInput('first', `between 1 and 200, got ${args.first}`);
        return listReviews(db, args.status, args.first, decodeAfter(args.after));
      },
      purchaseRegistrations: async (_root, args: { year: number; first: number; after?: string | null }, context: ProcurementContext) => {
        requireRole(context.claims, REVIEWERS, 'listing purchase registrations');
        const thisYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
        if (!Number.isInteger(args.year) || args.year < 2000 || args.year > thisYear) throw badInput('year', `between 2000 and ${thisYear}, got ${args.year}`);
        if (args.first < 1 || args.first > 500) throw badInput('first', `between 1 and 500, got ${args.first}`);
        const from = monthStart(`${args.year}-01`);
        const to = monthStart(`${args.year + 1}-01`);
        const nodes = await listRegistrations(db, from, to, args.first, decodeAfter(args.after, 'purchaseRegistrations'));
        const last = nodes.at(-1);
        const totals = await registrationTotals(db, from, to);
        return {
          year: args.year, totalCount: totals.total, totalBudget: totals.budget, byRequirement: totals.byRequirement, nodes,
          endCursor: nodes.length === args.first && last ? Buffer.from(JSON.stringify({ checkedAt: last.checkedAt, id: last.id })).toString('base64url') : null,
        };
      },
    },
    Mutation: {
      decideProcurementCheck: (_root, args: { input: { checkId: string; decision: Decision; reason: string } }, context: ProcurementContext) => {
        const claims = requireRole(context.claims, REVIEWERS, 'deciding on a procurement check');
        return recordDecision(db, args.input, claims, new Date());
      },
    },
    ProcurementCheck: {
      stored: (c: StoredCheck) => c.stored,
      recognizedTypes: (c: StoredCheck) => c.recognizedTypes.map((key) => instrumentTypeByKey(key)).filter((t) => t !== undefined).map((t) => ({ key: t.key, zh: t.zh, en: t.en })),
      recognizedFrom: (c: StoredCheck) => c.typesFrom,
      consult: (c: StoredCheck) => c.consultInstitutionIds.map((id) => ({ id })),
      usageFrom: (c: StoredCheck) => c.usageWindow.from,
      usageTo: (c: StoredCheck) => c.usageWindow.to,
      decisions: (c: StoredCheck, _args: unknown, context: ProcurementContext) => context.decisions.load(c.id),
      reviewStatus: async (c: StoredCheck, _args: unknown, context: ProcurementContext) => {
        const decisions = await context.decisions.load(c.id);
        const last = decisions.at(-1);
        return last && last.decision !== 'NEED_MORE_INFO' ? 'DECIDED' : 'PENDING';
      },
    },
    PlannedPurchase: {
      budget: (p: PlannedPurchase) => p.budget.toFixed(2),
    },
    DuplicateCandidate: {
      instrument: (c: CheckedCandidate) => ({ __typename: 'Instrument', id: c.instrumentId }),
      owner: (c: CheckedCandidate) => ({ id: c.institutionId }),
    },
  };
  return serveHubSubgraph<ProcurementContext>({
    name: 'procurement',
    typeDefs: PROCUREMENT_SDL,
    resolvers,
    authenticate: services.authenticate,
    listen: services.listen,
    context: (claims) => ({ claims, decisions: new DataLoader(async (ids: readonly string[]) => { const found = await decisionsOf(db, ids); return ids.map((id) => found.get(id) ?? []); }) }),
  });
}

export const procurementSubgraph: HubSubgraphModule = { name: 'procurement', start: startProcurementSubgraph };
