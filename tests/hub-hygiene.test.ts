/**
 * What the hub leaves on disk and writes out: a data directory only its user can read (fixed on
 * start when it was not), demo tokens in a private file instead of the terminal, report CSVs
 * whose formula-like cells are shown as text, reports that never overwrite the plan they check,
 * and oversized cells refused with their source, row and field instead of imported whole.
 */
import { execFile } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, tempDir, type TestHub } from './support/test-hub.ts';
import { SHEET_HEADER, writeSheet } from './support/source-fixtures.ts';
import { startHub } from '../gateway/hub.ts';
import { writeDemoTokens } from '../gateway/cli/start-command.ts';

const run = promisify(execFile);
const CLI = path.resolve('gateway/bin/irhub.js');

/** every entry under `dir` whose permissions let group or others in */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const walk = (entry: string) => {
    const info = lstatSync(entry);
    if (info.isSymbolicLink()) return;
    if ((info.mode & 0o077) !== 0) found.push(`${entry} ${(info.mode & 0o777).toString(8)}`);
    if (info.isDirectory()) for (const name of readdirSync(entry)) walk(path.join(entry, name));
  };
  walk(dir);
  return found;
}

describe('the data directory', () => {
  it('is the hub user\'s alone, also when an older hub left it open', async () => {
    const temp = tempDir();
    const dataDir = path.join(temp.dir, 'hub');
    mkdirSync(path.join(dataDir, 'demo'), { recursive: true, mode: 0o777 });
    chmodSync(dataDir, 0o777);
    chmodSync(path.join(dataDir, 'demo'), 0o777);
    writeFileSync(path.join(dataDir, 'admin-token'), 'an-old-admin-token-of-32-characters', { mode: 0o666 });
    chmodSync(path.join(dataDir, 'admin-token'), 0o666);
    const hub = await startHub({ port: 0, host: '127.0.0.1', dataDir, demo: false, schedule: false, log: () => {} });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dataDir, 'pgdata')).mode & 0o777).toBe(0o700);
      expect(readdirSync(path.join(dataDir, 'pgdata')).length).toBeGreaterThan(5);
      expect(openToOthers(dataDir)).toEqual([]);
    } finally {
      await hub.close();
      temp.remove();
    }
  });
});

describe.each(DATABASE_TARGETS)('hub hygiene ($name)', (target) => {
  let hub: TestHub;
  const cli = (...args: string[]) => run('node', [CLI, ...args], { cwd: hub.dataDir, env: { ...process.env, IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken } })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

  beforeAll(async () => {
    hub = await startTestHub(target);
    const owners = writeSheet(hub.dataDir, 'owners.csv', [['P-1', '透射电镜', '', 'JEM-2100F', 'JEOL', '分析仪器', '650', '2018-06-01', '南方科技大学', '高等院校', '南山区', '对外开放', '在用', '1200']]);
    expect((await hub.gql(ADD_SOURCE, addSourceInput('owners', 'SPREADSHEET', { file: owners }))).errors).toBeUndefined();
  });
  afterAll(async () => hub?.close());

  it('writes the demo users\' tokens to a private file and prints none', async () => {
    for (const id of ['demo.a', 'demo.b']) await hub.gql('mutation ($id: ID!) { addUser(input: { id: $id, institutionId: "company-x", institutionName: "某公司" }) { id } }', { id });
    const told = await writeDemoTokens({ ...hub, demoUserIds: ['demo.a', 'demo.b'] }, hub.dataDir);
    const file = path.join(hub.dataDir, 'demo-tokens.tsv');
    expect(told.join('\n')).toContain(file);
    expect(told.join('\n')).toContain('demo.a (USER)');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));
    expect(rows.map((r) => r[0])).toEqual(['demo.a', 'demo.b']);
    for (const [, , , token] of rows) expect(told.join('\n')).not.toContain(token);
    const me = await hub.gql<{ me: { id: string } }>('{ me { id } }', {}, rows[1][3]);
    expect(me.data?.me.id).toBe('demo.b');
  });

  it('shows a formula in a plan as text in the report CSV, and never writes a report over the plan', async () => {
    const plan = path.join(hub.dataDir, 'plan.csv');
    const original = '\uFEFF仪器名称,规格型号,预算（万元）,主要技术指标\n"=HYPERLINK(""http://evil.example/"",""点击"")",@SUM(A1),120,-2+3\n透射电镜,JEM-F200,1200,200 kV\n';
    writeFileSync(plan, original);
    const refused = await cli('procurement', 'check', 'plan.csv', '--out', 'plan.csv');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--out plan.csv is the plan being checked');
    const csvOverPlan = await cli('procurement', 'check', 'plan.csv', '--out', 'r.html', '--csv', './plan.csv');
    expect(csvOverPlan.stderr).toContain('--csv ./plan.csv is the plan being checked');
    expect(readFileSync(plan, 'utf8')).toBe(original);

    const checked = await cli('procurement', 'check', 'plan.csv', '--out', 'review.html');
    expect(checked.code, checked.stderr).toBe(0);
    const csv = readFileSync(path.join(hub.dataDir, 'review.csv'), 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/"",""点击"")"`);
    expect(csv).toContain(",'@SUM(A1),");
    expect(csv).not.toMatch(/(^|,)"?[=@+-]/m);
  });

  it('refuses an oversized cell, naming source, row and field, and imports the rest', async () => {
    const huge = '超长技术指标'.repeat(1000);
    const file = writeSheet(hub.dataDir, 'oversized.csv', [
      ['O-1', 'X射线衍射仪', '', 'D8 ADVANCE', 'Bruker', '分析仪器', '158', '2017-03-02', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300'],
      ['O-2', `场发射扫描电镜${huge}`, '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '400'],
    ]);
    const added = await hub.gql<{ addSource: { harvest: { status: string; imported: number; rejectedRows: Array<{ ref: string; field: string; reason: string }> } } }>(ADD_SOURCE, addSourceInput('oversized', 'SPREADSHEET', { file }));
    expect(added.errors).toBeUndefined();
    const runInfo = added.data!.addSource.harvest;
    expect(runInfo).toMatchObject({ status: 'SUCCEEDED', imported: 1 });
    expect(runInfo.rejectedRows).toEqual([{ ref: 'oversized.csv row 3', field: 'name', reason: '6,007 characters; a text field holds at most 4,000' }]);
    expect(SHEET_HEADER[1]).toBe('仪器名称');
    const listed = await cli('sources', 'list');
    expect(listed.stdout).toMatch(/oversized\s+spreadsheet\s+1 /);

    // a plan's oversized cell is a broken row: reported by row and field, the rest checked
    writeFileSync(path.join(hub.dataDir, 'long-plan.csv'), `仪器名称,预算（万元）,主要技术指标\n透射电镜,1200,${'指'.repeat(4001)}\n核磁共振波谱仪,300,400 MHz\n`);
    const longPlan = await cli('procurement', 'check', 'long-plan.csv');
    expect(longPlan.code).toBe(1);
    expect(longPlan.stderr).toContain('long-plan.csv: row 2, specs: 4,001 characters; a text field holds at most 4,000');
    expect(longPlan.stdout).toContain('1 of 2 planned purchases checked');
  });
});
