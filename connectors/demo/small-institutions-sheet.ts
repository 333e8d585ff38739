/** The small institutions' export: the template layout, Chinese headers, as CSV (with BOM) and XLSX. */
import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { CANONICAL_FIELDS, type CanonicalField } from '../sdk/fields.ts';
import type { DemoInstrumentRow } from './inventory-generator.ts';
import { csvCell } from '../spreadsheet/csv.ts';

/** the template's columns, in its order */
export const SHEET_COLUMNS: CanonicalField[] = ['local_id', 'name', 'name_en', 'model', 'manufacturer', 'country', 'category', 'original_value_wan',
  'purchase_date', 'institution', 'institution_type', 'district', 'address', 'sharing', 'status', 'external_rate', 'internal_rate',
  'contact_name', 'contact_phone', 'contact_email', 'specs', 'functions'];

/** `xlsxPath` null: CSV only (a million rows are more than an in-memory workbook should hold). */
export async function writeSmallInstitutionsSheet(csvPath: string, xlsxPath: string | null, rows: readonly DemoInstrumentRow[]): Promise<void> {
  const header = SHEET_COLUMNS.map((c) => CANONICAL_FIELDS[c]);
  const lines = [header.join(','), ...rows.map((r) => SHEET_COLUMNS.map((c) => csvCell(r[c])).join(','))];
  await writeFile(csvPath, `\uFEFF${lines.join('\r\n')}\r\n`);
  if (xlsxPath === null) return;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('大型仪器设备');
  sheet.addRow(header);
  for (const r of rows) sheet.addRow(SHEET_COLUMNS.map((c) => r[c]));
  await workbook.xlsx.writeFile(xlsxPath);
}
