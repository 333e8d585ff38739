/**
 * The owner's own reservation table: which rows hold a slot (those whose status is one of the
 * active values), what is busy when, and writing a hub booking into it. A write locks the
 * table against other writers for its transaction, so the overlap check and the insert see
 * the same calendar, whoever else (the owner's own booking system included) writes to it.
 */
import type { Knex } from 'knex';
import { ConnectorError, type BookingWrite, type BusyInterval } from '../sdk/contract.ts';
import type { SqlCalendarConfig } from './config.ts';
import { databaseError } from './owner-database.ts';

type Row = Record<string, unknown>;

export interface InstrumentTable {
  table: string;
  idColumn: string;
}

function instant(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export class ReservationTable {
  constructor(
    private readonly sourceId: string,
    private readonly db: Knex,
    private readonly schema: string,
    readonly config: SqlCalendarConfig,
    /** the reference column is filled by the database (serial, identity, default) */
    private readonly refAssignedByDatabase: boolean,
  ) {}

  get takesBookings(): boolean {
    return this.config.refColumn !== undefined;
  }

  /** Active reservations of these instruments overlapping [from, to), oldest first. */
  private overlapping(query: Knex | Knex.Transaction, localIds: readonly string[], from: Date, to: Date): Knex.QueryBuilder {
    const c = this.config;
    const builder = query
      .withSchema(this.schema)
      .from(c.table)
      .whereIn(c.instrumentColumn, [...localIds])
      .where(c.fromColumn, '<', to)
      .where(c.toColumn, '>', from)
      .orderBy(c.fromColumn);
    return c.statusColumn && c.activeValues ? builder.whereIn(c.statusColumn, c.activeValues) : builder;
  }

  /** Busy intervals of many instruments in one query, keyed by local id. */
  async busyByInstrument(localIds: readonly string[], from: Date, to: Date): Promise<Map<string, BusyInterval[]>> {
    const c = this.config;
    const busy = new Map<string, BusyInterval[]>();
    if (localIds.length === 0) return busy;
    let rows: Row[];
    try {
      rows = await this.overlapping(this.db, localIds, from, to).select({ id: c.instrumentColumn, from: c.fromColumn, to: c.toColumn });
    } catch (error) {
      throw databaseError(this.sourceId, `reading reservations from ${c.table}`, error);
    }
    for (const row of rows) {
      const id = String(row.id);
      const list = busy.get(id) ?? [];
      list.push({ from: instant(row.from), to: instant(row.to) });
      busy.set(id, list);
    }
    return busy;
  }

  async place(booking: BookingWrite, instruments: InstrumentTable): Promise<{ externalRef: string }> {
    const c = this.config;
    const refColumn = c.refColumn;
    if (!refColumn) throw new ConnectorError(`source ${this.sourceId}: the calendar config has no refColumn, so the connector takes no bookings`, 'CONFIG');
    if (!(booking.from < booking.to)) throw new ConnectorError(`source ${this.sourceId}: booking ${booking.bookingId} ends before it starts`, 'SOURCE');
    try {
      return await this.db.transaction(async (trx) => {
        await trx.raw('lock table ??.?? in share row exclusive mode', [this.schema, c.table]);
        const instrument = await trx.withSchema(this.schema).from(instruments.table).where(instruments.idColumn, booking.localId).first(instruments.idColumn);
        if (!instrument) throw new ConnectorError(`source ${this.sourceId}: instrument ${booking.localId} is not in table ${instruments.table}`, 'SOURCE');
        if (!this.refAssignedByDatabase) {
          // the hub retries a write it did not hear back from: the same booking id is the same reservation
          const earlier: Row | undefined = await trx.withSchema(this.schema).from(c.table).where(refColumn, booking.bookingId).first(c.instrumentColumn);
          if (earlier && String(earlier[c.instrumentColumn]) === booking.localId) return { externalRef: booking.bookingId };
          if (earlier) throw new ConnectorError(`source ${this.sourceId}: reservation ${booking.bookingId} already exists in ${c.table} for another instrument`, 'SOURCE');
        }
        const clash: Row | undefined = await this.overlapping(trx, [booking.localId], booking.from, booking.to).first({ from: c.fromColumn, to: c.toColumn });
        if (clash) {
          throw new ConnectorError(`source ${this.sourceId}: slot taken in owner's system: instrument ${booking.localId} is reserved from ${instant(clash.from).toISOString()} to ${instant(clash.to).toISOString()}`, 'SOURCE');
        }
        const row: Row = { [c.instrumentColumn]: booking.localId, [c.fromColumn]: booking.from, [c.toColumn]: booking.to };
        if (!this.refAssignedByDatabase) row[refColumn] = booking.bookingId;
        if (c.holderColumn) row[c.holderColumn] = booking.holder;
        if (c.purposeColumn) row[c.purposeColumn] = booking.purpose;
        if (c.statusColumn && c.activeValues) row[c.statusColumn] = c.activeValues[0];
        const [inserted]: Row[] = await trx.withSchema(this.schema).into(c.table).insert(row).returning(refColumn);
        return { externalRef: String(inserted[refColumn]) };
      });
    } catch (error) {
      // the owner's own exclusion constraint caught an overlap the active values did not show
      if ((error as { code?: unknown }).code === '23P01') {
        throw new ConnectorError(`source ${this.sourceId}: slot taken in owner's system: ${error instanceof Error ? error.message : String(error)}`, 'SOURCE');
      }
      throw databaseError(this.sourceId, `writing booking ${booking.bookingId} to ${c.table}`, error);
    }
  }

  async cancel(externalRef: string): Promise<void> {
    const c = this.config;
    const refColumn = c.refColumn;
    if (!refColumn) throw new ConnectorError(`source ${this.sourceId}: the calendar config has no refColumn, so the connector cancels no bookings`, 'CONFIG');
    let deleted: Row[];
    try {
      // counted by the rows returned: knex-pglite does not report a deleted-row count
      deleted = await this.db.withSchema(this.schema).from(c.table).where(refColumn, externalRef).delete().returning(refColumn);
    } catch (error) {
      throw databaseError(this.sourceId, `cancelling reservation ${externalRef} in ${c.table}`, error);
    }
    if (deleted.length === 0) throw new ConnectorError(`source ${this.sourceId}: no reservation "${externalRef}" in ${c.table} to cancel`, 'SOURCE');
  }
}
