/**
 * `irhub procurement check plan.csv|xlsx --out report.html` against a running hub: every good
 * row checked, broken rows reported by row and field, an HTML and a CSV report written.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_SOURCE, addSourceInput, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { parseCsv } from '../connectors/spreadsheet/csv.ts';

const run = promisify(execFile);
const CLI = path.resolve('gateway/bin/irhub.js');

describe('procurement plan from the command line', () => {
  let hub: TestHub;
  const cli = (...args: string[]) => run('node', [CLI, ...args], { env: { ...process.env, IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken } })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

  beforeAll(async () => {
    hub = await startTestHub({ name: 'pglite' });
    const file = writeSheet(hub.dataDir, 'owners.csv', [
      ['T-1', '透射电镜', '', 'JEM-2100F', 'JEOL', '分析仪器', '650', '2018-06-01', '南方科技大学', '高等院校', '南山区', '对外开放', '在用', '1200'],
      ['N-1', '核磁共振波谱仪', '', 'AVANCE NEO 400', 'Bruker', '分析仪器', '400', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '500'],
    ]);
    expect((await hub.gql(ADD_SOURCE, addSourceInput('owners', 'SPREADSHEET', { file }))).errors).toBeUndefined();
  });
  afterAll(async () => hub?.close());

  it('checks the shipped template plan and writes the HTML and CSV reports', async () => {
    const out = path.join(hub.dataDir, 'report.html');
    const result = await cli('procurement', 'check', path.resolve('subgraphs/procurement/plan/template/procurement-plan.csv'), '--out', out);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 of 3 planned purchases checked');
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('场发射透射电子显微镜');
    expect(html).toContain('南方科技大学');
    expect(html).toContain('书面征询 + 市级审批');
    const csv = parseCsv(readFileSync(path.join(hub.dataDir, 'report.csv'), 'utf8'));
    const byName = new Map(csv.slice(1).filter((r) => r.length > 1).map((r) => [r[1], r]));
    expect(byName.get('场发射透射电子显微镜')?.[6]).toBe('HIGH');
    expect(byName.get('场发射透射电子显微镜')?.[7]).toContain('透射电镜 @ 南方科技大学');
    expect(byName.get('400M超导核磁共振波谱仪')?.[5]).toBe('CONSULTATION');
    expect(byName.get('扫描隧道显微镜')?.[6]).toBe('NONE');
  });

  it('reports broken rows of an XLSX plan by row and field and checks the rest', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('2027年度采购计划');
    sheet.addRows([
      ['name', 'model', 'class', 'budget', 'institution'],
      ['Transmission Electron Microscope', 'Talos F200X', 'ANALYTICAL', 9_000_000, '深圳技术大学'],
      ['NMR Spectrometer', '', '', -5, '深圳技术大学'],
      ['Mystery Machine', '', '魔法仪器', 100_000, '深圳技术大学'],
      ['', 'X1', '', 100, ''],
      ['Nuclear Magnetic Resonance Spectrometer 400 MHz', '', '02', '1,200,000', '深圳技术大学'],
    ]);
    const file = path.join(hub.dataDir, 'plan.xlsx');
    await workbook.xlsx.writeFile(file);
    const result = await cli('procurement', 'check', file, '--out', path.join(hub.dataDir, 'plan-report.html'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('row 3, budget: NMR Spectrometer: "-5" is not a positive amount');
    expect(result.stderr).toContain('row 4, class: Mystery Machine: "魔法仪器" is not a national instrument class');
    expect(result.stderr).toContain('row 5, name: the planned instrument has no name');
    expect(result.stdout).toContain('2 of 5 planned purchases checked');
    const html = readFileSync(path.join(hub.dataDir, 'plan-report.html'), 'utf8');
    expect(html).toContain('Rows not checked');
    expect(html).toContain('深圳大学');
  });

  it('refuses a file without a budget column, naming the columns it has', async () => {
    const file = path.join(hub.dataDir, 'nobudget.csv');
    (await import('node:fs')).writeFileSync(file, '仪器名称,型号\n透射电镜,JEM-2100F\n');
    const result = await cli('procurement', 'check', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no budget column');
    expect(result.stderr).toContain('仪器名称, 型号');
  });
});
