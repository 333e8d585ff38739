/**
 * The wait-list job (every minute; by hand: `npx irhub jobs run offer-wait-list`). Offers that
 * ran out, and entries whose slot has passed, lapse; then each slot that is free again (no
 * active booking, outage or lease, not already offered) goes to the first in line, who is told and
 * has IRHUB_WAIT_LIST_OFFER_MINUTES to book it before the next run offers it to the next.
 */
import { enqueueNotification } from '../notifications/outbox.ts';
import { selectWaitList, fromWaitListRow, offerMinutesFromEnv, type WaitListRow } from '../wait-list.ts';
import { ACTIVE_STATUSES } from '../booking-lifecycle.ts';
import { runOnce, type BookingJobContext, type JobOutcome } from './run-once.ts';

export const OFFER_WAIT_LIST = 'offer-wait-list';

export async function offerWaitList(context: BookingJobContext): Promise<JobOutcome> {
  const { now } = context;
  const minutes = offerMinutesFromEnv();
  return runOnce(context.db, OFFER_WAIT_LIST, async (trx) => {
    const lapsed = await trx('wait_list_entries').whereIn('status', ['WAITING', 'OFFERED'])
      .where((q) => q.where((o) => o.where('status', 'OFFERED').where('offered_until', '<=', now)).orWhereRaw('upper(period) <= ?', [now]))
      .update({ status: 'LAPSED' });
    const waiting = (await selectWaitList(trx).where('status', 'WAITING').orderBy([{ column: 'created_at' }, { column: 'id' }]).forUpdate() as WaitListRow[]).map(fromWaitListRow);
    let offered = 0;
    for (const entry of waiting) {
      const period = [entry.from, entry.to];
      const taken = await trx('bookings').where('instrument_id', entry.instrumentId).whereIn('status', [...ACTIVE_STATUSES]).whereRaw(`period && tstzrange(?, ?, '[)')`, period).first('id');
      const blocked = taken ?? await trx('outages').where('instrument_id', entry.instrumentId).whereRaw(`period && tstzrange(?, ?, '[)')`, period).first('id')
        // leased out (subgraphs/leasing): a request would be refused with LEASED
        ?? await trx('leases').where('instrument_id', entry.instrumentId).whereIn('status', ['CONFIRMED', 'DELIVERED']).whereRaw(`period && tstzrange(?, ?, '[)')`, period).first('id');
      const promised = blocked ?? await trx('wait_list_entries').where({ instrument_id: entry.instrumentId, status: 'OFFERED' }).whereRaw(`period && tstzrange(?, ?, '[)')`, period).first('id');
      if (promised) continue;
      const offeredUntil = new Date(now.getTime() + minutes * 60_000);
      await trx('wait_list_entries').where({ id: entry.id }).update({ status: 'OFFERED', offered_until: offeredUntil });
      const instrument = await trx('instruments').where({ id: entry.instrumentId }).first('name') as { name: string } | undefined;
      await enqueueNotification(trx, {
        key: `WAIT_LIST_OFFER:${entry.id}`, kind: 'WAIT_LIST_OFFER', userId: entry.userId,
        facts: { instrumentName: instrument?.name ?? entry.instrumentId, instrumentId: entry.instrumentId, from: entry.from, to: entry.to, offeredUntil },
      });
      offered++;
    }
    return `${OFFER_WAIT_LIST}: ${offered} slots offered, ${lapsed} entries lapsed`;
  });
}
