/**
 * What the booking subgraph tells users when things happen to their bookings, and the delivery
 * that follows: recorded first (notifications table), then sent at once in the background;
 * what fails is retried by the delivery every minute.
 */
import type { Knex } from 'knex';
import type { BookingAction } from '../booking-lifecycle.ts';
import type { BookingRow } from '../booking-store.ts';
import { deliverDue, type Mailer } from './delivery.ts';
import type { NotificationKind } from './messages.ts';
import { bookingFacts, enqueueNotification } from './outbox.ts';

export interface Notifier {
  booking(kind: NotificationKind, booking: BookingRow, note?: string | null): Promise<void>;
  /** after a workflow action: decisions and cancellations are told to the booker */
  afterAction(action: BookingAction, booking: BookingRow, note: string | null): Promise<void>;
  /** sends what is due now; never throws (a failure is logged and retried) */
  deliver(): Promise<void>;
}

const ACTION_NOTICES: Partial<Record<BookingAction, NotificationKind>> = { APPROVE: 'BOOKING_APPROVED', REJECT: 'BOOKING_REJECTED', CANCEL: 'CANCELLED' };

export function createNotifier(db: Knex, mailer: Mailer | null, log: (line: string) => void): Notifier {
  let running: Promise<void> | null = null;
  const deliver = async () => {
    // one delivery at a time in this process; another one asked for meanwhile runs after it
    while (running) await running;
    running = deliverDue(db, mailer, new Date(), log).then(() => undefined, (error: unknown) => log(`notification delivery failed: ${String(error)}`));
    await running;
    running = null;
  };
  const notifier: Notifier = {
    async booking(kind, booking, note) {
      await enqueueNotification(db, { key: `${kind}:${booking.id}`, kind, userId: booking.booker_id, bookingId: booking.id, facts: await bookingFacts(db, booking, note) });
      void deliver();
    },
    async afterAction(action, booking, note) {
      const kind = ACTION_NOTICES[action];
      if (kind) await notifier.booking(kind, booking, note);
    },
    deliver,
  };
  return notifier;
}
