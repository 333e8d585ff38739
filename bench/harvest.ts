/**
 * Harvest throughput of each connector kind at 100,000 instruments (default): the demo
 * generator fills a real source of each kind, a hub harvests it, and the run's own figures
 * (records read, imported, duration) give instruments per second.
 *   npx tsx bench/harvest.ts [count]          (DATABASE_URL=… to index into server PostgreSQL)
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
import { machineLine } from './machine.ts';

const count = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(path.join(tmpdir(), 'irhub-bench-harvest-'));
const rows = (prefix: string) => [...generateInventory({ seed: 42, count, institutions: DEMO_INSTITUTIONS, idPrefix: prefix })];

console.log(machineLine());
console.log(`hub database: ${process.env.DATABASE_URL ? 'server PostgreSQL' : 'PGlite'}; ${count.toLocaleString('en-US')} instruments per source`);
let started = performance.now();
await createUniversityAssetDb(path.join(dir, 'assets'), rows('SQL-'));
const rest = await startRentalRestApi(rows('REST-'), { token: 'bench' });
await writeSmallInstitutionsSheet(path.join(dir, 'sheet.csv'), path.join(dir, 'sheet.xlsx'), rows('CSV-'));
console.log(`sources prepared in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const hub = await startHub({
  port: 0, host: '127.0.0.1', dataDir: path.join(dir, 'hub'), databaseUrl: process.env.DATABASE_URL,
  databaseSchema: process.env.DATABASE_URL ? `irhub_test_bench_${Date.now()}` : undefined, demo: false, schedule: false, log: () => {},
});
const sources: Array<[string, string, Record<string, unknown>]> = [
  ['bench-sql', 'sql', universityAssetDbConfig(path.join(dir, 'assets'))],
  ['bench-rest', 'rest', rest.config],
  ['bench-csv', 'spreadsheet', { file: path.join(dir, 'sheet.csv') }],
  ['bench-xlsx', 'spreadsheet', { file: path.join(dir, 'sheet.xlsx') }],
];
try {
  for (const [id, kind, config] of sources) {
    await hub.registry.add({ id, kind: kind as 'sql', config });
    started = performance.now();
    const run = await hub.registry.harvest(id, { full: true });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 'SUCCEEDED') throw new Error(`${id}: ${run.error}`);
    console.log(`${kind.padEnd(11)} ${id.padEnd(10)} imported ${run.imported.toLocaleString('en-US')} in ${seconds.toFixed(1)} s: ${Math.round(run.imported / seconds).toLocaleString('en-US')} instruments/s`);
    // each source's index stays; the next harvest writes another 100,000 rows beside them
  }
} finally {
  await hub.close();
  await rest.close();
  rmSync(dir, { recursive: true, force: true });
}
