/**
 * A completed booking is use of the instrument: each becomes a usage session (evidence BOOKING)
 * exactly once, merged with any meter or logbook report of the same hours. The booking subgraph
 * calls this as a booking completes; oversight's jobs call it to catch up, so a crash between
 * the two never loses a booking or counts one twice.
 */
import type { Knex } from 'knex';
import { insertUsageSessions, type UsageSession } from './usage-store.ts';

export async function importCompletedBookings(db: Knex): Promise<number> {
  let imported = 0;
  for (;;) {
    const { rows: bookings } = await db.raw<{ rows: Array<{ id: string; instrument_id: string; from: Date; to: Date; external: boolean }> }>(`select b.id, b.instrument_id, lower(b.period) as "from", upper(b.period) as "to", b.external
      from bookings b join instruments i on i.id = b.instrument_id
      where b.status = 'COMPLETED' and not exists (select 1 from usage_booking_imports u where u.booking_id = b.id)
      order by b.id limit 2000`);
    if (bookings.length === 0) return imported;
    await db.transaction(async (trx) => {
      // only the bookings this call claims: two imports at once never count one booking twice
      const claimed = new Set((await trx('usage_booking_imports').insert(bookings.map((b) => ({ booking_id: b.id })))
        .onConflict('booking_id').ignore().returning('booking_id') as Array<{ booking_id: string }>).map((r) => r.booking_id));
      const sessions: UsageSession[] = bookings.filter((b) => claimed.has(b.id)).map((b) => ({
        instrumentId: b.instrument_id, startedAt: new Date(b.from), endedAt: new Date(b.to),
        userKind: b.external ? 'EXTERNAL' : 'INTERNAL', reportedBy: `booking:${b.id}`, evidence: 'BOOKING',
      }));
      if (sessions.length > 0) await insertUsageSessions(trx, sessions);
    });
    imported += bookings.length;
  }
}
