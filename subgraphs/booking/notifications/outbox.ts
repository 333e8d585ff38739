/**
 * Notifications as the hub records them: one row per event (a dedupe key, so a job run twice or
 * on two replicas writes it once), addressed and worded in the user's language when it is
 * written; delivery.ts sends them.
 */
import type { Knex } from 'knex';
import { renderNotification, type Language, type NotificationFacts, type NotificationKind } from './messages.ts';

export interface NotificationRow {
  id: string | number;
  dedupe_key: string;
  kind: NotificationKind;
  user_id: string;
  booking_id: string | null;
  language: Language;
  to_address: string | null;
  subject: string;
  body: string;
  status: 'PENDING' | 'SENT' | 'FAILED' | 'LOGGED';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/**
 * Records a notification for `userId` unless one with this key exists; true when it was new.
 * Recorded and due at the real time, also when a job runs as of another (runBookingJob's `at`).
 */
export async function enqueueNotification(db: Knex | Knex.Transaction, input: { key: string; kind: NotificationKind; userId: string; bookingId?: string | null; facts: NotificationFacts }): Promise<boolean> {
  const now = new Date();
  const user = await db('users').where({ id: input.userId }).first('email', 'language') as { email: string | null; language: Language } | undefined;
  const language = user?.language ?? 'zh';
  const { subject, body } = renderNotification(input.kind, language, input.facts);
  const inserted = await db('notifications').insert({
    dedupe_key: input.key, kind: input.kind, user_id: input.userId, booking_id: input.bookingId ?? null, language, to_address: user?.email ?? null,
    subject, body, status: 'PENDING', attempts: 0, created_at: now, next_attempt_at: now,
  }).onConflict('dedupe_key').ignore().returning('id') as Array<{ id: string }>;
  return inserted.length > 0;
}

/** The facts of a booking a notification speaks of: its instrument's name and its period. */
export async function bookingFacts(db: Knex | Knex.Transaction, booking: { id: string; instrument_id: string; starts_at: Date; ends_at: Date }, note?: string | null): Promise<NotificationFacts> {
  const instrument = await db('instruments').where({ id: booking.instrument_id }).first('name') as { name: string } | undefined;
  return { instrumentName: instrument?.name ?? booking.instrument_id, instrumentId: booking.instrument_id, from: booking.starts_at, to: booking.ends_at, bookingId: booking.id, note };
}

export async function notificationsOf(db: Knex, userId: string, first: number): Promise<NotificationRow[]> {
  return await db('notifications').where({ user_id: userId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(first) as NotificationRow[];
}
