/**
 * The small institutions' export in its template layout (the same columns and cells as the
 * spreadsheet) as a table of an SQL source, in PGlite: an inventory too large for a spreadsheet
 * source (which is read whole, so bounded in size) — the benchmarks' million instruments. Rows
 * are written as they are generated, a batch at a time, so no inventory is ever held whole.
 */
import { PGlite } from '@electric-sql/pglite';
import { CANONICAL_FIELDS } from '../sdk/fields.ts';
import type { DemoInstrumentRow } from './inventory-generator.ts';
import { SHEET_COLUMNS } from './small-institutions-sheet.ts';

const TABLE = '大型仪器设备';
const BATCH = 500;
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function writeSmallInstitutionsDatabase(dataDir: string, rows: Iterable<DemoInstrumentRow>): Promise<void> {
  const db = await PGlite.create(dataDir);
  const [idColumn, ...otherColumns] = SHEET_COLUMNS.map((c) => quoted(CANONICAL_FIELDS[c]));
  await db.exec(`create table ${quoted(TABLE)} (${idColumn} text primary key, ${otherColumns.map((c) => `${c} text`).join(', ')})`);
  const cell = (value: string | number | null) => (value === null ? null : String(value));
  const width = SHEET_COLUMNS.length;
  await db.transaction(async (tx) => {
    let batch: DemoInstrumentRow[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const tuples = batch.map((_, i) => `(${SHEET_COLUMNS.map((_, j) => `$${i * width + j + 1}`).join(',')})`);
      await tx.query(`insert into ${quoted(TABLE)} values ${tuples.join(',')}`, batch.flatMap((r) => SHEET_COLUMNS.map((c) => cell(r[c]))));
      batch = [];
    };
    for (const r of rows) {
      batch.push(r);
      if (batch.length === BATCH) await flush();
    }
    await flush();
  });
  await db.close();
}

/** The `sql` source config that reads it: each template column feeds its canonical field. */
export function smallInstitutionsDatabaseConfig(dataDir: string): Record<string, unknown> {
  return {
    connection: { client: 'pglite', dataDir },
    table: TABLE,
    fields: Object.fromEntries(SHEET_COLUMNS.map((c) => [c, CANONICAL_FIELDS[c]])),
  };
}
