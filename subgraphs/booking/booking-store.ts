/**
 * Bookings as stored: the row, its period as a tstzrange under the exclusion constraint, and the
 * append-only history of transitions (who, when, from which status).
 */
import type { Knex } from 'knex';
import type { BusyInterval } from '../../connectors/sdk/contract.ts';
import { ACTIVE_STATUSES, BookingRuleError, type BookingStatus } from './booking-lifecycle.ts';
import type { Quote } from './pricing.ts';
import { fromJsonb } from '../storage/jsonb.ts';

export type WriteBack = 'NONE' | 'DONE' | 'UNSUPPORTED' | 'FAILED' | 'CANCELLED_IN_OWNER_SYSTEM' | 'CANCEL_FAILED';

export interface BookingRow {
  id: string;
  instrument_id: string;
  owner_institution_id: string;
  booker_id: string;
  booker_institution_id: string;
  mode: 'SELF' | 'ASSISTED';
  purpose: string;
  samples: number | null;
  status: BookingStatus;
  starts_at: Date;
  ends_at: Date;
  idempotency_key: string | null;
  request_fingerprint: string;
  external: boolean;
  quote: Quote;
  price: string;
  voucher_id: string | null;
  voucher_amount: string;
  cancellation_fee: string | null;
  hold_until: Date | null;
  owner_ref: string | null;
  write_back: WriteBack;
  created_at: Date;
  updated_at: Date;
}

export interface BookingEventRow {
  booking_id: string;
  from_status: BookingStatus | null;
  to_status: BookingStatus;
  action: string;
  actor_id: string;
  actor_role: string;
  note: string | null;
  at: Date;
}

export interface ActorRef { id: string; role: string }

const SELECT = (db: Knex | Knex.Transaction) => db('bookings as b').select('b.*', db.raw('lower(b.period) as starts_at'), db.raw('upper(b.period) as ends_at'));

function normalize(row: BookingRow & { period?: unknown; quote: Quote | string }): BookingRow {
  const { period: _period, ...rest } = row;
  return { ...rest, quote: fromJsonb(row.quote), starts_at: new Date(row.starts_at), ends_at: new Date(row.ends_at) };
}

export async function loadBookings(db: Knex | Knex.Transaction, ids: readonly string[]): Promise<Map<string, BookingRow>> {
  const rows = await SELECT(db).whereIn('b.id', [...ids]) as BookingRow[];
  return new Map(rows.map((r) => [r.id, normalize(r)]));
}

export async function lockBooking(trx: Knex.Transaction, id: string): Promise<BookingRow | null> {
  const row = await SELECT(trx).where('b.id', id).forUpdate().first() as BookingRow | undefined;
  return row ? normalize(row) : null;
}

export async function bookingByIdempotencyKey(db: Knex | Knex.Transaction, bookerId: string, key: string): Promise<BookingRow | null> {
  const row = await SELECT(db).where({ 'b.booker_id': bookerId, 'b.idempotency_key': key }).first() as BookingRow | undefined;
  return row ? normalize(row) : null;
}

export async function listBookings(db: Knex, where: (q: Knex.QueryBuilder) => void, first: number): Promise<BookingRow[]> {
  const query = SELECT(db).orderBy([{ column: 'b.created_at', order: 'desc' }, { column: 'b.id', order: 'desc' }]).limit(first);
  where(query);
  return (await query as BookingRow[]).map(normalize);
}

/** The hub's active bookings of an instrument overlapping [from, to): busy time for availability. */
export async function activeBookingIntervals(db: Knex | Knex.Transaction, instrumentId: string, from: Date, to: Date): Promise<BusyInterval[]> {
  const rows = await db('bookings').where('instrument_id', instrumentId).whereIn('status', [...ACTIVE_STATUSES])
    .whereRaw(`period && tstzrange(?, ?, '[)')`, [from, to])
    .select(db.raw('lower(period) as starts_at'), db.raw('upper(period) as ends_at')) as Array<{ starts_at: Date; ends_at: Date }>;
  return rows.map((r) => ({ from: new Date(r.starts_at), to: new Date(r.ends_at) }));
}

export type NewBooking = Omit<BookingRow, 'starts_at' | 'ends_at' | 'cancellation_fee' | 'owner_ref' | 'write_back' | 'updated_at'>;

/**
 * Inserts a booking; the exclusion constraint decides overlaps. Under a savepoint, so that a
 * conflict can be explained with the booking it collided with.
 */
export async function insertBooking(trx: Knex.Transaction, booking: NewBooking, from: Date, to: Date): Promise<void> {
  const { quote, ...rest } = booking;
  try {
    await trx.transaction(async (savepoint) => {
      await savepoint('bookings').insert({
        ...rest,
        quote: JSON.stringify(quote),
        period: trx.raw(`tstzrange(?, ?, '[)')`, [from, to]),
        write_back: 'NONE',
        updated_at: booking.created_at,
      });
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    // a lease holds the instrument's whole days (subgraphs/leasing, its trigger on this table)
    if (code === '23P01' && (error as { constraint?: string }).constraint === 'bookings_outside_leases') throw new BookingRuleError('LEASED', `${booking.instrument_id} is leased out on those days`);
    // a planned outage (outages.ts, its trigger on this table)
    if (code === '23P01' && (error as { constraint?: string }).constraint === 'bookings_outside_outages') throw new BookingRuleError('OUTAGE', `${booking.instrument_id} is out of service (a planned outage) from ${from.toISOString()} to ${to.toISOString()}`);
    if (code === '23P01') {
      const [other] = await activeBookingIntervals(trx, booking.instrument_id, from, to);
      throw new BookingRuleError('BOOKING_CONFLICT', `${booking.instrument_id} is already booked${other ? ` from ${other.from.toISOString()} to ${other.to.toISOString()}` : ''}: the slot overlaps an active booking`);
    }
    if (code === '23505') throw new BookingRuleError('IDEMPOTENCY_RACE', 'a request with this idempotency key is being made at the same time');
    throw error;
  }
}

export async function recordEvent(trx: Knex.Transaction, event: Omit<BookingEventRow, 'at'>, at: Date): Promise<void> {
  await trx('booking_events').insert({ ...event, at });
}

export async function eventsOf(db: Knex, ids: readonly string[]): Promise<Map<string, BookingEventRow[]>> {
  const rows = await db('booking_events').whereIn('booking_id', [...ids]).orderBy([{ column: 'at' }, { column: 'id' }]) as BookingEventRow[];
  const byBooking = new Map<string, BookingEventRow[]>();
  for (const r of rows) byBooking.set(r.booking_id, [...(byBooking.get(r.booking_id) ?? []), r]);
  return byBooking;
}
