/** Writing usage sessions. Checks that need the index (known instrument, owning source) are the caller's. */
import type { Knex } from 'knex';

export interface UsageSession {
  instrumentId: string;
  startedAt: Date;
  endedAt: Date;
  userKind: 'INTERNAL' | 'EXTERNAL';
  /** who reported it: a source id, a user, or "booking" */
  reportedBy: string;
  /** METER, INTERLOCK, LOGBOOK or BOOKING */
  evidence: string;
}

const CHUNK = 2000;

export async function insertUsageSessions(db: Knex, sessions: readonly UsageSession[]): Promise<number> {
  await db.transaction(async (trx) => {
    for (let i = 0; i < sessions.length; i += CHUNK) {
      await trx('usage_sessions').insert(sessions.slice(i, i + CHUNK).map((s) => ({
        instrument_id: s.instrumentId, started_at: s.startedAt, ended_at: s.endedAt, user_kind: s.userKind, reported_by: s.reportedBy, evidence: s.evidence,
      })));
    }
  });
  return sessions.length;
}
