/**
 * The `sql` connector kind: an owner's asset database, read through a JSON mapping and no
 * code. Opening it checks the owner's tables against the config; listing pages by local id;
 * live status and the calendar come from the status column and the owner's reservation
 * table, and hub bookings are written into that table. Every table and column name reaches
 * SQL as a knex identifier, never spliced into a query string.
 */
import type { Knex } from 'knex';
import { declaredStatuses } from '../../schema/terms.ts';
import type { BusyInterval, ConnectorAdapter, LiveStatusRecord, ListRequest, SourcePage } from '../sdk/contract.ts';
import { mapRecord } from '../sdk/mapping.ts';
import type { SqlSourceConfig } from './config.ts';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.ts';
import { liveStateOf } from './live-state.ts';
import { databaseError, openOwnerDatabase, type OwnerDatabase } from './owner-database.ts';
import { ReservationTable } from './reservation-table.ts';
import { checkColumns, missingTableError, readColumns, readTableNames, type ColumnUse } from './table-layout.ts';

const BUSY_HORIZON_MS = 7 * 24 * 3600_000;

type Row = Record<string, unknown>;

/** How an unmapped column's value reads as an extra spec. */
function extraText(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

/** Check the owner's tables against the config; returns the reservation table when one is configured. */
async function checkOwnerTables(sourceId: string, db: Knex, config: SqlSourceConfig): Promise<ReservationTable | undefined> {
  const columns = await readColumns(db, config.schema, config.table);
  if (columns.length === 0) throw missingTableError(sourceId, config.schema, config.table, 'table', await readTableNames(db, config.schema));
  const uses: ColumnUse[] = Object.entries(config.fields).map(([field, column]) => ({ column, role: `mapped to ${field}`, temporal: field === 'updated_at' }));
  checkColumns(sourceId, config.table, columns, uses);

  const calendar = config.calendar;
  if (!calendar) return undefined;
  const calendarColumns = await readColumns(db, config.schema, calendar.table);
  if (calendarColumns.length === 0) throw missingTableError(sourceId, config.schema, calendar.table, 'calendar.table', await readTableNames(db, config.schema));
  const optional = (['refColumn', 'holderColumn', 'purposeColumn', 'statusColumn'] as const)
    .flatMap((key) => (calendar[key] ? [{ column: calendar[key], role: `calendar.${key}` }] : []));
  checkColumns(sourceId, calendar.table, calendarColumns, [
    { column: calendar.instrumentColumn, role: 'calendar.instrumentColumn' },
    { column: calendar.fromColumn, role: 'calendar.fromColumn', temporal: true },
    { column: calendar.toColumn, role: 'calendar.toColumn', temporal: true },
    ...optional,
  ]);
  const refAssignedByDatabase = calendarColumns.some((c) => c.name === calendar.refColumn && c.assignedByDatabase);
  return new ReservationTable(sourceId, db, config.schema, calendar, refAssignedByDatabase);
}

function sqlAdapter(sourceId: string, config: SqlSourceConfig, owner: OwnerDatabase, reservations: ReservationTable | undefined): ConnectorAdapter {
  const { db } = owner;
  const { schema, table, fields } = config;
  const idColumn = fields.local_id!;
  const updatedColumn = fields.updated_at;
  const statusColumn = fields.status;
  const mappedColumns = new Set(Object.values(fields));
  const instruments = () => db.withSchema(schema).from(table);

  const changedSince = (since: Date | undefined) => (query: Knex.QueryBuilder) => {
    if (since && updatedColumn) query.where(updatedColumn, '>', since);
  };

  async function countListing(since: Date | undefined): Promise<{ total: number; withoutId: number }> {
    const [row]: Row[] = await instruments()
      .modify(changedSince(since))
      .select(db.raw('count(*)::int as total'), db.raw('(count(*) filter (where ?? is null))::int as without_id', [idColumn]));
    return { total: Number(row.total), withoutId: Number(row.without_id) };
  }

  function toRecord(row: Row, extraNames: readonly string[]) {
    const read = (column: string) => (mappedColumns.has(column) ? row[column] : extraText(row[column]));
    return mapRecord(`${table} ${String(row[idColumn])}`, read, config, extraNames);
  }

  /** The status column through the same value map the listing applies. */
  function declaredStatusOf(raw: unknown) {
    if (!statusColumn) return null;
    const mapped = mapRecord('', () => raw, { fields: { status: statusColumn }, values: config.values }).values.status;
    return mapped === null || mapped === undefined ? null : declaredStatuses.resolve(String(mapped));
  }

  const adapter: ConnectorAdapter = {
    incremental: updatedColumn !== undefined,

    async listInstruments(request: ListRequest): Promise<SourcePage> {
      const firstPage = request.cursor === undefined;
      const after = request.cursor === undefined ? null : decodeKeysetCursor(sourceId, request.cursor);
      const since = updatedColumn ? request.since : undefined;
      const result: SourcePage = { records: [] };
      try {
        let room = request.limit;
        if (firstPage) {
          const { total, withoutId } = await countListing(since);
          result.totalEstimate = total - withoutId;
          if (withoutId > 0) {
            // rows without a local id cannot be paged by it: reported once, in the first page's room
            result.unreadable = [{ ref: `${withoutId} rows of ${table}`, field: 'local_id', reason: `no value in column ${idColumn}` }];
            room--;
          }
        }
        const rows: Row[] = await instruments()
          .select('*')
          .whereNotNull(idColumn)
          .modify((query) => {
            if (after !== null) query.where(idColumn, '>', after);
          })
          .modify(changedSince(since))
          .orderBy(idColumn)
          .limit(room + 1);
        const page = rows.slice(0, room);
        const extraNames = page.length > 0 ? Object.keys(page[0]).filter((column) => !mappedColumns.has(column)) : [];
        result.records = page.map((row) => toRecord(row, extraNames));
        const lastId = page.length > 0 ? String(page[page.length - 1][idColumn]) : after;
        result.nextCursor = rows.length > room ? encodeKeysetCursor(lastId) : null;
        return result;
      } catch (error) {
        throw databaseError(sourceId, `listing ${table}`, error);
      }
    },

    async liveStatus(localIds: readonly string[]): Promise<Map<string, LiveStatusRecord>> {
      const live = new Map<string, LiveStatusRecord>();
      if (localIds.length === 0 || (!statusColumn && !reservations)) return live;
      const ids = [...new Set(localIds)];
      const now = new Date();
      let rows: Row[];
      try {
        rows = await instruments().select(statusColumn ? { id: idColumn, status: statusColumn } : { id: idColumn }).whereIn(idColumn, ids);
      } catch (error) {
        throw databaseError(sourceId, `reading status from ${table}`, error);
      }
      const busy = reservations ? await reservations.busyByInstrument(ids, now, new Date(now.getTime() + BUSY_HORIZON_MS)) : undefined;
      for (const row of rows) {
        const id = String(row.id);
        const intervals = busy?.get(id) ?? [];
        const state = liveStateOf({
          declared: declaredStatusOf(row.status),
          hasCalendar: reservations !== undefined,
          reservedNow: intervals.some((b) => b.from <= now && now < b.to),
        });
        live.set(id, { state, observedAt: now, busy: busy ? intervals : undefined });
      }
      return live;
    },

    async calendar(localId: string, from: Date, to: Date): Promise<BusyInterval[]> {
      if (!reservations) return [];
      return (await reservations.busyByInstrument([localId], from, to)).get(localId) ?? [];
    },

    close: () => owner.close(),
  };
  if (reservations?.takesBookings) {
    adapter.placeBooking = (booking) => reservations.place(booking, { table, idColumn });
    adapter.cancelBooking = (externalRef) => reservations.cancel(externalRef);
  }
  return adapter;
}

/** Connect to the owner's database and check its tables against the config before anything is served. */
export async function openSqlAdapter(sourceId: string, config: SqlSourceConfig): Promise<ConnectorAdapter> {
  const owner = await openOwnerDatabase(sourceId, config.connection);
  try {
    const reservations = await checkOwnerTables(sourceId, owner.db, config);
    return sqlAdapter(sourceId, config, owner, reservations);
  } catch (error) {
    await owner.close();
    throw databaseError(sourceId, `checking the tables of ${owner.describe}`, error);
  }
}
