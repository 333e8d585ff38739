/**
 * Harvest throughput of each connector kind at 100,000 instruments (default): the demo
 * generator fills a real source of each kind, a hub harvests it twice (first: every row is new;
 * again: every row is met again and updated, as a nightly run does), and each run's own figures
 * (records read, imported, duration) give instruments per second.
 *   npx tsx bench/harvest.ts [count] [sql,rest,csv,xlsx]     (DATABASE_URL=… to index into server PostgreSQL)
 * The run's last log line of each source says where its time went (reading and writing, what the
 * index learns at the end, table upkeep), and a line after it the CPU time the hub's process and (on a
 * server on this machine) the database's backends spent on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHub } from '../gateway/hub.ts';
import { DEMO_INSTITUTIONS } from '../connectors/demo/demo-institutions.ts';
import { generateInventory } from '../connectors/demo/inventory-generator.ts';
import { createUniversityAssetDb, universityAssetDbConfig } from '../connectors/demo/university-asset-db.ts';
import { startRentalRestApi } from '../connectors/demo/rental-rest-api.ts';
import { writeSmallInstitutionsSheet } from '../connectors/demo/small-institutions-sheet.ts';
import { localPostgresCpuSeconds, machineLine, processCpuSeconds } from './machine.ts';

const count = Number(process.argv[2] ?? 100_000);
const KINDS = ['sql', 'rest', 'csv', 'xlsx'] as const;
const kinds = new Set(process.argv[3] ? process.argv[3].split(',') : KINDS);
for (const kind of kinds) if (!(KINDS as readonly string[]).includes(kind)) throw new Error(`unknown source kind ${kind}: one of ${KINDS.join(', ')}`);
const dir = mkdtempSync(path.join(tmpdir(), 'irhub-bench-harvest-'));
const rows = (prefix: string) => [...generateInventory({ seed: 42, count, institutions: DEMO_INSTITUTIONS, idPrefix: prefix })];

console.log(machineLine());
console.log(`hub database: ${process.env.DATABASE_URL ? 'server PostgreSQL' : 'PGlite'}; ${count.toLocaleString('en-US')} instruments per source`);
let started = performance.now();
if (kinds.has('sql')) await createUniversityAssetDb(path.join(dir, 'assets'), rows('SQL-'));
const rest = kinds.has('rest') ? await startRentalRestApi(rows('REST-'), { token: 'bench' }) : null;
if (kinds.has('csv') || kinds.has('xlsx')) await writeSmallInstitutionsSheet(path.join(dir, 'sheet.csv'), kinds.has('xlsx') ? path.join(dir, 'sheet.xlsx') : null, rows('CSV-'));
console.log(`sources prepared in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const hub = await startHub({
  port: 0, host: '127.0.0.1', dataDir: path.join(dir, 'hub'), databaseUrl: process.env.DATABASE_URL,
  databaseSchema: process.env.DATABASE_URL ? `irhub_test_bench_${Date.now()}` : undefined, demo: false, schedule: false,
  log: (line) => { if (line.includes(' run imported ')) console.log(`  ${line}`); },
});
const sources = ([
  ['sql', 'bench-sql', 'sql', () => universityAssetDbConfig(path.join(dir, 'assets'))],
  ['rest', 'bench-rest', 'rest', () => rest!.config],
  ['csv', 'bench-csv', 'spreadsheet', () => ({ file: path.join(dir, 'sheet.csv') })],
  ['xlsx', 'bench-xlsx', 'spreadsheet', () => ({ file: path.join(dir, 'sheet.xlsx') })],
] as const).filter(([kind]) => kinds.has(kind)).map(([, id, kind, config]): [string, string, Record<string, unknown>] => [id, kind, config()]);
try {
  for (const [id, kind, config] of sources) {
    await hub.registry.add({ id, kind: kind as 'sql', config });
    // the first harvest adds every row; the one after (a nightly run) meets each again and updates it
    for (const pass of ['first', 'again'] as const) {
      started = performance.now();
      const [hubCpu, databaseCpu] = [processCpuSeconds(), localPostgresCpuSeconds()];
      const run = await hub.registry.harvest(id, { full: true });
      const seconds = (performance.now() - started) / 1000;
      const databaseCpuNow = localPostgresCpuSeconds();
      const databaseShare = databaseCpu !== null && databaseCpuNow !== null ? `, database backends ${(databaseCpuNow - databaseCpu).toFixed(1)} s` : '';
      console.log(`  CPU: hub process ${(processCpuSeconds() - hubCpu).toFixed(1)} s${databaseShare}`);
      if (run.status !== 'SUCCEEDED') throw new Error(`${id}: ${run.error}`);
      console.log(`${kind.padEnd(11)} ${id.padEnd(10)} ${pass.padEnd(5)} imported ${run.imported.toLocaleString('en-US')} in ${seconds.toFixed(1)} s: ${Math.round(run.imported / seconds).toLocaleString('en-US')} instruments/s`);
    }
    // each source's index stays; the next source's harvest writes another 100,000 rows beside them
  }
} finally {
  await hub.close();
  await rest?.close();
  rmSync(dir, { recursive: true, force: true });
}
