/**
 * Writing a confirmed booking into the owner's own system, so its calendar shows the slot as
 * taken. Retried with back-off; if the owner's system still refuses, the hub cancels its own
 * booking (the compensating action) rather than leave the two systems disagreeing.
 */
import type { Knex } from 'knex';
import { ConnectorCallError } from '../../connectors/sdk/connector-client.ts';
import type { OwnerSystems } from '../registry/owner-systems.ts';
import type { BookingRow, WriteBack } from './booking-store.ts';

export const WRITE_BACK_DELAYS_MS = [200, 800];

export type WriteBackOutcome = { status: 'DONE'; ref: string } | { status: 'UNSUPPORTED' } | { status: 'FAILED'; reason: string };

export async function placeInOwnerSystem(owners: OwnerSystems, booking: BookingRow, delaysMs: readonly number[] = WRITE_BACK_DELAYS_MS): Promise<WriteBackOutcome> {
  let reason = '';
  for (let attempt = 0; attempt <= delaysMs.length; attempt++) {
    try {
      const { externalRef } = await owners.placeBooking(booking.instrument_id, {
        bookingId: booking.id, from: booking.starts_at, to: booking.ends_at, holder: booking.booker_id, purpose: booking.purpose,
      });
      return { status: 'DONE', ref: externalRef };
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
      if (error instanceof ConnectorCallError && error.status === 501) return { status: 'UNSUPPORTED' };
      // the owner's system says no (its own conflict, a bad request): asking again will not help
      if (error instanceof ConnectorCallError && error.status !== null && error.status >= 400 && error.status < 500) break;
    }
    if (attempt < delaysMs.length) await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
  }
  return { status: 'FAILED', reason };
}

export async function recordWriteBack(db: Knex, bookingId: string, status: WriteBack, ref: string | null = null): Promise<void> {
  await db('bookings').where({ id: bookingId }).update({ write_back: status, ...(ref ? { owner_ref: ref } : {}) });
}

/** Best effort: the hub's booking is cancelled whatever the owner's system answers. */
export async function cancelInOwnerSystem(db: Knex, owners: OwnerSystems, booking: BookingRow): Promise<void> {
  if (!booking.owner_ref) return;
  try {
    await owners.cancelBooking(booking.instrument_id, booking.owner_ref);
    await recordWriteBack(db, booking.id, 'CANCELLED_IN_OWNER_SYSTEM');
  } catch {
    await recordWriteBack(db, booking.id, 'CANCEL_FAILED');
  }
}
