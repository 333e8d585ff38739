/** Records the demo year of use (demo-usage.ts) for the demo sources' instruments, once, on first start. */
import type { Knex } from 'knex';
import { demoUsageSessions } from './demo-usage.ts';
import { insertUsageSessions } from '../../subgraphs/usage/usage-store.ts';
import { lastTwelveMonths } from '../../subgraphs/usage/utilisation.ts';

export async function seedDemoUsage(db: Knex, sourceIds: readonly string[], now: Date): Promise<number> {
  const instruments = await db('instruments').whereIn('source_id', [...sourceIds]).orderBy('id')
    .select('id', 'declared_status as declaredStatus', 'sharing') as Array<{ id: string; declaredStatus: string; sharing: string }>;
  const window = lastTwelveMonths(now);
  // the reviewed year and the current month so far
  return insertUsageSessions(db, demoUsageSessions(instruments, window.from, now));
}
