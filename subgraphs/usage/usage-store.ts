/**
 * Writing usage sessions and keeping the monthly roll-up (usage_monthly) in step with them.
 * Checks that need the index (known instrument, owning source) are the caller's.
 */
import type { Knex } from 'knex';
import { monthsTouched } from './usage-months.ts';

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
  const touched = new Map<string, Set<string>>();
  for (const s of sessions) {
    const months = touched.get(s.instrumentId) ?? new Set<string>();
    for (const m of monthsTouched(s.startedAt, s.endedAt)) months.add(m);
    touched.set(s.instrumentId, months);
  }
  await db.transaction(async (trx) => {
    for (let i = 0; i < sessions.length; i += CHUNK) {
      await trx('usage_sessions').insert(sessions.slice(i, i + CHUNK).map((s) => ({
        instrument_id: s.instrumentId, started_at: s.startedAt, ended_at: s.endedAt, user_kind: s.userKind, reported_by: s.reportedBy, evidence: s.evidence,
      })));
    }
    const pairs = [...touched].flatMap(([id, months]) => [...months].map((m) => [id, m] as const));
    for (let i = 0; i < pairs.length; i += CHUNK) await rollUp(trx, pairs.slice(i, i + CHUNK));
  });
  return sessions.length;
}

/** Recomputes the roll-up of every instrument-month that has sessions (after bulk loads). */
export async function rebuildUsageMonthly(db: Knex): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('usage_monthly').delete();
    await trx.raw(`insert into usage_monthly (instrument_id, month, used_hours, external_hours, sessions) ${rollUpSelect(
      `(select distinct instrument_id, date_trunc('month', started_at at time zone 'Asia/Shanghai')::date as month from usage_sessions) as p`)}`);
  });
}

/**
 * The roll-up rows of the instrument-months in `pairs`, a from-item `p(instrument_id, month)`.
 * Overlapping reports (a meter and a logbook for one session) are merged before hours are counted.
 */
function rollUpSelect(pairs: string): string {
  const monthStart = `(p.month::timestamp at time zone 'Asia/Shanghai')`;
  const monthEnd = `((p.month + interval '1 month')::timestamp at time zone 'Asia/Shanghai')`;
  const hours = (spans: string) => `coalesce((select sum(extract(epoch from upper(r) - lower(r))) / 3600 from unnest(${spans}) r), 0)`;
  return `select p.instrument_id, p.month, ${hours('m.all_spans')}, ${hours('m.external_spans')}, m.sessions
    from ${pairs}
    cross join lateral (
      select range_agg(s.span) as all_spans, range_agg(s.span) filter (where s.user_kind = 'EXTERNAL') as external_spans, count(*) as sessions
      from (select u.user_kind, tstzrange(greatest(u.started_at, ${monthStart}), least(u.ended_at, ${monthEnd})) as span
            from usage_sessions u
            where u.instrument_id = p.instrument_id and u.started_at < ${monthEnd} and u.ended_at > ${monthStart}) s
    ) m`;
}

async function rollUp(trx: Knex.Transaction, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
  await trx.raw(`insert into usage_monthly (instrument_id, month, used_hours, external_hours, sessions)
    ${rollUpSelect('unnest(?::text[], ?::date[]) as p(instrument_id, month)')}
    on conflict (instrument_id, month) do update set used_hours = excluded.used_hours, external_hours = excluded.external_hours, sessions = excluded.sessions`,
  [pairs.map((p) => p[0]), pairs.map((p) => `${p[1]}-01`)]);
}
