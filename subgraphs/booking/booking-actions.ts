/**
 * What happens to a booking after it is requested: the owner approves or rejects, the booker
 * or the owner cancels (with a fee when late), the session starts and completes (becoming a
 * usage record), or the booker does not show; a request nobody decides expires. Each step is a
 * legal transition of booking-lifecycle.ts, taken under a row lock and recorded with who and when.
 */
import type { Knex } from 'knex';
import type { HubClaims } from '../auth/hub-claims.ts';
import { importCompletedBookings } from '../usage/completed-bookings.ts';
import { BookingRuleError, mayPerform, nextStatus, type Actor, type BookingAction } from './booking-lifecycle.ts';
import { lockBooking, loadBookings, recordEvent, type BookingRow } from './booking-store.ts';
import { policiesOf } from './policy-store.ts';
import { cancellationFee, formatYuan } from './pricing.ts';
import { refund } from './vouchers.ts';
import type { BookingDeps } from './booking-requests.ts';
import { cancelInOwnerSystem, placeInOwnerSystem, recordWriteBack } from './write-back.ts';
import { hostingAgencyOf, isHostingStaff } from '../leasing/hosting.ts';
import { settleCompletedBookings } from '../leasing/settlements.ts';

/**
 * Who the caller is to this booking; the most capable relation wins (a staff member booking their
 * own instrument acts as staff). Staff of the agency hosting the instrument act for its owner.
 */
export function actorFor(claims: HubClaims, booking: Pick<BookingRow, 'booker_id' | 'owner_institution_id'>, hostingAgencyId: string | null): Actor | null {
  if (claims.role === 'ADMIN') return 'ADMIN';
  if (claims.role === 'INSTITUTION_STAFF' && claims.institutionId === booking.owner_institution_id) return 'OWNER_STAFF';
  if (isHostingStaff(claims, hostingAgencyId)) return 'AGENCY_STAFF';
  if (claims.sub === booking.booker_id) return 'BOOKER';
  return null;
}

const toFen = (yuan: string) => Math.round(Number(yuan) * 100);

/** REQUESTED bookings whose hold has passed become EXPIRED (all, or one instrument's). */
export async function expireStaleRequests(db: Knex | Knex.Transaction, now: Date, instrumentId?: string): Promise<number> {
  const run = async (trx: Knex.Transaction) => {
    const query = trx('bookings').where('status', 'REQUESTED').where('hold_until', '<=', now);
    if (instrumentId) query.where('instrument_id', instrumentId);
    const expired = await query.update({ status: 'EXPIRED', updated_at: now }).returning(['id', 'voucher_id', 'voucher_amount']) as Array<{ id: string; voucher_id: string | null; voucher_amount: string }>;
    for (const b of expired) {
      await recordEvent(trx, { booking_id: b.id, from_status: 'REQUESTED', to_status: 'EXPIRED', action: 'EXPIRE', actor_id: 'expiry', actor_role: 'SYSTEM', note: 'not decided before its hold ran out' }, now);
      if (b.voucher_id) await refund(trx, b.voucher_id, b.id, b.voucher_amount, now);
    }
    return expired.length;
  };
  return 'isTransaction' in db && db.isTransaction ? run(db as Knex.Transaction) : (db as Knex).transaction(run);
}

export async function applyAction(deps: BookingDeps, claims: HubClaims, bookingId: string, action: BookingAction, note: string | null): Promise<BookingRow> {
  const { db } = deps;
  const now = deps.now();
  const before = await db.transaction(async (trx) => {
    const booking = await lockBooking(trx, bookingId);
    if (!booking) throw new BookingRuleError('UNKNOWN_BOOKING', `no booking ${bookingId}`);
    const actor = actorFor(claims, booking, await hostingAgencyOf(trx, booking.instrument_id));
    if (!actor) throw new BookingRuleError('FORBIDDEN', `${claims.sub} is neither the booker nor staff of the instrument's owner or of the agency hosting it`);
    if (!mayPerform(actor, action)) throw new BookingRuleError('FORBIDDEN', `${actor === 'BOOKER' ? 'the booker' : actor === 'OWNER_STAFF' ? "the owner's staff" : actor} may not ${action} a booking`);
    const to = nextStatus(booking.status, action);
    if ((action === 'REJECT') && !note?.trim()) throw new BookingRuleError('BAD_USER_INPUT', 'reason: a rejection needs a reason for the booker');
    if (action === 'START' && now.getTime() < booking.starts_at.getTime() - 30 * 60_000) {
      throw new BookingRuleError('TOO_EARLY', `the session starts at ${booking.starts_at.toISOString()}; it can be started from 30 minutes before`);
    }
    const update: Record<string, unknown> = { status: to, updated_at: now };
    if (action === 'CANCEL') {
      const policy = (await policiesOf(trx, [booking.instrument_id])).get(booking.instrument_id)!;
      // the owner cancelling costs the booker nothing
      const fee = actor === 'BOOKER' ? cancellationFee({ start: booking.starts_at, cancelledAt: now, subtotalFen: toFen(booking.price), freeNoticeHours: policy.freeCancelHours }) : 0;
      update.cancellation_fee = formatYuan(fee);
    }
    if (action === 'APPROVE' || action === 'REJECT' || action === 'CANCEL') update.hold_until = null;
    await trx('bookings').where({ id: booking.id }).update(update);
    if (booking.voucher_id && (to === 'CANCELLED' || to === 'REJECTED')) await refund(trx, booking.voucher_id, booking.id, booking.voucher_amount, now);
    await recordEvent(trx, { booking_id: booking.id, from_status: booking.status, to_status: to, action, actor_id: claims.sub, actor_role: actor, note: note?.trim() || null }, now);
    return booking;
  });
  const after = (await loadBookings(db, [bookingId])).get(bookingId)!;
  // a completed booking is use of the instrument, counted with meters and logbooks (overlaps merged)
  if (action === 'COMPLETE') {
    await importCompletedBookings(db);
    await settleCompletedBookings(db, [bookingId]);
  }
  if (action === 'APPROVE') return writeBackConfirmed(deps, after);
  if (action === 'CANCEL' && before.status === 'CONFIRMED') await cancelInOwnerSystem(db, deps.owners, after);
  return after;
}

/**
 * Puts a just-confirmed booking into the owner's system. When that finally fails the hub
 * cancels the booking itself and says why: the owner's calendar stays the truth.
 */
export async function writeBackConfirmed(deps: BookingDeps, booking: BookingRow): Promise<BookingRow> {
  const outcome = await placeInOwnerSystem(deps.owners, booking);
  if (outcome.status === 'DONE') await recordWriteBack(deps.db, booking.id, 'DONE', outcome.ref);
  else if (outcome.status === 'UNSUPPORTED') await recordWriteBack(deps.db, booking.id, 'UNSUPPORTED');
  else {
    const now = deps.now();
    await deps.db.transaction(async (trx) => {
      const locked = await lockBooking(trx, booking.id);
      if (!locked || locked.status !== 'CONFIRMED') return;
      await trx('bookings').where({ id: booking.id }).update({ status: 'CANCELLED', write_back: 'FAILED', cancellation_fee: '0.00', updated_at: now });
      if (locked.voucher_id) await refund(trx, locked.voucher_id, locked.id, locked.voucher_amount, now);
      await recordEvent(trx, { booking_id: booking.id, from_status: 'CONFIRMED', to_status: 'CANCELLED', action: 'CANCEL', actor_id: 'write-back', actor_role: 'SYSTEM', note: `the owner's system did not take the booking: ${outcome.reason}` }, now);
    });
    throw new BookingRuleError('WRITE_BACK_FAILED', `booking ${booking.id} was cancelled: the owner's system did not take it (${outcome.reason})`);
  }
  return (await loadBookings(deps.db, [booking.id])).get(booking.id)!;
}

export async function rateBooking(db: Knex, claims: HubClaims, bookingId: string, rating: number, comment: string | null, now: Date): Promise<void> {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new BookingRuleError('BAD_USER_INPUT', `rating: a whole number from 1 to 5, got ${rating}`);
  const booking = (await loadBookings(db, [bookingId])).get(bookingId);
  if (!booking) throw new BookingRuleError('UNKNOWN_BOOKING', `no booking ${bookingId}`);
  if (booking.booker_id !== claims.sub) throw new BookingRuleError('FORBIDDEN', 'only the booker rates a booking');
  if (booking.status !== 'COMPLETED') throw new BookingRuleError('NOT_COMPLETED', `booking ${bookingId} is ${booking.status}; rate it once it is COMPLETED`);
  const inserted = await db('booking_ratings').insert({ booking_id: bookingId, instrument_id: booking.instrument_id, rating, comment: comment?.trim() || null, rated_at: now })
    .onConflict('booking_id').ignore().returning('booking_id') as Array<{ booking_id: string }>;
  if (inserted.length === 0) throw new BookingRuleError('ALREADY_RATED', `booking ${bookingId} is already rated`);
}
