/**
 * A spreadsheet export as a source. The file is read when listing, so a re-export is picked
 * up by the next harvest; its records are kept by the file's mtime and size. A spreadsheet
 * has no live system behind it: live state is the declared 运行状态, as of the file's date.
 */
import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { declaredStatuses } from '../../schema/terms.ts';
import { ConnectorError, type ConnectorAdapter, type LiveStatusRecord, type SourceRecord } from '../sdk/contract.ts';
import type { SpreadsheetSourceConfig } from './config.ts';
import { decodeCsv, parseCsv } from './csv.ts';
import { readHeader } from './headers.ts';
import { xlsxRows, type CellValue, type NumberedRow } from './xlsx.ts';
import { SheetReading } from './sheet-reading.ts';

function isEmptyRow(row: readonly CellValue[]): boolean {
  return row.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

/** a spreadsheet is read whole into memory at every harvest: this bounds what one file can cost (about 200,000 rows of CSV) */
export const MAX_SPREADSHEET_BYTES = 64 * 1_048_576;

/** a CSV file's rows, numbered as a spreadsheet program shows them */
function* csvRows(bytes: Uint8Array): Generator<NumberedRow> {
  const rows = parseCsv(decodeCsv(bytes));
  for (let i = 0; i < rows.length; i++) yield { number: i + 1, cells: rows[i] };
}

export function createSpreadsheetAdapter(sourceId: string, config: SpreadsheetSourceConfig): ConnectorAdapter {
  const fileName = path.basename(config.file);
  let cache: SheetReading | null = null;

  /** the file's reading, begun afresh when the file changed since the last (or that one failed) */
  async function load(): Promise<SheetReading> {
    let info;
    try {
      info = await stat(config.file);
    } catch (error) {
      throw new ConnectorError(`source ${sourceId}: cannot read ${config.file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'UNREACHABLE');
    }
    const key = `${info.mtimeMs}:${info.size}`;
    if (cache?.key === key && !cache.failed) return cache;
    if (info.size > MAX_SPREADSHEET_BYTES) {
      throw new ConnectorError(`source ${sourceId}: ${fileName} is ${(info.size / 1_048_576).toFixed(1)} MB; a spreadsheet source holds at most ${MAX_SPREADSHEET_BYTES / 1_048_576} MB (split it, or connect the owner's database or API instead)`, 'SOURCE');
    }
    const reading = new SheetReading(key, info.mtime);
    cache = reading;
    // runs on while pages are served; what stops it is thrown to the page waiting for its rows
    readRecords(reading).catch((error: unknown) => reading.fail(error));
    return reading;
  }

  async function readRecords(reading: SheetReading): Promise<void> {
    let layout: ReturnType<typeof readHeader> | null = null;
    const firstRow = new Map<string, number>();
    try {
      const rows = /\.xlsx$/i.test(config.file) ? xlsxRows(config.file, config.sheet) : csvRows(await readFile(config.file));
      for await (const { number: rowNumber, cells: row } of rows) {
        if (isEmptyRow(row)) continue;
        if (layout === null) {
          layout = readHeader(sourceId, fileName, row, !config.defaults?.institution);
          continue;
        }
        // row numbers as the owner sees them in the spreadsheet program
        const record: SourceRecord = { ref: `${fileName} row ${rowNumber}`, values: {}, extra: {} };
        for (const [column, field] of layout.fields) record.values[field] = row[column] ?? null;
        for (const [column, header] of layout.extra) {
          const value = row[column];
          if (value !== null && value !== undefined && String(value).trim() !== '') record.extra![header] = value instanceof Date ? value.toISOString().slice(0, 10) : String(value).trim();
        }
        const localId = record.values.local_id === null || record.values.local_id === undefined ? '' : String(record.values.local_id).trim();
        if (localId && firstRow.has(localId)) {
          reading.reject({ ref: record.ref, field: 'local_id', reason: `duplicate 仪器编号 "${localId}", first used in row ${firstRow.get(localId)}` });
          continue;
        }
        if (localId) firstRow.set(localId, rowNumber);
        reading.add(record, localId);
      }
    } catch (error) {
      throw error instanceof ConnectorError ? error : new ConnectorError(`source ${sourceId}: ${fileName} ${error instanceof Error ? error.message : String(error)}`, 'MALFORMED');
    }
    if (layout === null) throw new ConnectorError(`source ${sourceId}: ${fileName} is empty`, 'SOURCE');
    reading.finish();
  }

  return {
    incremental: false,
    async listInstruments({ cursor, limit }) {
      const start = cursor ? Number(cursor) : 0;
      if (!Number.isInteger(start) || start < 0) throw new ConnectorError(`source ${sourceId}: bad cursor "${cursor}"`, 'SOURCE');
      return (await load()).page(start, limit);
    },
    async liveStatus(localIds) {
      const sheet = await load();
      await sheet.reached(Infinity);
      const statuses = new Map<string, LiveStatusRecord>();
      for (const id of localIds) {
        const status = sheet.byLocalId.get(id)?.values.status;
        const state = status === null || status === undefined ? null : declaredStatuses.resolve(String(status));
        if (state) statuses.set(id, { state, observedAt: sheet.modifiedAt, busy: [] });
      }
      return statuses;
    },
    async calendar() {
      return [];
    },
  };
}
