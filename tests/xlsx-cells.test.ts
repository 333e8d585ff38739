/**
 * What an owner's XLSX holds reads as plain values: dates as Dates, rich text and formulas as what
 * they show, gaps as nulls, the named sheet (not the first) when the source names one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { readXlsx } from '../connectors/spreadsheet/xlsx.ts';
import { tempDir } from './support/test-hub.ts';

const dir = tempDir();
afterAll(() => dir.remove());

async function writeWorkbook(file: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const notes = workbook.addWorksheet('说明');
  notes.addRow(['本表为大型科研仪器清单']);
  const sheet = workbook.addWorksheet('仪器');
  sheet.addRow(['仪器编号', '仪器名称', '原值（万元）', '启用日期', '备注']);
  sheet.addRow(['A-1', { richText: [{ text: '场发射' }, { font: { bold: true }, text: '扫描电镜' }] }, 320.5, new Date(Date.UTC(2019, 8, 1)), null]);
  sheet.getCell('D2').numFmt = 'yyyy-mm-dd';
  // a row with a gap in its middle and a formula that Excel computed
  sheet.getCell('A4').value = 'A-2';
  sheet.getCell('C4').value = { formula: 'C2*2', result: 641 };
  sheet.getCell('E4').value = { text: '说明书', hyperlink: 'https://example.org/manual.pdf' };
  await workbook.xlsx.writeFile(file);
}

describe('reading an XLSX sheet', () => {
  it('reads the named sheet with dates, rich text, formula results, links and gaps as plain values', async () => {
    const file = path.join(dir.dir, 'inventory.xlsx');
    await writeWorkbook(file);
    const rows = await readXlsx(file, '仪器');
    expect(rows).toEqual([
      ['仪器编号', '仪器名称', '原值（万元）', '启用日期', '备注'],
      ['A-1', '场发射扫描电镜', 320.5, new Date(Date.UTC(2019, 8, 1))],
      [],
      ['A-2', null, 641, null, '说明书'],
    ]);
  });

  it('reads the first sheet when none is named, and names the sheets it has when the named one is missing', async () => {
    const file = path.join(dir.dir, 'inventory.xlsx');
    await writeWorkbook(file);
    expect(await readXlsx(file)).toEqual([['本表为大型科研仪器清单']]);
    await expect(readXlsx(file, 'Sheet1')).rejects.toThrow('has no sheet named "Sheet1" (sheets: 说明, 仪器)');
  });
});
