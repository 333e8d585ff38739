/**
 * Hours of reported use per instrument in a window. Overlapping or duplicate reports (a meter
 * and a logbook describing one session) are merged into one range before counting, in SQL, so
 * an hour is counted once however many systems reported it.
 */
import type { Knex } from 'knex';

export interface UsedHours { hours: number; externalHours: number; sessions: number }

export async function usedHours(db: Knex, instrumentIds: readonly string[], window: { from: Date; to: Date }): Promise<Map<string, UsedHours>> {
  const result = new Map<string, UsedHours>();
  if (instrumentIds.length === 0) return result;
  const { rows } = await db.raw<{ rows: Array<{ instrument_id: string; hours: string; external_hours: string; sessions: string }> }>(`
    with clipped as (
      select instrument_id, user_kind, tstzrange(greatest(started_at, ?::timestamptz), least(ended_at, ?::timestamptz)) as span
      from usage_sessions
      where instrument_id = any(?::text[]) and started_at < ?::timestamptz and ended_at > ?::timestamptz
    ), merged as (
      select instrument_id, 'ALL' as part, unnest(range_agg(span)) as span from clipped group by instrument_id
      union all
      select instrument_id, 'EXTERNAL', unnest(range_agg(span)) from clipped where user_kind = 'EXTERNAL' group by instrument_id
    )
    select m.instrument_id,
           coalesce(sum(extract(epoch from upper(m.span) - lower(m.span))) filter (where m.part = 'ALL'), 0) / 3600 as hours,
           coalesce(sum(extract(epoch from upper(m.span) - lower(m.span))) filter (where m.part = 'EXTERNAL'), 0) / 3600 as external_hours,
           (select count(*) from clipped c where c.instrument_id = m.instrument_id) as sessions
    from merged m group by m.instrument_id`,
  [window.from, window.to, [...instrumentIds], window.to, window.from]);
  for (const row of rows) {
    result.set(row.instrument_id, { hours: Number(row.hours), externalHours: Number(row.external_hours), sessions: Number(row.sessions) });
  }
  return result;
}
