/**
 * A hub whose catalog holds `count` generated instruments (the demo generator, one spreadsheet
 * source), for benchmarks that need a realistic index: search, procurement.
 *
 * BENCH_KEEP=1 keeps the inventory file under tmp/ and, on server PostgreSQL, the schema
 * (irhub_bench_<name>_<count>), and a later run with BENCH_KEEP=1 reuses them: indexing a million
 * rows takes minutes, measuring a change to the queries should not.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHub, type Hub } from '../gateway/hub.ts';
import { gatewayLimitsFromEnv, withoutRateLimits } from '../gateway/limits.ts';
import { DEMO_INSTITUTIONS } from '../connectors/demo/demo-institutions.ts';
import { generateInventory } from '../connectors/demo/inventory-generator.ts';
import { writeSmallInstitutionsSheet } from '../connectors/demo/small-institutions-sheet.ts';

export interface IndexedHub { hub: Hub; dir: string; close(): Promise<void> }

export async function startIndexedHub(name: string, count: number): Promise<IndexedHub> {
  const keep = process.env.BENCH_KEEP === '1';
  const dir = keep ? path.resolve('tmp', `bench-${name}-${count}`) : mkdtempSync(path.join(tmpdir(), `irhub-bench-${name}-`));
  if (keep) mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'inventory.csv');
  console.log(`hub database: ${process.env.DATABASE_URL ? 'server PostgreSQL' : 'PGlite'}; ${count.toLocaleString('en-US')} instruments${keep ? ` (kept in ${dir})` : ''}`);
  const started = performance.now();
  if (!existsSync(file)) {
    const rows = generateInventory({ seed: 99, count, institutions: DEMO_INSTITUTIONS, idPrefix: 'B-' });
    await writeSmallInstitutionsSheet(file, null, [...rows]);
  }
  const schema = !process.env.DATABASE_URL ? undefined : keep ? `irhub_bench_${name}_${count}` : `irhub_test_bench_${Date.now()}`;
  const hub = await startHub({
    port: 0, host: '127.0.0.1', dataDir: path.join(dir, 'hub'), databaseUrl: process.env.DATABASE_URL,
    databaseSchema: schema, demo: false, schedule: false, limits: withoutRateLimits(gatewayLimitsFromEnv()), log: () => {},
  });
  const close = async () => {
    await hub.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [indexed] = await hub.registry.status(['bench']);
    if (indexed?.lastRun?.status === 'SUCCEEDED' && indexed.instrumentCount === count) {
      console.log(`reusing ${indexed.instrumentCount.toLocaleString('en-US')} indexed instruments`);
    } else {
      if (!indexed) await hub.registry.add({ id: 'bench', kind: 'spreadsheet', config: { file } });
      const run = await hub.registry.harvest('bench', { full: true });
      if (run.status !== 'SUCCEEDED') throw new Error(run.error ?? 'harvest failed');
      console.log(`indexed ${run.imported.toLocaleString('en-US')} instruments in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { hub, dir, close };
}
