/**
 * The no-show job (every minute; by hand: `npx irhub jobs run release-no-shows`). A confirmed
 * booking becomes NO_SHOW when its user has not started it within the instrument's
 * noShowMinutes: staff did not mark it started, and neither the interlock nor the logbook
 * reported use of the instrument since shortly before its start. Its slot is released (in the
 * owner's system too), the booker is told, and the wait list's first in line is offered it.
 */
import { DEFAULT_BOOKING_POLICY } from '../booking-policy.ts';
import { loadBookings, recordEvent } from '../booking-store.ts';
import { bookingFacts, enqueueNotification } from '../notifications/outbox.ts';
import { cancelInOwnerSystem } from '../write-back.ts';
import { offerWaitList } from './offer-wait-list.ts';
import { runOnce, type BookingJobContext, type JobOutcome } from './run-once.ts';

export const RELEASE_NO_SHOWS = 'release-no-shows';

/** use reported from this long before the start counts as starting (an early login at the interlock) */
const EARLY_START_MINUTES = 30;

export async function releaseNoShows(context: BookingJobContext): Promise<JobOutcome> {
  const { db, now } = context;
  let released: string[] = [];
  const outcome = await runOnce(db, RELEASE_NO_SHOWS, async (trx) => {
    const due = (await trx.raw(`
      select b.id, p.no_show_minutes from bookings b left join booking_policies p on p.instrument_id = b.instrument_id
      where b.status = 'CONFIRMED'
        and lower(b.period) + coalesce(p.no_show_minutes, ?) * interval '1 minute' <= ?::timestamptz
        and not exists (select 1 from usage_sessions u where u.instrument_id = b.instrument_id
          and u.started_at < least(upper(b.period), ?::timestamptz) and u.ended_at > lower(b.period) - ? * interval '1 minute')
      order by lower(b.period) for update of b skip locked`, [DEFAULT_BOOKING_POLICY.noShowMinutes, now.toISOString(), now.toISOString(), EARLY_START_MINUTES])).rows as Array<{ id: string; no_show_minutes: number | null }>;
    for (const { id, no_show_minutes: minutes } of due) {
      await trx('bookings').where({ id }).update({ status: 'NO_SHOW', updated_at: now });
      await recordEvent(trx, { booking_id: id, from_status: 'CONFIRMED', to_status: 'NO_SHOW', action: 'MARK_NO_SHOW', actor_id: RELEASE_NO_SHOWS, actor_role: 'SYSTEM',
        note: `not started within ${minutes ?? DEFAULT_BOOKING_POLICY.noShowMinutes} minutes of its start; the slot is released` }, now);
    }
    const bookings = await loadBookings(trx, due.map((d) => d.id));
    for (const booking of bookings.values()) {
      await enqueueNotification(trx, { key: `NO_SHOW:${booking.id}`, kind: 'NO_SHOW', userId: booking.booker_id, bookingId: booking.id, facts: await bookingFacts(trx, booking) });
    }
    released = [...bookings.keys()];
    return `${RELEASE_NO_SHOWS}: ${due.length} no-shows released`;
  });
  if (released.length === 0) return outcome;
  for (const booking of (await loadBookings(db, released)).values()) await cancelInOwnerSystem(db, context.owners, booking);
  const offers = await offerWaitList(context);
  return { ...outcome, summary: `${outcome.summary}; ${offers.summary}` };
}
