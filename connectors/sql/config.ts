/**
 * The JSON config of an `sql` source: where the owner's asset database is, which table lists
 * the instruments, which column feeds which canonical field, and optionally the owner's
 * reservation table, which gives live use and takes bookings.
 *
 * {
 *   "connection": { "client": "pg", "connectionString": "postgres://…" } | { "client": "pglite", "dataDir": "…" },
 *   "table": "仪器设备", "schema": "public",
 *   "fields": { "local_id": "资产编号", "name": "设备名称", … }, "values": { "status": { "使用中": "IN_USE" } },
 *   "defaults": { "institution": "深圳大学", … },
 *   "calendar": { "table": "预约记录", "instrumentColumn": "资产编号", "fromColumn": "开始时间", "toColumn": "结束时间",
 *                 "refColumn": "预约编号", "holderColumn": "预约人", "purposeColumn": "用途",
 *                 "statusColumn": "状态", "activeValues": ["已确认"] }
 * }
 */
import path from 'node:path';
import { ConfigReader } from '../sdk/config-reader.ts';
import { MAPPING_CONFIG_KEYS, readMappingConfig } from '../sdk/mapping-config.ts';
import type { MappingConfig } from '../sdk/mapping.ts';

export type SqlConnectionConfig =
  | { client: 'pg'; connectionString: string }
  | { client: 'pglite'; dataDir: string };

export interface SqlCalendarConfig {
  table: string;
  instrumentColumn: string;
  fromColumn: string;
  toColumn: string;
  /** the reservation's own id; with it the connector writes bookings back */
  refColumn?: string;
  holderColumn?: string;
  purposeColumn?: string;
  /** with activeValues: only rows whose status is one of them hold a slot */
  statusColumn?: string;
  activeValues?: string[];
}

export interface SqlSourceConfig extends MappingConfig {
  connection: SqlConnectionConfig;
  table: string;
  /** the schema of both the instrument table and the calendar table; "public" unless given */
  schema: string;
  calendar?: SqlCalendarConfig;
}

function readConnection(config: ConfigReader, baseDir: string): SqlConnectionConfig {
  const connection = config.object('connection');
  const client = connection.oneOf('client', ['pg', 'pglite']);
  if (client === 'pg') {
    connection.allowOnly(['client', 'connectionString']);
    const connectionString = connection.string('connectionString');
    if (!/^postgres(ql)?:\/\//.test(connectionString)) connection.fail('connectionString', 'must start with postgres:// or postgresql://');
    return { client, connectionString };
  }
  connection.allowOnly(['client', 'dataDir']);
  return { client, dataDir: path.resolve(baseDir, connection.string('dataDir')) };
}

function readCalendar(config: ConfigReader): SqlCalendarConfig | undefined {
  const calendar = config.optionalObject('calendar');
  if (!calendar) return undefined;
  calendar.allowOnly(['table', 'instrumentColumn', 'fromColumn', 'toColumn', 'refColumn', 'holderColumn', 'purposeColumn', 'statusColumn', 'activeValues']);
  const statusColumn = calendar.optionalString('statusColumn');
  const activeValues = calendar.optionalStringList('activeValues');
  // a status column alone cannot tell which rows hold a slot, and active values need a column to read
  if (statusColumn && !activeValues) calendar.fail('activeValues', 'is missing: with statusColumn, list the statuses that hold a slot (e.g. ["已确认"])');
  if (activeValues && !statusColumn) calendar.fail('statusColumn', 'is missing: activeValues need the column they are read from');
  return {
    table: calendar.string('table'),
    instrumentColumn: calendar.string('instrumentColumn'),
    fromColumn: calendar.string('fromColumn'),
    toColumn: calendar.string('toColumn'),
    refColumn: calendar.optionalString('refColumn'),
    holderColumn: calendar.optionalString('holderColumn'),
    purposeColumn: calendar.optionalString('purposeColumn'),
    statusColumn,
    activeValues,
  };
}

/** Read and check an `sql` source's config; relative PGlite data directories resolve against baseDir. */
export function parseSqlConfig(sourceId: string, json: unknown, baseDir: string): SqlSourceConfig {
  const config = ConfigReader.of(sourceId, json);
  config.allowOnly(['connection', 'table', 'schema', 'calendar', ...MAPPING_CONFIG_KEYS]);
  return {
    connection: readConnection(config, baseDir),
    table: config.string('table'),
    schema: config.optionalString('schema') ?? 'public',
    ...readMappingConfig(config),
    calendar: readCalendar(config),
  };
}
