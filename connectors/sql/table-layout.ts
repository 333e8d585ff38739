/**
 * What the owner's tables actually look like, read from information_schema when a source is
 * opened, and the check that every column the config names is there (and, where the
 * connector compares times, is a time). A wrong mapping fails at registration, naming the
 * source, the column, what it was mapped to and the table, never at the first harvest.
 */
import type { Knex } from 'knex';
import { ConnectorError } from '../sdk/contract.ts';

export interface ColumnInfo {
  name: string;
  dataType: string;
  /** serial, identity or a default: an insert may leave it out and read it back */
  assignedByDatabase: boolean;
}

/** A column the config relies on and what for: "mapped to model", "calendar.fromColumn". */
export interface ColumnUse {
  column: string;
  role: string;
  /** the connector compares it with instants */
  temporal?: boolean;
}

const TEMPORAL_TYPES = new Set(['timestamp with time zone', 'timestamp without time zone', 'date']);

export async function readColumns(db: Knex, schema: string, table: string): Promise<ColumnInfo[]> {
  const rows: Array<{ column_name: string; data_type: string; column_default: string | null; is_identity: string | null }> = await db
    .from('information_schema.columns')
    .select('column_name', 'data_type', 'column_default', 'is_identity')
    .where({ table_schema: schema, table_name: table })
    .orderBy('ordinal_position');
  return rows.map((r) => ({ name: r.column_name, dataType: r.data_type, assignedByDatabase: r.column_default !== null || r.is_identity === 'YES' }));
}

export async function readTableNames(db: Knex, schema: string): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await db
    .from('information_schema.tables')
    .select('table_name')
    .where({ table_schema: schema })
    .orderBy('table_name');
  return rows.map((r) => r.table_name);
}

function listed(names: readonly string[], limit = 40): string {
  if (names.length === 0) return 'none';
  return names.length > limit ? `${names.slice(0, limit).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

export function missingTableError(sourceId: string, schema: string, table: string, role: string, tablesThere: readonly string[]): ConnectorError {
  return new ConnectorError(`source ${sourceId}: table "${table}" (${role}) does not exist in schema ${schema} (its tables: ${listed(tablesThere)})`, 'CONFIG');
}

/** Throw a CONFIG error naming every used column the table lacks, or that holds no time where one is needed. */
export function checkColumns(sourceId: string, table: string, columns: readonly ColumnInfo[], uses: readonly ColumnUse[]): void {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const missing = uses.filter((u) => !byName.has(u.column));
  if (missing.length > 0) {
    const names = missing.map((u) => `"${u.column}" (${u.role})`).join(', ');
    const verb = missing.length === 1 ? 'column' : 'columns';
    const exist = missing.length === 1 ? 'does not exist' : 'do not exist';
    throw new ConnectorError(`source ${sourceId}: ${verb} ${names} ${exist} in table ${table} (its columns: ${listed(columns.map((c) => c.name))})`, 'CONFIG');
  }
  for (const use of uses) {
    const info = byName.get(use.column)!;
    if (use.temporal && !TEMPORAL_TYPES.has(info.dataType)) {
      throw new ConnectorError(`source ${sourceId}: column "${use.column}" (${use.role}) in table ${table} is ${info.dataType}; it must be a timestamp or date column`, 'CONFIG');
    }
  }
}
