/**
 * A hub whose catalog holds `count` generated instruments, for benchmarks that need a realistic
 * index: search, procurement. The demo generator writes them as it makes them into the small
 * institutions' template layout, as a table in PGlite that the hub harvests through the SQL
 * connector: a million rows are never held whole before the harvest, and no spreadsheet source
 * would take them (a spreadsheet is read whole, so its size is bounded).
 *
 * BENCH_KEEP=1 keeps the inventory database under tmp/ and, on server PostgreSQL, the schema
 * (irhub_bench_<name>_<count>), and a later run with BENCH_KEEP=1 reuses them: indexing a million
 * rows takes minutes, measuring a change to the queries should not.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHub, type Hub } from '../gateway/hub.ts';
import { gatewayLimitsFromEnv, withoutRateLimits } from '../gateway/limits.ts';
import { DEMO_INSTITUTIONS } from '../connectors/demo/demo-institutions.ts';
import { generateInventory } from '../connectors/demo/inventory-generator.ts';
import { smallInstitutionsDatabaseConfig, writeSmallInstitutionsDatabase } from '../connectors/demo/small-institutions-database.ts';

export interface IndexedHub { hub: Hub; dir: string; close(): Promise<void> }

export async function startIndexedHub(name: string, count: number): Promise<IndexedHub> {
  const keep = process.env.BENCH_KEEP === '1';
  const dir = keep ? path.resolve('tmp', `bench-${name}-${count}`) : mkdtempSync(path.join(tmpdir(), `irhub-bench-${name}-`));
  if (keep) mkdirSync(dir, { recursive: true });
  const inventory = path.join(dir, 'inventory');
  console.log(`hub database: ${process.env.DATABASE_URL ? 'server PostgreSQL' : 'PGlite'}; ${count.toLocaleString('en-US')} instruments${keep ? ` (kept in ${dir})` : ''}`);
  const started = performance.now();
  if (!existsSync(path.join(inventory, 'PG_VERSION'))) {
    // written aside and moved in place when whole, so an interrupted run is not reused half-written
    rmSync(`${inventory}.partial`, { recursive: true, force: true });
    await writeSmallInstitutionsDatabase(`${inventory}.partial`, generateInventory({ seed: 99, count, institutions: DEMO_INSTITUTIONS, idPrefix: 'B-' }));
    renameSync(`${inventory}.partial`, inventory);
    console.log(`generated the source in ${((performance.now() - started) / 1000).toFixed(0)} s`);
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
      if (!indexed) await hub.registry.add({ id: 'bench', kind: 'sql', config: smallInstitutionsDatabaseConfig(inventory) });
      const harvestStarted = performance.now();
      const run = await hub.registry.harvest('bench', { full: true });
      if (run.status !== 'SUCCEEDED') throw new Error(run.error ?? 'harvest failed');
      console.log(`indexed ${run.imported.toLocaleString('en-US')} instruments in ${((performance.now() - harvestStarted) / 1000).toFixed(0)} s (the harvest, with its vacuum)`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { hub, dir, close };
}
