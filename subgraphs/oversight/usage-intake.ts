/**
 * 使用记录上报: usage sessions reported by owners (the `reportUsage` mutation) and by their
 * systems (a connector's `listUsage`), checked one by one. A rejected session is named with its
 * reason and nothing of it is counted; a session already recorded (a retry, the same meter
 * read twice) is a duplicate and is not stored again; sessions that overlap (a meter and a
 * logbook for one run) are both kept as evidence and merged when hours are counted.
 */
import type { Knex } from 'knex';
import { insertUsageSessions, type UsageSession } from '../usage/usage-store.ts';
import { rawRows } from './sql.ts';

export const USAGE_EVIDENCE = ['METER', 'INTERLOCK', 'LOGBOOK'] as const;
export type UsageEvidence = (typeof USAGE_EVIDENCE)[number];
export const USER_KINDS = ['INTERNAL', 'EXTERNAL'] as const;

export const MAX_SESSIONS_PER_REPORT = 5000;
/** clocks of meters and hub differ a little; more than this ahead is a session that has not happened */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** a longer run is reported as several sessions, so a typo in a year cannot claim months of use */
export const MAX_SESSION_DAYS = 31;

export interface ReportedSession {
  instrumentId: string;
  startedAt: Date;
  endedAt: Date;
  /** INTERNAL or EXTERNAL (checked: connectors send plain text) */
  userKind: string;
  /** METER, INTERLOCK or LOGBOOK */
  evidence: string;
  /** the source whose system recorded it; when given, it must be the source that lists the instrument */
  sourceId?: string | null;
}

/** Who reports: a user of the hub (ADMIN for any instrument, INSTITUTION_STAFF for their own institution's) or a source's connector. */
export type Reporter =
  | { kind: 'USER'; id: string; role: string; institutionId: string | null }
  | { kind: 'SOURCE'; sourceId: string };

export type ItemStatus = 'ACCEPTED' | 'DUPLICATE' | 'REJECTED';

export interface ReportItem {
  index: number;
  instrumentId: string;
  status: ItemStatus;
  /** why it was rejected, or what it duplicates */
  reason: string | null;
}

export interface UsageReport {
  accepted: number;
  duplicates: number;
  rejected: number;
  items: ReportItem[];
}

interface KnownInstrument { id: string; source_id: string; institution_id: string; institution_name: string }

const localTime = (d: Date) => `${new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} (UTC+8)`;

/** The reason a session cannot be counted, or null. */
function problemOf(session: ReportedSession, instrument: KnownInstrument | undefined, reporter: Reporter, now: Date): string | null {
  const start = session.startedAt.getTime();
  const end = session.endedAt.getTime();
  if (Number.isNaN(start) || Number.isNaN(end)) return 'startedAt and endedAt must be instants';
  if (!(USER_KINDS as readonly string[]).includes(session.userKind)) return `userKind "${session.userKind}": expected ${USER_KINDS.join(' or ')}`;
  if (!(USAGE_EVIDENCE as readonly string[]).includes(session.evidence)) return `evidence "${session.evidence}": expected ${USAGE_EVIDENCE.join(', ')}`;
  if (end <= start) return `endedAt ${localTime(session.endedAt)} is not after startedAt ${localTime(session.startedAt)}`;
  if (end > now.getTime() + CLOCK_SKEW_MS) return `ends in the future (${localTime(session.endedAt)}, now ${localTime(now)}): report a session once it has ended`;
  if (end - start > MAX_SESSION_DAYS * 86_400_000) return `lasts more than ${MAX_SESSION_DAYS} days; report a long run as several sessions`;
  if (!instrument) return `unknown instrument ${session.instrumentId}: no source lists it`;
  const claimedSource = reporter.kind === 'SOURCE' ? reporter.sourceId : session.sourceId ?? null;
  if (claimedSource !== null && claimedSource !== instrument.source_id) {
    return `source ${claimedSource} does not own instrument ${instrument.id} (source ${instrument.source_id} lists it)`;
  }
  if (reporter.kind === 'USER' && reporter.role !== 'ADMIN' && reporter.institutionId !== instrument.institution_id) {
    return `instrument ${instrument.id} belongs to ${instrument.institution_name}; ${reporter.id} may report usage only for the instruments of their own institution`;
  }
  return null;
}

const sessionKey = (s: { instrumentId: string; startedAt: Date; endedAt: Date; userKind: string; evidence: string }) =>
  `${s.instrumentId}|${s.startedAt.getTime()}|${s.endedAt.getTime()}|${s.userKind}|${s.evidence}`;

export async function recordUsage(db: Knex, sessions: readonly ReportedSession[], reporter: Reporter, now: Date): Promise<UsageReport> {
  const ids = [...new Set(sessions.map((s) => s.instrumentId))];
  const known = new Map((await db('instruments as i').join('institutions as n', 'n.id', 'i.institution_id')
    .whereIn('i.id', ids).select('i.id', 'i.source_id', 'i.institution_id', 'n.name as institution_name') as KnownInstrument[]).map((i) => [i.id, i]));
  const items: ReportItem[] = [];
  const candidates: Array<{ index: number; session: UsageSession }> = [];
  const reportedBy = reporter.kind === 'SOURCE' ? `source:${reporter.sourceId}` : reporter.id;
  for (const [index, session] of sessions.entries()) {
    const problem = problemOf(session, known.get(session.instrumentId), reporter, now);
    if (problem) {
      items.push({ index, instrumentId: session.instrumentId, status: 'REJECTED', reason: problem });
      continue;
    }
    candidates.push({ index, session: { instrumentId: session.instrumentId, startedAt: session.startedAt, endedAt: session.endedAt, userKind: session.userKind as UsageSession['userKind'], reportedBy, evidence: session.evidence } });
  }

  await db.transaction(async (trx) => {
    // one report at a time, so two reports of the same session cannot both store it
    await trx.raw(`select pg_advisory_xact_lock(hashtext('irhub:usage-report'))`);
    const existing = new Set<string>();
    if (candidates.length > 0) {
      const rows = await rawRows<{ instrument_id: string; started_at: Date; ended_at: Date; user_kind: string; evidence: string }>(trx,
        `select u.instrument_id, u.started_at, u.ended_at, u.user_kind, u.evidence
         from usage_sessions u join unnest(?::text[], ?::timestamptz[]) as c(instrument_id, started_at)
           on u.instrument_id = c.instrument_id and u.started_at = c.started_at`,
        [candidates.map((c) => c.session.instrumentId), candidates.map((c) => c.session.startedAt.toISOString())]);
      for (const r of rows) existing.add(sessionKey({ instrumentId: r.instrument_id, startedAt: new Date(r.started_at), endedAt: new Date(r.ended_at), userKind: r.user_kind, evidence: r.evidence }));
    }
    const fresh: UsageSession[] = [];
    const firstInReport = new Map<string, number>();
    for (const { index, session } of candidates) {
      const key = sessionKey(session);
      const earlier = firstInReport.get(key);
      if (existing.has(key)) {
        items.push({ index, instrumentId: session.instrumentId, status: 'DUPLICATE', reason: 'already recorded: the same instrument, times, user kind and evidence' });
      } else if (earlier !== undefined) {
        items.push({ index, instrumentId: session.instrumentId, status: 'DUPLICATE', reason: `repeats item ${earlier} of this report` });
      } else {
        firstInReport.set(key, index);
        fresh.push(session);
        items.push({ index, instrumentId: session.instrumentId, status: 'ACCEPTED', reason: null });
      }
    }
    if (fresh.length > 0) await insertUsageSessions(trx, fresh);
  });

  items.sort((a, b) => a.index - b.index);
  const count = (status: ItemStatus) => items.filter((i) => i.status === status).length;
  return { accepted: count('ACCEPTED'), duplicates: count('DUPLICATE'), rejected: count('REJECTED'), items };
}
