/** Raw SQL for oversight's aggregates: the rows of a statement, the same on PGlite and server PostgreSQL. */
import type { Knex } from 'knex';

export async function rawRows<T>(db: Knex, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const result = await db.raw(sql, bindings as Knex.RawBinding[]) as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : result.rows ?? [];
}
