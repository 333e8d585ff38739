/**
 * A national sheet written as it arrives (exceljs' streaming WorkbookWriter), so a city's
 * hundred thousand rows never sit in memory. The header row carries the national headers in
 * their order; numeric columns are written as numbers. Past the xlsx limit of 1,048,576 rows
 * the rows go on in a second worksheet with the same headers.
 */
import ExcelJS from 'exceljs';

export interface SheetColumn { header: string; numeric: boolean }

const MAX_ROWS_PER_SHEET = 1_048_575;

export async function writeNationalSheet(file: string, sheetName: string, columns: readonly SheetColumn[], rows: AsyncIterable<ReadonlyArray<string | null>>): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  let sheet: ExcelJS.Worksheet | null = null;
  let sheets = 0;
  let inSheet = 0;
  let written = 0;
  const newSheet = async () => {
    if (sheet) await sheet.commit();
    sheets++;
    sheet = workbook.addWorksheet(sheets === 1 ? sheetName : `${sheetName} (${sheets})`);
    sheet.addRow(columns.map((c) => c.header)).commit();
    inSheet = 0;
    return sheet;
  };
  let current = await newSheet();
  for await (const cells of rows) {
    if (inSheet === MAX_ROWS_PER_SHEET) current = await newSheet();
    current.addRow(cells.map((cell, i) => (cell === null ? null : columns[i]?.numeric ? Number(cell) : cell))).commit();
    inSheet++;
    written++;
  }
  await current.commit();
  await workbook.commit();
  return written;
}
