/**
 * The hub's own PostgreSQL: embedded PGlite under the data directory by default, a server
 * when DATABASE_URL is set. Both get pg_trgm (the first catalog migration builds a trigram
 * index, dropped later) and btree_gist (the booking exclusion constraint).
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import knex, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import pg from 'pg';
import { migrateHubDatabase } from './migrate.ts';

// numeric stays a string (money must not become a float); bigint counts become numbers
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * knex-pglite names a delete's command "DEL", so knex hands back the raw response instead of
 * the row count it gives for every other dialect; this restores the count.
 */
class HubPGLiteClient extends (ClientPGLite as unknown as new (config: Knex.Config) => Knex.Client) {
  processResponse(obj: { method?: string; returning?: unknown }, runner: unknown): unknown {
    const out = (ClientPGLite.prototype as unknown as { processResponse(o: unknown, r: unknown): unknown }).processResponse.call(this, obj, runner);
    if (obj.method === 'del' && !obj.returning && out && typeof out === 'object' && 'rowCount' in out) return (out as { rowCount: number }).rowCount;
    return out;
  }
}

/** the advisory lock the hub's processes take to set a server database up, one for the whole database (extensions are) */
const STARTUP_LOCK = 0x69726875; // "irhu"

/** `work` while this process holds a session-level advisory lock, on a connection of its own outside the pool */
async function holdingStartupLock(databaseUrl: string, work: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK]);
    await work();
  } finally {
    // ending the session releases the lock even if unlocking fails
    await client.query('select pg_advisory_unlock($1)', [STARTUP_LOCK]).catch(() => undefined);
    await client.end();
  }
}

export interface DatabaseOptions {
  /** server PostgreSQL; when absent the embedded PGlite is used */
  databaseUrl?: string;
  /** where PGlite keeps its files; 'memory' for a throw-away database */
  dataDir?: string;
  /** a schema of its own inside a server database (tests run side by side) */
  schema?: string;
}

export interface HubDatabase {
  db: Knex;
  kind: 'pglite' | 'postgres';
  describe: string;
  close(): Promise<void>;
}

export async function openHubDatabase(options: DatabaseOptions): Promise<HubDatabase> {
  let db: Knex;
  let kind: HubDatabase['kind'];
  let describe: string;
  if (options.databaseUrl) {
    kind = 'postgres';
    describe = options.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    db = knex({
      client: 'pg',
      connection: options.databaseUrl,
      pool: { min: 0, max: 10 },
      searchPath: options.schema ? [options.schema, 'public'] : undefined,
    });
    // replicas starting together would race on "create extension" (a duplicate key in pg_extension)
    // and on the migrations: one at a time, the others then find everything done
    await holdingStartupLock(options.databaseUrl, async () => {
      if (options.schema) await db.raw('create schema if not exists ??', [options.schema]);
      await db.raw('create extension if not exists pg_trgm with schema public');
      await db.raw('create extension if not exists btree_gist with schema public');
      await migrateHubDatabase(db);
    });
  } else {
    kind = 'pglite';
    const dir = options.dataDir ?? 'memory';
    const pgDir = dir === 'memory' ? undefined : path.join(dir, 'pgdata');
    if (pgDir) mkdirSync(pgDir, { recursive: true });
    describe = pgDir ? `PGlite at ${pgDir}` : 'PGlite in memory';
    const pglite = await PGlite.create(pgDir, { extensions: { pg_trgm, btree_gist } });
    db = knex({ client: HubPGLiteClient as unknown as typeof Knex.Client, connection: { pglite } as Knex.StaticConnectionConfig });
    await db.raw('create extension if not exists pg_trgm');
    await db.raw('create extension if not exists btree_gist');
    await migrateHubDatabase(db);
  }
  return {
    db,
    kind,
    describe,
    async close() {
      if (options.schema && options.databaseUrl && options.schema.startsWith('irhub_test_')) {
        await db.raw('drop schema if exists ?? cascade', [options.schema]);
      }
      await db.destroy();
    },
  };
}
