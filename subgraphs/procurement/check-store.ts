/**
 * Checks and reviewers' decisions as kept for the review file. A check is stored as the hub
 * answered it; a decision stores the check it was made on, so a later harvest that changes the
 * candidates never changes what a reviewer saw. Decisions are appended, never updated: the
 * table is the audit trail.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { GraphQLError } from 'graphql';
import type { HubClaims } from '../auth/hub-claims.ts';
import type { ProcurementCheckResult } from './procurement-check.ts';
import { badInput } from '../bad-input.ts';
import { fromJsonb } from '../storage/jsonb.ts';

export const DECISIONS = ['APPROVE', 'SHARE_INSTEAD', 'REJECT', 'NEED_MORE_INFO'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface StoredCheck extends ProcurementCheckResult {
  id: string;
  checkedBy: string | null;
  /** false for an anonymous caller's check, which is answered and not kept */
  stored: boolean;
}

export interface DecisionRecord {
  id: string;
  checkId: string;
  decision: Decision;
  reason: string;
  decidedBy: string;
  decidedByRole: string;
  decidedAt: Date;
  check: StoredCheck;
}

interface CheckRow { id: string; checked_by: string | null; result: ProcurementCheckResult | string }
interface DecisionRow { id: string | number; check_id: string; decision: Decision; reason: string; decided_by: string; decided_by_role: string; decided_at: Date; check_snapshot: StoredCheck | string }

function storedCheck(row: CheckRow): StoredCheck {
  return { ...fromJsonb(row.result), id: row.id, checkedBy: row.checked_by, stored: true };
}

function decisionRecord(row: DecisionRow): DecisionRecord {
  return {
    id: String(row.id), checkId: row.check_id, decision: row.decision, reason: row.reason, decidedBy: row.decided_by,
    decidedByRole: row.decided_by_role, decidedAt: new Date(row.decided_at), check: fromJsonb(row.check_snapshot),
  };
}

export async function saveCheck(db: Knex, result: ProcurementCheckResult, claims: HubClaims | null): Promise<StoredCheck> {
  const id = `pc_${randomUUID()}`;
  await db('procurement_checks').insert({
    id,
    checked_at: result.checkedAt,
    checked_by: claims?.sub ?? null,
    buyer_institution_id: result.purchase.institutionId ?? null,
    purchase_name: result.purchase.name,
    budget: result.purchase.budget.toFixed(2),
    requirement: result.requirement,
    duplicate_risk: result.duplicateRisk,
    purchase: JSON.stringify(result.purchase),
    result: JSON.stringify(result),
  });
  return { ...result, id, checkedBy: claims?.sub ?? null, stored: true };
}

/** a check answered and not kept: its id finds nothing later */
export function unstoredCheck(result: ProcurementCheckResult): StoredCheck {
  return { ...result, id: `unstored_${randomUUID()}`, checkedBy: null, stored: false };
}

export async function loadCheck(db: Knex, id: string): Promise<StoredCheck | null> {
  const row = await db('procurement_checks').where({ id }).first('id', 'checked_by', 'result') as CheckRow | undefined;
  return row ? storedCheck(row) : null;
}

export async function decisionsOf(db: Knex, checkIds: readonly string[]): Promise<Map<string, DecisionRecord[]>> {
  const rows = await db('procurement_decisions').whereIn('check_id', [...checkIds]).orderBy([{ column: 'decided_at' }, { column: 'id' }]) as DecisionRow[];
  const byCheck = new Map<string, DecisionRecord[]>();
  for (const row of rows) byCheck.set(row.check_id, [...(byCheck.get(row.check_id) ?? []), decisionRecord(row)]);
  return byCheck;
}

export async function recordDecision(db: Knex, input: { checkId: string; decision: Decision; reason: string }, claims: HubClaims, now: Date): Promise<DecisionRecord> {
  const reason = input.reason.trim();
  if (reason.length === 0) throw badInput('reason', 'a decision needs a reason for the review file');
  return db.transaction(async (trx) => {
    // the row lock orders concurrent decisions on one check, so the audit trail has no ties
    const row = await trx('procurement_checks').where({ id: input.checkId }).forUpdate().first('id', 'checked_by', 'result') as CheckRow | undefined;
    if (!row) throw new GraphQLError(`checkId: no procurement check ${input.checkId}`, { extensions: { code: 'NOT_FOUND', field: 'checkId' } });
    const snapshot = storedCheck(row);
    const [inserted] = await trx('procurement_decisions').insert({
      check_id: input.checkId, decision: input.decision, reason, decided_by: claims.sub, decided_by_role: claims.role,
      decided_at: now, check_snapshot: JSON.stringify(snapshot),
    }).returning('*') as DecisionRow[];
    return decisionRecord(inserted);
  });
}

export type ReviewStatus = 'PENDING' | 'DECIDED';

/**
 * Checks that need a review (the budget requires one) by status: PENDING until a decision
 * other than NEED_MORE_INFO is recorded. Newest first, keyset-paged on (checked_at, id).
 */
export async function listReviews(db: Knex, status: ReviewStatus, first: number, after: { checkedAt: string; id: string } | null): Promise<StoredCheck[]> {
  const final = db('procurement_decisions as d').whereRaw('d.check_id = c.id').whereNot('d.decision', 'NEED_MORE_INFO')
    .whereRaw('d.decided_at = (select max(decided_at) from procurement_decisions where check_id = c.id)');
  const query = db('procurement_checks as c').whereNot('c.requirement', 'NONE')
    .select('c.id', 'c.checked_by', 'c.result')
    .orderBy([{ column: 'c.checked_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])
    .limit(first);
  if (status === 'PENDING') query.whereNotExists(final);
  else query.whereExists(final);
  if (after) query.whereRaw('(c.checked_at, c.id) < (?::timestamptz, ?)', [after.checkedAt, after.id]);
  return (await query as CheckRow[]).map(storedCheck);
}

export interface RegistrationTotals {
  total: number;
  /** yuan */
  budget: number;
  byRequirement: Array<{ requirement: string; count: number; budget: number }>;
}

/**
 * 购置登记: every check of a purchase whose budget requires a review is the registration of that
 * purchase before it is made. Those checked in [from, to), oldest first (a register), keyset-paged
 * on (checked_at, id).
 */
export async function listRegistrations(db: Knex, from: Date, to: Date, first: number, after: { checkedAt: string; id: string } | null): Promise<StoredCheck[]> {
  const query = db('procurement_checks as c').whereNot('c.requirement', 'NONE').where('c.checked_at', '>=', from).where('c.checked_at', '<', to)
    .select('c.id', 'c.checked_by', 'c.result')
    .orderBy([{ column: 'c.checked_at' }, { column: 'c.id' }])
    .limit(first);
  if (after) query.whereRaw('(c.checked_at, c.id) > (?::timestamptz, ?)', [after.checkedAt, after.id]);
  return (await query as CheckRow[]).map(storedCheck);
}

export async function registrationTotals(db: Knex, from: Date, to: Date): Promise<RegistrationTotals> {
  const rows = await db('procurement_checks').whereNot('requirement', 'NONE').where('checked_at', '>=', from).where('checked_at', '<', to)
    .groupBy('requirement').orderBy('requirement').select('requirement', db.raw('count(*) as n'), db.raw('sum(budget) as budget')) as Array<{ requirement: string; n: string | number; budget: string | number }>;
  const byRequirement = rows.map((r) => ({ requirement: r.requirement, count: Number(r.n), budget: Number(r.budget) }));
  return { total: byRequirement.reduce((sum, r) => sum + r.count, 0), budget: byRequirement.reduce((sum, r) => sum + r.budget, 0), byRequirement };
}
