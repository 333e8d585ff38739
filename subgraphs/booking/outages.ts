/**
 * Planned outages (maintenance, calibration): staff of the owner block an instrument for a
 * period. Bookings inside it are cancelled without a fee, requests for it are refused with
 * OUTAGE, and its hours are recorded as maintenance, so they leave the instrument's available
 * hours in utilisation (oversight/availability.ts).
 */
import type { Knex } from 'knex';
import type { HubClaims } from '../auth/hub-claims.ts';
import type { Interval } from '../../schema/opening-hours.ts';
import { ACTIVE_STATUSES, BookingRuleError } from './booking-lifecycle.ts';
import { loadBookings, recordEvent, type BookingRow } from './booking-store.ts';
import { refund } from './vouchers.ts';

export interface Outage {
  id: string;
  instrumentId: string;
  from: Date;
  to: Date;
  reason: string;
  scheduledBy: string;
  scheduledAt: Date;
}

interface OutageRow { id: string | number; instrument_id: string; starts_at: Date; ends_at: Date; reason: string; scheduled_by: string; scheduled_at: Date }

const fromRow = (r: OutageRow): Outage => ({
  id: String(r.id), instrumentId: r.instrument_id, from: new Date(r.starts_at), to: new Date(r.ends_at), reason: r.reason, scheduledBy: r.scheduled_by, scheduledAt: new Date(r.scheduled_at),
});

const SELECT = (db: Knex | Knex.Transaction) => db('outages').select('id', 'instrument_id', 'reason', 'scheduled_by', 'scheduled_at', db.raw('lower(period) as starts_at'), db.raw('upper(period) as ends_at'));

export const MAX_OUTAGE_DAYS = 366;

/** Outages of an instrument overlapping [from, to), earliest first. */
export async function outagesOverlapping(db: Knex | Knex.Transaction, instrumentId: string, from: Date, to: Date): Promise<Outage[]> {
  const rows = await SELECT(db).where('instrument_id', instrumentId).whereRaw(`period && tstzrange(?, ?, '[)')`, [from, to]).orderByRaw('lower(period)') as OutageRow[];
  return rows.map(fromRow);
}

export async function outageIntervals(db: Knex | Knex.Transaction, instrumentId: string, from: Date, to: Date): Promise<Interval[]> {
  return (await outagesOverlapping(db, instrumentId, from, to)).map((o) => ({ from: o.from, to: o.to }));
}

/** Refuses a slot that overlaps a planned outage, naming it. */
export async function refuseDuringOutage(db: Knex | Knex.Transaction, instrumentId: string, from: Date, to: Date): Promise<void> {
  const [outage] = await outagesOverlapping(db, instrumentId, from, to);
  if (outage) {
    throw new BookingRuleError('OUTAGE', `${instrumentId} is out of service from ${outage.from.toISOString()} to ${outage.to.toISOString()} (${outage.reason}); choose another time`);
  }
}

export interface ScheduledOutage { outage: Outage; cancelled: BookingRow[]; wasConfirmed: BookingRow[] }

export async function scheduleOutage(db: Knex, claims: HubClaims, input: { instrumentId: string; from: Date; to: Date; reason: string }, now: Date): Promise<ScheduledOutage> {
  const reason = input.reason.trim();
  if (!reason) throw new BookingRuleError('BAD_USER_INPUT', 'reason: say why the instrument is out of service (it goes to the bookers)');
  if (reason.length > 500) throw new BookingRuleError('BAD_USER_INPUT', `reason: at most 500 characters, got ${reason.length}`);
  if (!(input.to.getTime() > input.from.getTime())) throw new BookingRuleError('BAD_PERIOD', `to (${input.to.toISOString()}) must be after from (${input.from.toISOString()})`);
  if (input.to.getTime() <= now.getTime()) throw new BookingRuleError('BAD_PERIOD', `to (${input.to.toISOString()}) is past; an outage is planned ahead`);
  if (input.to.getTime() - input.from.getTime() > MAX_OUTAGE_DAYS * 86_400_000) throw new BookingRuleError('BAD_PERIOD', `an outage lasts at most ${MAX_OUTAGE_DAYS} days`);
  const instrument = await db('instruments').where({ id: input.instrumentId }).first('institution_id') as { institution_id: string } | undefined;
  if (!instrument) throw new BookingRuleError('UNKNOWN_INSTRUMENT', `instrumentId: no instrument ${input.instrumentId}`);
  const byOwner = claims.role === 'INSTITUTION_STAFF' && claims.institutionId === instrument.institution_id;
  if (!byOwner && claims.role !== 'ADMIN') throw new BookingRuleError('FORBIDDEN', `only staff of the owner schedule outages of ${input.instrumentId}`);
  const actorRole = byOwner ? 'OWNER_STAFF' : 'ADMIN';

  const { outage, cancelledIds, confirmedIds } = await db.transaction(async (trx) => {
    // the lock a booking's insert takes too (facility-migrations.ts): a racing request either is cancelled below or sees the outage
    await trx.raw('select irhub_instrument_lock(?)', [input.instrumentId]);
    const [row] = await trx('outages').insert({
      instrument_id: input.instrumentId, period: trx.raw(`tstzrange(?, ?, '[)')`, [input.from, input.to]), reason, scheduled_by: claims.sub, scheduled_at: now,
    }).returning('id') as Array<{ id: string | number }>;
    await trx('maintenance_periods').insert({ instrument_id: input.instrumentId, starts_at: input.from, ends_at: input.to, origin: 'OUTAGE', note: reason, reported_by: claims.sub });
    const inside = await trx('bookings').where('instrument_id', input.instrumentId).whereIn('status', [...ACTIVE_STATUSES])
      .whereRaw(`period && tstzrange(?, ?, '[)')`, [input.from, input.to]).forUpdate()
      .select('id', 'status', 'voucher_id', 'voucher_amount') as Array<{ id: string; status: BookingRow['status']; voucher_id: string | null; voucher_amount: string }>;
    const cancellable = inside.filter((b) => b.status !== 'IN_PROGRESS');
    for (const b of cancellable) {
      // the owner's decision: no fee for the booker
      await trx('bookings').where({ id: b.id }).update({ status: 'CANCELLED', cancellation_fee: '0.00', hold_until: null, updated_at: now });
      if (b.voucher_id) await refund(trx, b.voucher_id, b.id, b.voucher_amount, now);
      await recordEvent(trx, { booking_id: b.id, from_status: b.status, to_status: 'CANCELLED', action: 'CANCEL', actor_id: claims.sub, actor_role: actorRole, note: `planned outage: ${reason}` }, now);
    }
    return { outage: String(row.id), cancelledIds: cancellable.map((b) => b.id), confirmedIds: cancellable.filter((b) => b.status === 'CONFIRMED').map((b) => b.id) };
  });
  const [stored] = (await SELECT(db).where('id', outage) as OutageRow[]).map(fromRow);
  const cancelled = [...(await loadBookings(db, cancelledIds)).values()];
  return { outage: stored, cancelled, wasConfirmed: cancelled.filter((b) => confirmedIds.includes(b.id)) };
}
