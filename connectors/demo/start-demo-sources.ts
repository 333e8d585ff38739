/**
 * The demo's three sources, one of each connector kind, each a real server or file: the
 * university's asset database (sql), the rental company's REST catalogue (rest) and the small
 * institutions' spreadsheet. Files are made once and kept across restarts; the REST API
 * starts anew each time.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEMO_INSTITUTIONS } from './demo-institutions.ts';
import { demoInventory } from './inventory-generator.ts';
import { createUniversityAssetDb, universityAssetDbConfig } from './university-asset-db.ts';
import { startRentalRestApi } from './rental-rest-api.ts';
import { writeSmallInstitutionsSheet } from './small-institutions-sheet.ts';

export interface DemoSource {
  id: string;
  kind: 'sql' | 'rest' | 'spreadsheet';
  displayName: string;
  config: Record<string, unknown>;
}

export async function startDemoSources(dir: string): Promise<{ sources: DemoSource[]; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const inventory = demoInventory(DEMO_INSTITUTIONS);
  const dbDir = path.join(dir, 'szu-assets');
  if (!existsSync(path.join(dbDir, 'PG_VERSION'))) await createUniversityAssetDb(dbDir, inventory.university);
  const csvPath = path.join(dir, 'small-institutions.csv');
  if (!existsSync(csvPath)) await writeSmallInstitutionsSheet(csvPath, path.join(dir, 'small-institutions.xlsx'), inventory.sheet);
  const rental = await startRentalRestApi(inventory.rental, { token: randomBytes(12).toString('hex') });
  return {
    sources: [
      { id: 'szu', kind: 'sql', displayName: '深圳大学资产管理系统', config: universityAssetDbConfig(dbDir) },
      { id: 'rentlab', kind: 'rest', displayName: '科仪共享租赁平台 API', config: rental.config },
      { id: 'smallinst', kind: 'spreadsheet', displayName: '中小机构仪器汇总表', config: { file: csvPath } },
    ],
    close: () => rental.close(),
  };
}
