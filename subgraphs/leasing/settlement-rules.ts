/**
 * The city's rules for splitting payments for hosted instruments: shares for the owner, the
 * agency, the platform and the subsidy fund, for all hosted instruments, per agency, per class,
 * or per agency and class. A rule is never edited: a new one takes effect from its date, and a
 * payment is split by the rule in force when it was settled (recorded with the settlement), so
 * a change never rewrites what was settled before.
 */
import type { Knex } from 'knex';
import type { HubClaims } from '../auth/hub-claims.ts';
import { badInput } from '../bad-input.ts';
import { sharesProblem, type Shares } from './settlement-split.ts';

type Db = Knex | Knex.Transaction;

/** Without any rule of the city: half back to the owner, 30 % for the agency's work, 10 % each to the platform and to subsidies. */
export const DEFAULT_HOSTED_SHARES: Shares = { owner: 5000, agency: 3000, platform: 1000, subsidy: 1000 };

export interface SettlementRule { id: string | null; agencyId: string | null; instrumentClass: string | null; shares: Shares; effectiveFrom: Date; setBy: string }

interface RuleRow { id: string; agency_id: string | null; instrument_class: string | null; owner_bp: number; agency_bp: number; platform_bp: number; subsidy_bp: number; effective_from: Date; set_by: string }

const toRule = (r: RuleRow): SettlementRule => ({
  id: String(r.id), agencyId: r.agency_id, instrumentClass: r.instrument_class, effectiveFrom: r.effective_from, setBy: r.set_by,
  shares: { owner: r.owner_bp, agency: r.agency_bp, platform: r.platform_bp, subsidy: r.subsidy_bp },
});

/** The rule in force at `at` for an agency's instrument of a class: the most specific scope, then the latest. */
export async function ruleInForce(db: Db, agencyId: string, instrumentClass: string, at: Date): Promise<SettlementRule> {
  const rows = await db('settlement_rules').where('effective_from', '<=', at)
    .where((q) => { q.where('agency_id', agencyId).orWhereNull('agency_id'); })
    .where((q) => { q.where('instrument_class', instrumentClass).orWhereNull('instrument_class'); })
    .orderByRaw('(agency_id is not null) desc, (instrument_class is not null) desc, effective_from desc, id desc').limit(1) as RuleRow[];
  return rows[0] ? toRule(rows[0]) : { id: null, agencyId: null, instrumentClass: null, shares: DEFAULT_HOSTED_SHARES, effectiveFrom: new Date(0), setBy: 'built-in' };
}

export async function settlementRules(db: Db): Promise<SettlementRule[]> {
  return (await db('settlement_rules').orderBy([{ column: 'effective_from', order: 'desc' }, { column: 'id', order: 'desc' }]) as RuleRow[]).map(toRule);
}

export interface SettlementRuleInput { agencyId?: string | null; instrumentClass?: string | null; shares: Shares; effectiveFrom?: Date | null }

/** ADMIN: a new rule, in force from `effectiveFrom` (now by default; never in the past, which is settled). */
export async function addSettlementRule(db: Knex, claims: HubClaims, input: SettlementRuleInput, now: Date): Promise<SettlementRule> {
  const problem = sharesProblem(input.shares);
  if (problem) throw badInput('shares', problem);
  const effectiveFrom = input.effectiveFrom ?? now;
  if (effectiveFrom.getTime() < now.getTime() - 60_000) throw badInput('effectiveFrom', 'a rule cannot reach back before now: what was settled stays settled');
  if (input.agencyId && !(await db('service_agencies').where({ id: input.agencyId }).first('id'))) throw badInput('agencyId', `no service agency ${input.agencyId}`);
  const [row] = await db('settlement_rules').insert({
    agency_id: input.agencyId ?? null, instrument_class: input.instrumentClass ?? null, owner_bp: input.shares.owner, agency_bp: input.shares.agency,
    platform_bp: input.shares.platform, subsidy_bp: input.shares.subsidy, effective_from: effectiveFrom, set_by: claims.sub, set_at: now,
  }).returning('*') as RuleRow[];
  return toRule(row);
}
