/**
 * What oversight reads of the hub's bookings (the booking subgraph's `bookings` and
 * `booking_ratings` tables): active ones as demand that explains a busy calendar, ratings for
 * satisfaction. Completed bookings become use in subgraphs/usage/completed-bookings.ts.
 */
import type { Knex } from 'knex';
import type { Interval } from '../../schema/opening-hours.ts';
import { rawRows } from './sql.ts';

/** Bookings that hold or held the instrument for a real user (not cancelled, rejected, expired or missed). */
export const DEMAND_STATUSES = ['CONFIRMED', 'IN_PROGRESS', 'COMPLETED'] as const;

/** Active or completed bookings of each instrument overlapping [from, to). */
export async function demandBookings(db: Knex, instrumentIds: readonly string[], from: Date, to: Date): Promise<Map<string, Interval[]>> {
  const result = new Map<string, Interval[]>();
  if (instrumentIds.length === 0) return result;
  const rows = await rawRows<{ instrument_id: string; from: Date; to: Date }>(db, `select instrument_id, lower(period) as "from", upper(period) as "to" from bookings
    where instrument_id = any(?::text[]) and status = any(?::text[]) and period && tstzrange(?::timestamptz, ?::timestamptz)`,
  [[...instrumentIds], [...DEMAND_STATUSES], from.toISOString(), to.toISOString()]);
  for (const row of rows) {
    const list = result.get(row.instrument_id) ?? [];
    list.push({ from: new Date(row.from), to: new Date(row.to) });
    result.set(row.instrument_id, list);
  }
  return result;
}

/** Users' 1–5 ratings of each instrument given in [from, to). */
export async function ratingsOf(db: Knex, instrumentIds: readonly string[], from: Date, to: Date): Promise<Map<string, number[]>> {
  const result = new Map<string, number[]>();
  if (instrumentIds.length === 0) return result;
  const rows = await db('booking_ratings').whereRaw('instrument_id = any(?::text[])', [[...instrumentIds]])
    .where('rated_at', '>=', from).where('rated_at', '<', to)
    .select('instrument_id', 'rating') as Array<{ instrument_id: string; rating: number }>;
  for (const row of rows) {
    const list = result.get(row.instrument_id) ?? [];
    list.push(Number(row.rating));
    result.set(row.instrument_id, list);
  }
  return result;
}
