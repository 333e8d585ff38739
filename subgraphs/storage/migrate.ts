/**
 * Every hub subgraph owns its tables and lists its migrations; this runs them all in order
 * through knex's migrator, so server and embedded databases evolve the same way.
 */
import type { Knex } from 'knex';
import { registryMigrations } from '../registry/migrations.ts';
import { catalogMigrations } from '../catalog/migrations.ts';
import { searchMigrations } from '../catalog/search/migrations.ts';
import { usageMigrations } from '../usage/migrations.ts';
import { procurementMigrations } from '../procurement/migrations.ts';
import { accountsMigrations } from '../accounts/migrations.ts';
import { oversightMigrations } from '../oversight/migrations.ts';
import { bookingMigrations } from '../booking/migrations.ts';
import { hubTables, vacuumAnalyze } from './table-upkeep.ts';
import { facilityMigrations } from '../booking/facility-migrations.ts';
import { leasingMigrations } from '../leasing/migrations.ts';
import { schedulingMigrations } from '../scheduling/migrations.ts';

export interface NamedMigration extends Knex.Migration { name: string }

const ALL_MIGRATIONS: readonly NamedMigration[] = [...registryMigrations, ...catalogMigrations, ...searchMigrations, ...usageMigrations, ...procurementMigrations, ...accountsMigrations, ...bookingMigrations, ...facilityMigrations, ...oversightMigrations, ...leasingMigrations, ...schedulingMigrations]
  .sort((a, b) => a.name.localeCompare(b.name));

const source: Knex.MigrationSource<NamedMigration> = {
  getMigrations: async () => [...ALL_MIGRATIONS],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};

export async function migrateHubDatabase(db: Knex): Promise<void> {
  const [, applied] = await db.migrate.latest({ migrationSource: source, tableName: 'irhub_migrations' }) as [number, string[]];
  // a migration that builds an index or rewrites rows leaves the planner without statistics for it
  if (applied.length > 0) await vacuumAnalyze(db, await hubTables(db));
}
