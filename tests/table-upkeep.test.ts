/**
 * The hub keeps its own tables healthy: after a harvest that changed thousands of rows it vacuums
 * and analyses what it wrote, since PGlite never runs autovacuum and a server may run without it.
 * A re-harvest updates every instrument and (on PGlite, through the count triggers) each counts group
 * once per statement: without the hub's VACUUM those dead versions would stay until someone ran it by
 * hand. On a server the harvest's one transaction leaves the counts alone and writes each group once
 * at its end, so the counts table does not grow with dead versions during the run at all.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { DEMO_INSTITUTIONS } from '../connectors/demo/demo-institutions.ts';
import { generateInventory } from '../connectors/demo/inventory-generator.ts';
import { writeSmallInstitutionsSheet } from '../connectors/demo/small-institutions-sheet.ts';

interface TableStats { relname: string; n_tup_ins: number; n_tup_upd: number; n_dead_tup: number; vacuum_count: number; analyze_count: number; last_vacuum: Date | null; last_analyze: Date | null; relpages: number; relallvisible: number }

describe.each(DATABASE_TARGETS)('table upkeep ($name)', (target) => {
  let hub: TestHub;
  const stats = async (): Promise<Record<string, TableStats>> => {
    const { rows } = await hub.database.db.raw(`select s.relname, s.n_tup_ins, s.n_tup_upd, s.n_dead_tup, s.vacuum_count, s.analyze_count, s.last_vacuum, s.last_analyze, c.relpages, c.relallvisible
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      where s.schemaname = current_schema() and s.relname in ('instruments', 'instrument_counts')`) as { rows: TableStats[] };
    return Object.fromEntries(rows.map((r) => [r.relname, { ...r, n_tup_ins: Number(r.n_tup_ins), n_tup_upd: Number(r.n_tup_upd), n_dead_tup: Number(r.n_dead_tup), vacuum_count: Number(r.vacuum_count), analyze_count: Number(r.analyze_count) }]));
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('vacuums and analyses the counts and the instruments after a large harvest and a large re-harvest', async () => {
    const file = path.join(hub.dataDir, 'upkeep.csv');
    await writeSmallInstitutionsSheet(file, null, [...generateInventory({ seed: 5, count: 5000, institutions: DEMO_INSTITUTIONS, idPrefix: 'U-' })]);
    await hub.registry.add({ id: 'upkeep', kind: 'spreadsheet', config: { file } });
    const before = await stats();
    const groups = async () => Number((await hub.database.db('instrument_counts').where('source_id', 'upkeep').count<{ n: string }[]>({ n: '*' }))[0].n);
    for (const round of [1, 2]) {
      const started = new Date();
      const previous = await stats();
      const run = await hub.registry.harvest('upkeep', { full: true });
      expect(run.status, run.error ?? '').toBe('SUCCEEDED');
      expect(run.imported).toBe(5000);
      const after = await stats();
      if (target.name === 'postgres') {
        // each group written once, by the count at the run's end; the triggers updated groups once per statement
        expect(after.instrument_counts.n_tup_upd - previous.instrument_counts.n_tup_upd, 'counts rows updated by the harvest').toBe(0);
        expect(after.instrument_counts.n_tup_ins - previous.instrument_counts.n_tup_ins, 'counts rows written by the harvest').toBe(await groups());
      }
      for (const table of ['instruments', 'instrument_counts']) {
        expect(after[table].vacuum_count, `${table} after harvest ${round}`).toBe(before[table].vacuum_count + round);
        expect(after[table].analyze_count, `${table} after harvest ${round}`).toBeGreaterThanOrEqual(before[table].analyze_count + round);
        expect(after[table].last_vacuum!.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
        expect(after[table].last_analyze!.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
      }
      if (target.name === 'pglite') {
        // alone on its database, the vacuum removes the dead versions a re-harvest leaves (5,000 without it) and
        // marks the pages visible to all; a few rows the hub touches right after (a job, a late statistic) may
        // remain (on a shared server another session's open transaction may hold them back)
        expect(after.instrument_counts.n_dead_tup).toBeLessThan(50);
        expect(after.instruments.n_dead_tup).toBeLessThan(50);
        expect(after.instrument_counts.relallvisible).toBeGreaterThanOrEqual(0.9 * after.instrument_counts.relpages);
        expect(after.instruments.relallvisible).toBeGreaterThanOrEqual(0.9 * after.instruments.relpages);
      }
    }
    // what the tables hold is unchanged by the upkeep: the listing still counts every instrument
    const listed = await hub.gql<{ instruments: { totalCount: number } }>('{ instruments(filter: { sourceIds: ["upkeep"] }) { totalCount } }');
    expect(listed.data?.instruments.totalCount).toBe(5000);
  });
});
