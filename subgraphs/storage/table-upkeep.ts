/**
 * The hub keeps its own tables healthy instead of counting on autovacuum: PGlite never runs it and
 * a server may run without it. After a large write, dead row versions (a re-harvest updates every
 * row; the count triggers update each group once per statement, about a million versions for a
 * million rows) would stay in the way of every search, and the planner would plan from statistics
 * of a table that no longer exists. VACUUM (ANALYZE) removes the first, refreshes the second and
 * merges the GIN indexes' pending lists; it cannot run inside a transaction, and it takes no lock
 * that stops readers, so searches go on meanwhile.
 */
import type { Knex } from 'knex';

export async function vacuumAnalyze(db: Knex, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  // a backend sends its statistics at most once a second: the write's dead rows, sent after the vacuum
  // reported the table clean, would count again as dead; flushed first (when this statement ends), they
  // are counted before the vacuum removes them
  await db.raw('select pg_stat_force_next_flush()');
  await db.raw(`vacuum (analyze) ${tables.map(() => '??').join(', ')}`, [...tables]);
}

/** The tables of the hub's own schema (a server database may hold other hubs' schemas, which are not ours to vacuum). */
export async function hubTables(db: Knex): Promise<string[]> {
  const { rows } = await db.raw('select tablename from pg_tables where schemaname = current_schema() order by tablename') as { rows: Array<{ tablename: string }> };
  return rows.map((r) => r.tablename);
}
