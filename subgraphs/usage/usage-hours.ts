/** Hours of reported use per instrument over whole months, from the monthly roll-up. */
import type { Knex } from 'knex';

export interface UsedHours { hours: number; externalHours: number; sessions: number }

/** Use in the months [fromMonth, toMonth), "YYYY-MM". */
export async function usedHours(db: Knex, instrumentIds: readonly string[], window: { fromMonth: string; toMonth: string }): Promise<Map<string, UsedHours>> {
  const result = new Map<string, UsedHours>();
  if (instrumentIds.length === 0) return result;
  const rows = await db('usage_monthly')
    .whereRaw('instrument_id = any(?::text[])', [[...instrumentIds]])
    .where('month', '>=', `${window.fromMonth}-01`).where('month', '<', `${window.toMonth}-01`)
    .groupBy('instrument_id')
    .select('instrument_id', db.raw('sum(used_hours) as hours'), db.raw('sum(external_hours) as external_hours'), db.raw('sum(sessions) as sessions')) as Array<{ instrument_id: string; hours: string | number; external_hours: string | number; sessions: string | number }>;
  for (const row of rows) {
    result.set(row.instrument_id, { hours: Number(row.hours), externalHours: Number(row.external_hours), sessions: Number(row.sessions) });
  }
  return result;
}
