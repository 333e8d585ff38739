/**
 * Leases and lessors' terms as stored: a lease row with its days (dates read back as text, so a
 * driver's time zone never shifts a day), and its append-only history.
 */
import type { Knex } from 'knex';
import { BookingRuleError } from '../booking/booking-lifecycle.ts';
import { fromJsonb } from '../storage/jsonb.ts';
import type { LeaseStatus } from './lease-lifecycle.ts';
import type { DeliveryMethod, LeaseQuote, LeaseTerms } from './lease-quote.ts';

type Db = Knex | Knex.Transaction;

export interface LeaseRow {
  id: string;
  instrument_id: string;
  lessor_institution_id: string;
  lessee_id: string;
  lessee_institution_id: string;
  status: LeaseStatus;
  start_date: string;
  end_date: string;
  delivery: DeliveryMethod;
  purpose: string;
  idempotency_key: string | null;
  request_fingerprint: string;
  quote: LeaseQuote;
  subtotal_fen: number;
  voucher_id: string | null;
  voucher_fen: number;
  deposit_held_fen: number | null;
  deposit_returned_fen: number | null;
  deposit_kept_fen: number | null;
  returned_on: string | null;
  late_days: number | null;
  late_charge_fen: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface LeaseEventRow { lease_id: string; from_status: LeaseStatus | null; to_status: LeaseStatus; action: string; actor_id: string; actor_role: string; note: string | null; at: Date }

const FEN_COLUMNS = ['subtotal_fen', 'voucher_fen', 'deposit_held_fen', 'deposit_returned_fen', 'deposit_kept_fen', 'late_charge_fen'] as const;

const SELECT = (db: Db) => db('leases as l').select('l.*', db.raw('l.start_date::text as start_date'), db.raw('l.end_date::text as end_date'), db.raw('l.returned_on::text as returned_on'));

function normalize(row: LeaseRow & { period?: unknown }): LeaseRow {
  const { period: _period, ...rest } = row;
  const lease = { ...rest, quote: fromJsonb(row.quote) };
  // bigint columns come back as strings from the server, numbers from PGlite
  for (const column of FEN_COLUMNS) if (lease[column] !== null) (lease as Record<string, unknown>)[column] = Number(lease[column]);
  return lease;
}

export async function loadLeases(db: Db, ids: readonly string[]): Promise<Map<string, LeaseRow>> {
  const rows = await SELECT(db).whereIn('l.id', [...ids]) as LeaseRow[];
  return new Map(rows.map((r) => [r.id, normalize(r)]));
}

export async function lockLease(trx: Knex.Transaction, id: string): Promise<LeaseRow | null> {
  const row = await SELECT(trx).where('l.id', id).forUpdate().first() as LeaseRow | undefined;
  return row ? normalize(row) : null;
}

export async function leaseByIdempotencyKey(db: Db, lesseeId: string, key: string): Promise<LeaseRow | null> {
  const row = await SELECT(db).where({ 'l.lessee_id': lesseeId, 'l.idempotency_key': key }).first() as LeaseRow | undefined;
  return row ? normalize(row) : null;
}

export async function listLeases(db: Db, where: (q: Knex.QueryBuilder) => void, first: number): Promise<LeaseRow[]> {
  const query = SELECT(db).orderBy([{ column: 'l.created_at', order: 'desc' }, { column: 'l.id', order: 'desc' }]).limit(first);
  where(query);
  return (await query as LeaseRow[]).map(normalize);
}

/** Days an instrument is leased out (CONFIRMED or DELIVERED) overlapping [fromDate, toDate], for error messages. */
export async function holdingLeaseOn(db: Db, instrumentId: string, fromDate: string, toDate: string, exceptId: string): Promise<{ start_date: string; end_date: string } | null> {
  const row = await db('leases').where('instrument_id', instrumentId).whereIn('status', ['CONFIRMED', 'DELIVERED']).whereNot('id', exceptId)
    .whereRaw(`daterange(start_date, end_date, '[]') && daterange(?::date, ?::date, '[]')`, [fromDate, toDate])
    .first(db.raw('start_date::text as start_date'), db.raw('end_date::text as end_date')) as { start_date: string; end_date: string } | undefined;
  return row ?? null;
}

/** An instrument's days leased out (CONFIRMED or DELIVERED) overlapping [from, to), as busy time for availability. */
export async function leasedIntervals(db: Db, instrumentId: string, from: Date, to: Date): Promise<Array<{ from: Date; to: Date }>> {
  const rows = await db('leases').where('instrument_id', instrumentId).whereIn('status', ['CONFIRMED', 'DELIVERED'])
    .whereRaw(`period && tstzrange(?, ?, '[)')`, [from, to])
    .select(db.raw('lower(period) as starts_at'), db.raw('upper(period) as ends_at')) as Array<{ starts_at: Date; ends_at: Date }>;
  return rows.map((r) => ({ from: new Date(r.starts_at), to: new Date(r.ends_at) }));
}

/**
 * Writes a change of status under a savepoint: the exclusion constraint (another lease holds
 * those days) and the trigger against bookings answer with 23P01, told apart by constraint name.
 */
export async function updateLease(trx: Knex.Transaction, lease: LeaseRow, update: Record<string, unknown>): Promise<void> {
  try {
    await trx.transaction(async (savepoint) => { await savepoint('leases').where({ id: lease.id }).update(update); });
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code !== '23P01') throw error;
    if (constraint === 'leases_outside_bookings') throw new BookingRuleError('BOOKED', `${lease.instrument_id} has bookings between ${lease.start_date} and ${lease.end_date}; it cannot be leased out on those days`);
    const other = await holdingLeaseOn(trx, lease.instrument_id, lease.start_date, lease.end_date, lease.id);
    throw new BookingRuleError('LEASE_CONFLICT', `${lease.instrument_id} is already leased${other ? ` from ${other.start_date} to ${other.end_date}` : ''}: the days overlap a confirmed lease`);
  }
}

export async function recordLeaseEvent(trx: Knex.Transaction, event: Omit<LeaseEventRow, 'at'>, at: Date): Promise<void> {
  await trx('lease_events').insert({ ...event, at });
}

export async function leaseEventsOf(db: Db, ids: readonly string[]): Promise<Map<string, LeaseEventRow[]>> {
  const rows = await db('lease_events').whereIn('lease_id', [...ids]).orderBy([{ column: 'at' }, { column: 'id' }]) as LeaseEventRow[];
  const byLease = new Map<string, LeaseEventRow[]>();
  for (const r of rows) byLease.set(r.lease_id, [...(byLease.get(r.lease_id) ?? []), r]);
  return byLease;
}

interface TermsRow { instrument_id: string; daily_rate_fen: string; deposit_fen: string | null; min_days: number; max_days: number; delivery: DeliveryMethod[] | string; delivery_fee_fen: string; installation_fee_fen: string; late_daily_rate_fen: string; voucher_eligible: boolean }

/** Postgres arrays arrive parsed from the server and as `{A,B}` text from some drivers. */
function textArray<T extends string>(value: T[] | string): T[] {
  return typeof value === 'string' ? value.replace(/^\{|\}$/g, '').split(',').filter(Boolean) as T[] : value;
}

export async function leaseTermsOf(db: Db, instrumentIds: readonly string[]): Promise<Map<string, LeaseTerms>> {
  const rows = await db('lease_terms').whereIn('instrument_id', [...instrumentIds]) as TermsRow[];
  return new Map(rows.map((r) => [r.instrument_id, {
    dailyRateFen: Number(r.daily_rate_fen), depositFen: r.deposit_fen === null ? null : Number(r.deposit_fen), minDays: r.min_days, maxDays: r.max_days,
    delivery: textArray(r.delivery), deliveryFeeFen: Number(r.delivery_fee_fen), installationFeeFen: Number(r.installation_fee_fen),
    lateDailyRateFen: Number(r.late_daily_rate_fen), voucherEligible: r.voucher_eligible,
  }]));
}

export async function saveLeaseTerms(db: Db, instrumentId: string, terms: LeaseTerms, by: string, now: Date): Promise<void> {
  const row = {
    instrument_id: instrumentId, daily_rate_fen: terms.dailyRateFen, deposit_fen: terms.depositFen, min_days: terms.minDays, max_days: terms.maxDays,
    delivery: terms.delivery, delivery_fee_fen: terms.deliveryFeeFen, installation_fee_fen: terms.installationFeeFen, late_daily_rate_fen: terms.lateDailyRateFen,
    voucher_eligible: terms.voucherEligible, updated_by: by, updated_at: now,
  };
  await db('lease_terms').insert(row).onConflict('instrument_id').merge();
}
