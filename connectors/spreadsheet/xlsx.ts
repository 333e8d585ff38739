/** The cells of one XLSX sheet as plain values: dates stay Dates, numbers numbers, the rest text. */
import { on } from 'node:events';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';

export type CellValue = string | number | Date | null;

function plain(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if ('richText' in value) return value.richText.map((t) => t.text).join('');
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : plain(value.text as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) return plain((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ('error' in value) return null;
  return String(value);
}

/** an XLSX is a zip, and a zip ends with a directory of its entries, whose record opens with these bytes */
const END_OF_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/** the record (22 bytes) and the longest comment a zip may carry after it */
const END_OF_DIRECTORY_SPAN = 22 + 65_535;

/**
 * A streaming reader goes through a zip's entries in order and never reaches the directory at its
 * end; given a copy cut short, it waits for the rest of an entry that never comes. The end is
 * looked for first, so such a file is refused at once.
 */
async function ensureZipComplete(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, END_OF_DIRECTORY_SPAN);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    if (tail.lastIndexOf(END_OF_DIRECTORY) < 0) throw new Error('is not a whole XLSX file: the end of its zip is missing (was the copy cut short?)');
  } finally {
    await handle.close();
  }
}

/** a row of a sheet with its number as the spreadsheet program shows it (from 1) */
export interface NumberedRow { number: number; cells: CellValue[] }

/** what the reading thread sends: rows a batch at a time, then the end or what stopped it */
export type SheetRowsMessage = { rows: NumberedRow[] } | { end: true } | { error: string };

export interface SheetRowsRequest { file: string; sheetName?: string }

/**
 * The thread starts from JavaScript that registers tsx's loader and then loads the reader's
 * TypeScript: a worker does not inherit the loader of the process that starts it. tsx's API is
 * taken as ES module (its package gives `index.mjs` to `import` beside `index.cjs` to `require`).
 */
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const THREAD_START = `import(${JSON.stringify(TSX_API)}).then(({ register }) => {
  register();
  return import(${JSON.stringify(new URL('./xlsx-reader-thread.ts', import.meta.url).href)});
});`;

/**
 * The rows of a sheet as they are read, on a thread of their own: reading a large XLSX is seconds
 * of unzipping and XML parsing (4–5 s for 100,000 rows), which would otherwise hold up this thread's
 * requests and the harvest that writes the rows already read.
 */
export async function* xlsxRows(file: string, sheetName?: string): AsyncGenerator<NumberedRow> {
  await ensureZipComplete(file);
  const worker = new Worker(THREAD_START, { eval: true, workerData: { file, sheetName } satisfies SheetRowsRequest });
  try {
    // the thread's messages are kept until asked for, and an error of the thread is thrown here
    for await (const [message] of on(worker, 'message', { close: ['exit'] }) as AsyncIterable<[SheetRowsMessage]>) {
      if ('rows' in message) yield* message.rows;
      else if ('end' in message) return;
      else throw new Error(message.error);
    }
    throw new Error('could not be read (the reading thread stopped before the end of the sheet)');
  } finally {
    await worker.terminate();
  }
}

/** the whole sheet, row n at index n - 1 (an empty array where the sheet has no cell) */
export async function readXlsx(file: string, sheetName?: string): Promise<CellValue[][]> {
  const rows: CellValue[][] = [];
  for await (const row of xlsxRows(file, sheetName)) rows[row.number - 1] = row.cells;
  return Array.from(rows, (r) => r ?? []);
}

/**
 * The rows of a sheet as this thread reads them, with ExcelJS's streaming reader: the whole-workbook
 * model keeps every cell's style and address objects, which for a 100,000-row sheet cost 1.2 GB and
 * twice the CPU (8.6 s against 4.8 s). Styles are cached all the same, so a cell formatted as a date
 * still reads as a Date. Rows without a cell are left out.
 */
export async function* readSheetRows(file: string, sheetName?: string): AsyncGenerator<NumberedRow> {
  const input = createReadStream(file);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  const seen: string[] = [];
  try {
    for await (const worksheet of reader) {
      // the typings leave out the name the reader gives each sheet from the workbook's list
      const { name } = worksheet as typeof worksheet & { name: string };
      seen.push(name);
      if (sheetName !== undefined && name !== sheetName) {
        // the zip is read in order: a sheet passed over is still read through to reach the next
        for await (const row of worksheet) void row;
        continue;
      }
      for await (const row of worksheet) {
        // values are numbered from column 1, with holes where a row has no cell
        const values = row.values as ExcelJS.CellValue[];
        const cells: CellValue[] = new Array<CellValue>(Math.max(values.length - 1, 0));
        for (let column = 1; column < values.length; column++) cells[column - 1] = plain(values[column]);
        yield { number: row.number, cells };
      }
      return;
    }
  } finally {
    input.destroy();
  }
  throw new Error(sheetName !== undefined ? `has no sheet named "${sheetName}" (sheets: ${seen.join(', ')})` : 'has no sheet');
}
