/**
 * 结算: every completed booking and closed lease is settled once, into the parts of
 * settlement-split.ts, by who ran the instrument at that moment: its owner alone (all to the
 * owner), an agency renting out its own instrument (all to the agency), or an agency hosting
 * another owner's instrument (the city's rule then in force). The rule used is stored with the
 * settlement, so later rule changes leave it as it was.
 */
import type { Knex } from 'knex';
import { fromJsonb } from '../storage/jsonb.ts';
import type { LeaseRow } from './lease-store.ts';
import { ruleInForce } from './settlement-rules.ts';
import { splitFen, WHOLE, type SettlementFen, type Shares } from './settlement-split.ts';

type Db = Knex | Knex.Transaction;

export type SettlementBasis = 'OWNER_RUN' | 'AGENCY_OWN' | 'HOSTED';

export interface SettlementRow {
  id: string;
  kind: 'BOOKING' | 'LEASE';
  ref_id: string;
  instrument_id: string;
  owner_institution_id: string;
  agency_id: string | null;
  payer_institution_id: string;
  external: boolean;
  basis: SettlementBasis;
  rule: { ruleId: string | null; shares: Shares; effectiveFrom: string };
  total_fen: number;
  owner_fen: number;
  agency_fen: number;
  platform_fen: number;
  subsidy_fen: number;
  voucher_fen: number;
  /** hours of use (bookings) or days away (leases), for the agencies' evaluation */
  served_hours: number;
  lease_days: number;
  /** yuan per hour charged, bookings only */
  rate_fen: number | null;
  /** the platform's unified hourly price then, bookings of hosted instruments only */
  unified_rate_fen: number | null;
  settled_at: Date;
}

interface Settled { kind: SettlementRow['kind']; refId: string; instrumentId: string; ownerInstitutionId: string; payerInstitutionId: string; totalFen: number; voucherFen: number; servedHours: number; leaseDays: number; rateFen: number | null; at: Date }

/** The agency hosting an instrument at `at` (hostings are kept after they end, so this holds for any past moment). */
async function hostingAt(db: Db, instrumentId: string, at: Date): Promise<{ agency_id: string; unified_rate_fen: string | null } | null> {
  const row = await db('hostings').where({ instrument_id: instrumentId }).where('started_at', '<=', at)
    .where((q) => { q.whereNull('ended_at').orWhere('ended_at', '>', at); }).first('agency_id', 'unified_rate_fen') as { agency_id: string; unified_rate_fen: string | null } | undefined;
  return row ?? null;
}

async function settle(db: Db, s: Settled): Promise<void> {
  const hosting = await hostingAt(db, s.instrumentId, s.at);
  const hostingAgency = hosting?.agency_id ?? null;
  const ownerIsAgency = !hostingAgency && Boolean(await db('service_agencies').where({ id: s.ownerInstitutionId }).first('id'));
  let basis: SettlementBasis = 'OWNER_RUN';
  let rule: SettlementRow['rule'] = { ruleId: null, shares: { owner: WHOLE, agency: 0, platform: 0, subsidy: 0 }, effectiveFrom: s.at.toISOString() };
  if (ownerIsAgency) {
    basis = 'AGENCY_OWN';
    rule = { ...rule, shares: { owner: 0, agency: WHOLE, platform: 0, subsidy: 0 } };
  } else if (hostingAgency) {
    basis = 'HOSTED';
    const instrument = await db('instruments').where({ id: s.instrumentId }).first('instrument_class') as { instrument_class: string } | undefined;
    const inForce = await ruleInForce(db, hostingAgency, instrument?.instrument_class ?? 'OTHER', s.at);
    rule = { ruleId: inForce.id, shares: inForce.shares, effectiveFrom: inForce.effectiveFrom.toISOString() };
  }
  const parts: SettlementFen = splitFen(s.totalFen, rule.shares);
  await db('settlements').insert({
    kind: s.kind, ref_id: s.refId, instrument_id: s.instrumentId, owner_institution_id: s.ownerInstitutionId,
    agency_id: basis === 'AGENCY_OWN' ? s.ownerInstitutionId : hostingAgency, payer_institution_id: s.payerInstitutionId,
    external: s.payerInstitutionId !== s.ownerInstitutionId, basis, rule: JSON.stringify(rule), total_fen: parts.total, owner_fen: parts.owner,
    agency_fen: parts.agency, platform_fen: parts.platform, subsidy_fen: parts.subsidy, voucher_fen: s.voucherFen,
    served_hours: s.servedHours, lease_days: s.leaseDays, rate_fen: s.rateFen, settled_at: s.at,
    unified_rate_fen: s.kind === 'BOOKING' && hosting?.unified_rate_fen != null ? Number(hosting.unified_rate_fen) : null,
  }).onConflict(['kind', 'ref_id']).ignore();
}

/** A closed lease: rent and delivery, late days, and what was kept of the deposit. */
export async function settleLease(db: Db, lease: LeaseRow, at: Date): Promise<void> {
  const days = Math.round((Date.parse(lease.end_date) - Date.parse(lease.start_date)) / 86_400_000) + 1 + (lease.late_days ?? 0);
  await settle(db, {
    kind: 'LEASE', refId: lease.id, instrumentId: lease.instrument_id, ownerInstitutionId: lease.lessor_institution_id, payerInstitutionId: lease.lessee_institution_id,
    totalFen: lease.subtotal_fen + (lease.late_charge_fen ?? 0) + (lease.deposit_kept_fen ?? 0), voucherFen: lease.voucher_fen,
    servedHours: 0, leaseDays: days, rateFen: null, at,
  });
}

/**
 * Completed bookings not settled yet, settled as of their completion: called when a booking
 * completes, and before settlements are read, so that none is missed.
 */
export async function settleCompletedBookings(db: Db, bookingIds?: readonly string[]): Promise<void> {
  const query = db('bookings as b').join('booking_events as e', (j) => { j.on('e.booking_id', 'b.id').andOnVal('e.to_status', 'COMPLETED'); })
    .leftJoin('settlements as s', (j) => { j.on('s.ref_id', 'b.id').andOnVal('s.kind', 'BOOKING'); })
    .where('b.status', 'COMPLETED').whereNull('s.id')
    .select('b.id', 'b.instrument_id', 'b.owner_institution_id', 'b.booker_institution_id', 'b.price', 'b.voucher_amount', 'b.quote', 'e.at',
      db.raw('extract(epoch from upper(b.period) - lower(b.period)) / 3600 as hours'));
  if (bookingIds) query.whereIn('b.id', [...bookingIds]);
  const rows = await query as Array<{ id: string; instrument_id: string; owner_institution_id: string; booker_institution_id: string; price: string; voucher_amount: string; quote: unknown; at: Date; hours: string | number }>;
  for (const b of rows) {
    const quote = fromJsonb(b.quote as { rate: number } | string);
    await settle(db, {
      kind: 'BOOKING', refId: b.id, instrumentId: b.instrument_id, ownerInstitutionId: b.owner_institution_id, payerInstitutionId: b.booker_institution_id,
      totalFen: Math.round(Number(b.price) * 100), voucherFen: Math.round(Number(b.voucher_amount) * 100), servedHours: Number(b.hours), leaseDays: 0,
      rateFen: Math.round(quote.rate * 100), at: new Date(b.at),
    });
  }
}

const FEN = ['total_fen', 'owner_fen', 'agency_fen', 'platform_fen', 'subsidy_fen', 'voucher_fen'] as const;

export function normalizeSettlement(row: SettlementRow): SettlementRow {
  const out = { ...row, rule: fromJsonb(row.rule), served_hours: Number(row.served_hours), rate_fen: row.rate_fen === null ? null : Number(row.rate_fen),
    unified_rate_fen: row.unified_rate_fen === null ? null : Number(row.unified_rate_fen) };
  for (const column of FEN) out[column] = Number(row[column]);
  return out;
}

export async function settlementsOf(db: Db, kind: SettlementRow['kind'], refIds: readonly string[]): Promise<Map<string, SettlementRow>> {
  const rows = await db('settlements').where({ kind }).whereIn('ref_id', [...refIds]) as SettlementRow[];
  return new Map(rows.map((r) => [r.ref_id, normalizeSettlement(r)]));
}
