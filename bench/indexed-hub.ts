/**
 * A hub whose catalog holds `count` generated instruments (the demo generator, one spreadsheet
 * source), for benchmarks that need a realistic index: search, procurement.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHub, type Hub } from '../gateway/hub.ts';
import { DEMO_INSTITUTIONS } from '../connectors/demo/demo-institutions.ts';
import { generateInventory } from '../connectors/demo/inventory-generator.ts';
import { writeSmallInstitutionsSheet } from '../connectors/demo/small-institutions-sheet.ts';

export interface IndexedHub { hub: Hub; dir: string; close(): Promise<void> }

export async function startIndexedHub(name: string, count: number): Promise<IndexedHub> {
  const dir = mkdtempSync(path.join(tmpdir(), `irhub-bench-${name}-`));
  console.log(`hub database: ${process.env.DATABASE_URL ? 'server PostgreSQL' : 'PGlite'}; ${count.toLocaleString('en-US')} instruments`);
  const started = performance.now();
  const rows = generateInventory({ seed: 99, count, institutions: DEMO_INSTITUTIONS, idPrefix: 'B-' });
  await writeSmallInstitutionsSheet(path.join(dir, 'inventory.csv'), null, [...rows]);
  const hub = await startHub({
    port: 0, host: '127.0.0.1', dataDir: path.join(dir, 'hub'), databaseUrl: process.env.DATABASE_URL,
    databaseSchema: process.env.DATABASE_URL ? `irhub_test_bench_${Date.now()}` : undefined, demo: false, schedule: false, log: () => {},
  });
  const close = async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await hub.registry.add({ id: 'bench', kind: 'spreadsheet', config: { file: path.join(dir, 'inventory.csv') } });
    const run = await hub.registry.harvest('bench', { full: true });
    if (run.status !== 'SUCCEEDED') throw new Error(run.error ?? 'harvest failed');
    console.log(`indexed ${run.imported.toLocaleString('en-US')} instruments in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } catch (error) {
    await close();
    throw error;
  }
  return { hub, dir, close };
}
