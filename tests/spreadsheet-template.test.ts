/** The spreadsheet kind reads the template institutions export, as CSV or XLSX. */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { createSpreadsheetAdapter } from '../connectors/spreadsheet/spreadsheet-connector.ts';
import { parseSpreadsheetConfig } from '../connectors/spreadsheet/config.ts';
import { parseCsv } from '../connectors/spreadsheet/csv.ts';
import { checkConformance } from '../connectors/sdk/conformance.ts';
import { readHarvestPage } from '../connectors/sdk/serve-connector.ts';
import { tempDir } from './support/test-hub.ts';

const temp = tempDir();
afterAll(() => temp.remove());

describe('spreadsheet connector', () => {
  it('reads the shipped template into valid instruments and passes the conformance kit', async () => {
    const file = path.join(temp.dir, 'template.csv');
    copyFileSync(new URL('../connectors/spreadsheet/template/instruments.csv', import.meta.url), file);
    const adapter = createSpreadsheetAdapter('tpl', parseSpreadsheetConfig('tpl', { file: 'template.csv' }, temp.dir));
    const page = await readHarvestPage('tpl', adapter, undefined, { limit: 10 });
    expect(page.rejected).toEqual([]);
    expect(page.instruments.map((i) => [i.localId, i.model, i.originalValue, i.sharing, i.declaredStatus])).toEqual([
      ['EX-0001', 'Sigma 300', '2865000.00', 'OPEN', 'IN_USE'],
      ['EX-0002', 'D8 ADVANCE', '1580000.00', 'INTERNAL', 'IDLE'],
    ]);
    const report = await checkConformance(adapter, { sourceId: 'tpl', pageSize: 1 });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.instruments).toBe(2);
  });

  it('parses quoted commas, doubled quotes and line breaks, with or without BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi""\nthere"\r\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"\nthere']]);
    expect(parseCsv('a,b\nc,d')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('reads an XLSX with English headers, typed cells and several institutions, keeping unknown columns as extra specs', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('设备清单');
    sheet.addRow(['local_id', 'name', 'category', 'institution', 'purchase_date', 'original_value_wan', '校区']);
    sheet.addRow(['H-7', '流式细胞仪', '分析仪器', '深圳市人民医院', new Date(Date.UTC(2021, 4, 6)), 98.5, '东门']);
    sheet.addRow(['T-9', '万能材料试验机', '物理性能测试仪器', '深圳市计量质量检测研究院', '2015-07', 60, '']);
    const file = path.join(temp.dir, 'multi.xlsx');
    await workbook.xlsx.writeFile(file);
    const adapter = createSpreadsheetAdapter('multi', { file });
    const page = await readHarvestPage('multi', adapter, undefined, { limit: 10 });
    expect(page.rejected).toEqual([]);
    expect(page.instruments.map((i) => [i.institution.name, i.purchaseDate, i.originalValue, i.extra])).toEqual([
      ['深圳市人民医院', '2021-05-06', '985000.00', { 校区: '东门' }],
      ['深圳市计量质量检测研究院', '2015-07-01', '600000.00', {}],
    ]);
  });

  it('names the missing columns, a duplicated 仪器编号, and a missing file', async () => {
    const noName = path.join(temp.dir, 'no-name.csv');
    writeFileSync(noName, '仪器编号,分类\nA,分析仪器\n');
    await expect(createSpreadsheetAdapter('s', { file: noName }).listInstruments({ limit: 10 }))
      .rejects.toThrow(/no-name\.csv has no column 仪器名称 \(name\), 所属单位 \(institution\); a file of one institution .* defaults\.institution/);

    const dup = path.join(temp.dir, 'dup.csv');
    writeFileSync(dup, '仪器编号,仪器名称,分类,所属单位\nA,气相色谱仪,分析仪器,X\nA,液相色谱仪,分析仪器,X\n');
    const page = await createSpreadsheetAdapter('s', { file: dup }).listInstruments({ limit: 10 });
    expect(page.records).toHaveLength(1);
    expect(page.unreadable).toEqual([{ ref: 'dup.csv row 3', field: 'local_id', reason: 'duplicate 仪器编号 "A", first used in row 2' }]);

    await expect(createSpreadsheetAdapter('s', { file: path.join(temp.dir, 'gone.csv') }).listInstruments({ limit: 10 })).rejects.toThrow(/source s: cannot read .*gone\.csv \(ENOENT\)/);
  });
});
