/**
 * A spreadsheet export as a source. The file is read when listing, so a re-export is picked
 * up by the next harvest; parsed rows are cached by the file's mtime and size. A spreadsheet
 * has no live system behind it: live state is the declared 运行状态, as of the file's date.
 */
import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { declaredStatuses } from '../../schema/terms.ts';
import { ConnectorError, type ConnectorAdapter, type LiveStatusRecord, type SourceRecord, type UnreadableRecord } from '../sdk/contract.ts';
import type { SpreadsheetSourceConfig } from './config.ts';
import { decodeCsv, parseCsv } from './csv.ts';
import { readHeader } from './headers.ts';
import { readXlsx, type CellValue } from './xlsx.ts';

interface ParsedSheet {
  key: string;
  records: SourceRecord[];
  unreadable: UnreadableRecord[];
  byLocalId: Map<string, SourceRecord>;
  modifiedAt: Date;
}

function isEmptyRow(row: readonly CellValue[]): boolean {
  return row.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

/** a spreadsheet is read whole into memory at every harvest: this bounds what one file can cost (about 200,000 rows of CSV) */
export const MAX_SPREADSHEET_BYTES = 64 * 1_048_576;

export function createSpreadsheetAdapter(sourceId: string, config: SpreadsheetSourceConfig): ConnectorAdapter {
  const fileName = path.basename(config.file);
  let cache: ParsedSheet | null = null;

  async function load(): Promise<ParsedSheet> {
    let info;
    try {
      info = await stat(config.file);
    } catch (error) {
      throw new ConnectorError(`source ${sourceId}: cannot read ${config.file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'UNREACHABLE');
    }
    const key = `${info.mtimeMs}:${info.size}`;
    if (cache?.key === key) return cache;
    if (info.size > MAX_SPREADSHEET_BYTES) {
      throw new ConnectorError(`source ${sourceId}: ${fileName} is ${(info.size / 1_048_576).toFixed(1)} MB; a spreadsheet source holds at most ${MAX_SPREADSHEET_BYTES / 1_048_576} MB (split it, or connect the owner's database or API instead)`, 'SOURCE');
    }
    let rows: CellValue[][];
    try {
      rows = /\.xlsx$/i.test(config.file) ? await readXlsx(config.file, config.sheet) : parseCsv(decodeCsv(await readFile(config.file)));
    } catch (error) {
      throw new ConnectorError(`source ${sourceId}: ${fileName} ${error instanceof Error ? error.message : String(error)}`, 'MALFORMED');
    }
    const headerIndex = rows.findIndex((r) => !isEmptyRow(r));
    if (headerIndex < 0) throw new ConnectorError(`source ${sourceId}: ${fileName} is empty`, 'SOURCE');
    const layout = readHeader(sourceId, fileName, rows[headerIndex], !config.defaults?.institution);
    const records: SourceRecord[] = [];
    const unreadable: UnreadableRecord[] = [];
    const byLocalId = new Map<string, SourceRecord>();
    const firstRow = new Map<string, number>();
    for (let i = headerIndex + 1; i < rows.length; i++) {
      const row = rows[i];
      if (isEmptyRow(row)) continue;
      // row numbers as the owner sees them in the spreadsheet program
      const rowNumber = i + 1;
      const record: SourceRecord = { ref: `${fileName} row ${rowNumber}`, values: {}, extra: {} };
      for (const [column, field] of layout.fields) record.values[field] = row[column] ?? null;
      for (const [column, header] of layout.extra) {
        const value = row[column];
        if (value !== null && value !== undefined && String(value).trim() !== '') record.extra![header] = value instanceof Date ? value.toISOString().slice(0, 10) : String(value).trim();
      }
      const localId = record.values.local_id === null || record.values.local_id === undefined ? '' : String(record.values.local_id).trim();
      if (localId && firstRow.has(localId)) {
        unreadable.push({ ref: record.ref, field: 'local_id', reason: `duplicate 仪器编号 "${localId}", first used in row ${firstRow.get(localId)}` });
        continue;
      }
      if (localId) {
        firstRow.set(localId, rowNumber);
        byLocalId.set(localId, record);
      }
      records.push(record);
    }
    cache = { key, records, unreadable, byLocalId, modifiedAt: info.mtime };
    return cache;
  }

  return {
    incremental: false,
    async listInstruments({ cursor, limit }) {
      const sheet = await load();
      const start = cursor ? Number(cursor) : 0;
      if (!Number.isInteger(start) || start < 0) throw new ConnectorError(`source ${sourceId}: bad cursor "${cursor}"`, 'SOURCE');
      const end = Math.min(start + limit, sheet.records.length);
      return {
        records: sheet.records.slice(start, end),
        unreadable: start === 0 ? sheet.unreadable : [],
        nextCursor: end < sheet.records.length ? String(end) : null,
        totalEstimate: sheet.records.length,
      };
    },
    async liveStatus(localIds) {
      const sheet = await load();
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
