/**
 * The reminder job (every minute; by hand: `npx irhub jobs run send-reminders`): each confirmed
 * booking starting within IRHUB_REMINDER_HOURS (2 by default) is reminded once to its booker.
 */
import type { BookingRow } from '../booking-store.ts';
import { loadBookings } from '../booking-store.ts';
import { bookingFacts, enqueueNotification } from '../notifications/outbox.ts';
import { runOnce, type BookingJobContext, type JobOutcome } from './run-once.ts';

export const SEND_REMINDERS = 'send-reminders';

export function reminderHoursFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const hours = Number(env.IRHUB_REMINDER_HOURS ?? 2);
  if (!(Number.isFinite(hours) && hours > 0 && hours <= 7 * 24)) throw new Error(`IRHUB_REMINDER_HOURS: hours above 0 and at most 168, got ${env.IRHUB_REMINDER_HOURS}`);
  return hours;
}

export async function sendReminders(context: BookingJobContext): Promise<JobOutcome> {
  const { now } = context;
  const hours = reminderHoursFromEnv();
  return runOnce(context.db, SEND_REMINDERS, async (trx) => {
    const ids = (await trx('bookings').where('status', 'CONFIRMED')
      .whereRaw(`lower(period) > ?::timestamptz and lower(period) <= ?::timestamptz`, [now.toISOString(), new Date(now.getTime() + hours * 3_600_000).toISOString()])
      .whereRaw(`not exists (select 1 from notifications n where n.dedupe_key = 'REMINDER:' || bookings.id)`)
      .select('id') as Array<{ id: string }>).map((r) => r.id);
    const bookings: BookingRow[] = [...(await loadBookings(trx, ids)).values()];
    for (const booking of bookings) {
      await enqueueNotification(trx, { key: `REMINDER:${booking.id}`, kind: 'REMINDER', userId: booking.booker_id, bookingId: booking.id, facts: await bookingFacts(trx, booking) });
    }
    return `${SEND_REMINDERS}: ${bookings.length} reminders within ${hours} h`;
  });
}
