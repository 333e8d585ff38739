/**
 * The connection to an owner's asset database: server PostgreSQL through `pg`, or a PGlite
 * data directory through `knex-pglite` (one connection, in this process). Both hand dates
 * back as 'YYYY-MM-DD' text, so a purchase date never shifts a day with the process's time
 * zone, and numerics as text, so money never becomes a float.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import { ConnectorError } from '../sdk/contract.ts';
import type { SqlConnectionConfig } from './config.ts';

const CONNECT_TIMEOUT_MS = 10_000;

export interface OwnerDatabase {
  db: Knex;
  /** where the database is, for messages; never the password */
  describe: string;
  close(): Promise<void>;
}

const dateAsText = (value: string) => value;

/** knex asks pg for text results only */
function pgTypeParser(oid: number): (value: string) => unknown {
  return oid === pg.types.builtins.DATE ? dateAsText : pg.types.getTypeParser(oid, 'text');
}

export function redactConnectionString(connectionString: string): string {
  return connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Errors that mean the database cannot be reached at all, as opposed to a failing query. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', '57P01', '57P03']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A database failure as a ConnectorError naming the source and what was being done. */
export function databaseError(sourceId: string, doing: string, error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  if ((code && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) || /Timeout acquiring a connection|Connection terminated/i.test(message)) {
    return new ConnectorError(`source ${sourceId}: database unreachable while ${doing}: ${message}`, 'UNREACHABLE');
  }
  // wrong password, role or database name: the config is wrong, not the owner's system
  if (code && (code.startsWith('28') || code === '3D000')) {
    return new ConnectorError(`source ${sourceId}: the database refused the connection while ${doing} (check connection.connectionString): ${message}`, 'CONFIG');
  }
  return new ConnectorError(`source ${sourceId}: query failed while ${doing}: ${message}`, 'SOURCE');
}

async function openPglite(sourceId: string, dataDir: string): Promise<OwnerDatabase> {
  // PGlite would silently create an empty database in a wrong directory
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new ConnectorError(`source ${sourceId}: database unreachable: no PGlite database in ${dataDir}`, 'UNREACHABLE');
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir, { parsers: { [pgliteTypes.DATE]: dateAsText } });
  } catch (error) {
    throw new ConnectorError(`source ${sourceId}: database unreachable: cannot open PGlite database in ${dataDir}: ${error instanceof Error ? error.message : String(error)}`, 'UNREACHABLE');
  }
  const db = knex({ client: ClientPGLite, connection: { pglite } as Knex.StaticConnectionConfig });
  return {
    db,
    describe: `PGlite database in ${dataDir}`,
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function openServer(sourceId: string, connectionString: string): Promise<OwnerDatabase> {
  const db = knex({
    client: 'pg',
    connection: { connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types: { getTypeParser: pgTypeParser } },
    pool: { min: 0, max: 4 },
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS + 2_000,
    // a failed connection reaches the hub as a ConnectorError naming the source; knex's warning would repeat it unnamed
    log: { warn: (message: string) => (message.startsWith('Acquire connection error') ? undefined : console.warn(message)) },
  });
  const describe = `database ${redactConnectionString(connectionString)}`;
  try {
    await db.raw('select 1');
  } catch (error) {
    await db.destroy();
    throw databaseError(sourceId, `connecting to ${describe}`, error);
  }
  return { db, describe, close: () => db.destroy() };
}

export function openOwnerDatabase(sourceId: string, connection: SqlConnectionConfig): Promise<OwnerDatabase> {
  return connection.client === 'pglite' ? openPglite(sourceId, connection.dataDir) : openServer(sourceId, connection.connectionString);
}
