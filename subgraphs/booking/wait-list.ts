/**
 * Wait lists: a user waits for a taken slot. When it frees up, the offer job (jobs/
 * offer-wait-list.ts) offers it to the first in line for a limited time; while the offer holds,
 * requests of others for that slot are refused, and the user's own request takes the offer.
 */
import type { Knex } from 'knex';
import type { HubClaims } from '../auth/hub-claims.ts';
import { BookingRuleError } from './booking-lifecycle.ts';
import { activeBookingIntervals } from './booking-store.ts';

export type WaitListStatus = 'WAITING' | 'OFFERED' | 'BOOKED' | 'LAPSED';

export interface WaitListEntry {
  id: string;
  instrumentId: string;
  userId: string;
  from: Date;
  to: Date;
  status: WaitListStatus;
  offeredUntil: Date | null;
  createdAt: Date;
}

export interface WaitListRow { id: string | number; instrument_id: string; user_id: string; starts_at: Date; ends_at: Date; status: WaitListStatus; offered_until: Date | null; created_at: Date }

export const fromWaitListRow = (r: WaitListRow): WaitListEntry => ({
  id: String(r.id), instrumentId: r.instrument_id, userId: r.user_id, from: new Date(r.starts_at), to: new Date(r.ends_at), status: r.status,
  offeredUntil: r.offered_until ? new Date(r.offered_until) : null, createdAt: new Date(r.created_at),
});

export const selectWaitList = (db: Knex | Knex.Transaction) =>
  db('wait_list_entries').select('id', 'instrument_id', 'user_id', 'status', 'offered_until', 'created_at', db.raw('lower(period) as starts_at'), db.raw('upper(period) as ends_at'));

/** how long an offer holds before the next in line gets it (IRHUB_WAIT_LIST_OFFER_MINUTES, 30 by default) */
export function offerMinutesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const minutes = Number(env.IRHUB_WAIT_LIST_OFFER_MINUTES ?? 30);
  if (!(Number.isFinite(minutes) && minutes >= 1 && minutes <= 7 * 24 * 60)) throw new Error(`IRHUB_WAIT_LIST_OFFER_MINUTES: minutes from 1 to 10,080, got ${env.IRHUB_WAIT_LIST_OFFER_MINUTES}`);
  return minutes;
}

const MAX_WAIT_HOURS = 24;

export async function joinWaitList(db: Knex, claims: HubClaims, input: { instrumentId: string; from: Date; to: Date }, now: Date): Promise<WaitListEntry> {
  if (!claims.institutionId) throw new BookingRuleError('FORBIDDEN', `${claims.sub} acts for no institution and cannot book; join as a user`);
  if (!(input.to.getTime() > input.from.getTime())) throw new BookingRuleError('BAD_PERIOD', `to (${input.to.toISOString()}) must be after from (${input.from.toISOString()})`);
  if (input.from.getTime() <= now.getTime()) throw new BookingRuleError('IN_THE_PAST', `from (${input.from.toISOString()}) is in the past`);
  if (input.to.getTime() - input.from.getTime() > MAX_WAIT_HOURS * 3_600_000) throw new BookingRuleError('TOO_LONG', `wait for at most ${MAX_WAIT_HOURS} h at a time`);
  if (!(await db('instruments').where({ id: input.instrumentId }).first('id'))) throw new BookingRuleError('UNKNOWN_INSTRUMENT', `instrumentId: no instrument ${input.instrumentId}`);
  if ((await activeBookingIntervals(db, input.instrumentId, input.from, input.to)).length === 0) {
    throw new BookingRuleError('SLOT_FREE', `${input.instrumentId} is not booked from ${input.from.toISOString()} to ${input.to.toISOString()}; request the booking instead`);
  }
  const same = await db('wait_list_entries').where({ instrument_id: input.instrumentId, user_id: claims.sub }).whereIn('status', ['WAITING', 'OFFERED'])
    .whereRaw(`period && tstzrange(?, ?, '[)')`, [input.from, input.to]).first('id') as { id: string } | undefined;
  if (same) throw new BookingRuleError('ALREADY_WAITING', `${claims.sub} already waits for an overlapping slot of ${input.instrumentId} (entry ${same.id})`);
  const [row] = await db('wait_list_entries').insert({
    instrument_id: input.instrumentId, user_id: claims.sub, period: db.raw(`tstzrange(?, ?, '[)')`, [input.from, input.to]), status: 'WAITING', created_at: now,
  }).returning('id') as Array<{ id: string | number }>;
  return fromWaitListRow(await selectWaitList(db).where('id', row.id).first() as WaitListRow);
}

/** 1 for the first in line: waiting entries of the instrument overlapping this one, joined before it. */
export async function positionInLine(db: Knex, entry: WaitListEntry): Promise<number | null> {
  if (entry.status !== 'WAITING') return null;
  const [{ n }] = await db('wait_list_entries').where({ instrument_id: entry.instrumentId, status: 'WAITING' })
    .whereRaw(`period && tstzrange(?, ?, '[)')`, [entry.from, entry.to])
    .where((q) => q.where('created_at', '<', entry.createdAt).orWhere((t) => t.where('created_at', entry.createdAt).where('id', '<', entry.id)))
    .count('* as n') as Array<{ n: string | number }>;
  return Number(n) + 1;
}

export async function waitListOf(db: Knex, userId: string): Promise<WaitListEntry[]> {
  return (await selectWaitList(db).where({ user_id: userId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(200) as WaitListRow[]).map(fromWaitListRow);
}

/** While a slot is offered to someone on the wait list, nobody else takes it. */
export async function refuseOfferedToOthers(db: Knex | Knex.Transaction, userId: string, instrumentId: string, from: Date, to: Date, now: Date): Promise<void> {
  const offer = await db('wait_list_entries').where({ instrument_id: instrumentId, status: 'OFFERED' }).whereNot('user_id', userId).where('offered_until', '>', now)
    .whereRaw(`period && tstzrange(?, ?, '[)')`, [from, to]).first('offered_until') as { offered_until: Date } | undefined;
  if (offer) {
    throw new BookingRuleError('OFFERED_TO_WAIT_LIST', `this slot of ${instrumentId} is offered to the first on its wait list until ${new Date(offer.offered_until).toISOString()}; join the wait list or choose another time`);
  }
}

/** The user booked: their waiting or offered entries for the slot are done. */
export async function markWaitListBooked(db: Knex | Knex.Transaction, userId: string, instrumentId: string, from: Date, to: Date): Promise<void> {
  await db('wait_list_entries').where({ instrument_id: instrumentId, user_id: userId }).whereIn('status', ['WAITING', 'OFFERED'])
    .whereRaw(`period && tstzrange(?, ?, '[)')`, [from, to]).update({ status: 'BOOKED' });
}
