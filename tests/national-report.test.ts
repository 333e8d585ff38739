/**
 * The yearly report to the national platform from recorded use: a year of sessions (some by
 * other institutions, overlapping reports of one run, a session across New Year, a completed
 * booking) gives exactly the expected 年总运行机时, 年服务机时 and service records, in files a
 * spreadsheet reader opens with the national headers in order; each figure is traceable to its
 * sessions; a declared figure far from the record is marked and flagged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nationalReportCommand } from '../gateway/cli/national-report-command.ts';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { SHEET_HEADER } from './support/source-fixtures.ts';
import { at, userToken } from './support/oversight-fixtures.ts';

const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear() - 1;
const SZU = institutionIdFor('深圳大学');
const DECLARED = '年运行机时（小时）';

const ROWS = [
  ['L-1', '场发射扫描电镜', 'Sigma 300', 'Zeiss', '分析仪器', '300', '深圳大学', '1800'],
  ['L-2', 'X射线衍射仪', 'D8 ADVANCE', 'Bruker', '分析仪器', '120', '深圳大学', '10'],
  ['L-3', '激光共聚焦显微镜', 'LSM 980', 'Zeiss', '激光器', '260', '深圳大学', ''],
  ['O-1', '液相色谱仪', '1260', 'Agilent', '分析仪器', '50', '南方科技大学', ''],
].map(([id, name, model, maker, category, wan, institution, declared]) => [id, name, '', model, maker, category, wan, '2019-01-01', institution, '高等院校', '南山区', '对外开放', '在用', '400', declared]);

const columns = (file: string) => readFileSync(new URL(`../subgraphs/oversight/national-report/${file}`, import.meta.url), 'utf8')
  .trim().split(/\r?\n/).slice(1).map((line) => line.slice(line.indexOf(',') + 1));

const session = (instrumentId: string, day: string, from: number, to: number, userKind: 'INTERNAL' | 'EXTERNAL', evidence = 'METER') =>
  ({ instrumentId, startedAt: at(day, from), endedAt: at(day, to), userKind, evidence });

interface SheetRow { cells: Array<string | null> }

describe.each(DATABASE_TARGETS)('national report ($name)', (target) => {
  let hub: TestHub;
  let staff: string;
  let otherStaff: string;

  const ok = async <T>(query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const response = await hub.gql<T>(query, variables, token);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!;
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
    const file = path.join(hub.dataDir, 'lab.csv');
    writeFileSync(file, `\uFEFF${[[...SHEET_HEADER, DECLARED], ...ROWS].map((r) => r.join(',')).join('\r\n')}\r\n`);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('lab', 'SPREADSHEET', { file }));
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    staff = await userToken(hub, 'szu.platform', '深圳大学', 'INSTITUTION_STAFF');
    otherStaff = await userToken(hub, 'sustech.platform', '南方科技大学', 'INSTITUTION_STAFF');
    await userToken(hub, 'guest.researcher', '南方科技大学', 'USER');

    const reported = await ok<{ reportUsage: { accepted: number; rejected: number; items: Array<{ reason: string | null }> } }>(
      `mutation ($s: [UsageSessionInput!]!) { reportUsage(sessions: $s) { accepted rejected items { reason } } }`, { s: [
        // L-1: 3 h internal; one external run logged by a meter and a logbook (09–13 and 11–14: 5 h, once);
        // 2 h internal in June; 2 h of each session across New Year; a session of this year is not counted
        session('lab:L-1', `${YEAR}-03-03`, 9, 12, 'INTERNAL'),
        session('lab:L-1', `${YEAR}-03-04`, 9, 13, 'EXTERNAL'),
        session('lab:L-1', `${YEAR}-03-04`, 11, 14, 'EXTERNAL', 'LOGBOOK'),
        session('lab:L-1', `${YEAR}-06-10`, 10, 12, 'INTERNAL'),
        session('lab:L-1', `${YEAR - 1}-12-31`, 22, 26, 'INTERNAL'),
        session('lab:L-1', `${YEAR}-12-31`, 22, 25, 'INTERNAL'),
        session('lab:L-1', `${YEAR + 1}-01-05`, 9, 12, 'EXTERNAL'),
        // L-2: a meter session overlapping the completed booking below (09–11 and 10–12: one 3 h service), 6 h internal
        session('lab:L-2', `${YEAR}-09-08`, 10, 12, 'EXTERNAL'),
        session('lab:L-2', `${YEAR}-10-13`, 14, 20, 'INTERNAL', 'INTERLOCK'),
        // L-3: two external sessions that touch (two services, 2 h and 1 h), an internal one inside them
        session('lab:L-3', `${YEAR}-11-10`, 9, 11, 'EXTERNAL'),
        session('lab:L-3', `${YEAR}-11-10`, 11, 12, 'EXTERNAL'),
        session('lab:L-3', `${YEAR}-11-10`, 10, 11.5, 'INTERNAL'),
        // another institution's instrument: a run logged fifteen times over (more sessions than a page reads at once), one service 09:00–10:42
        ...Array.from({ length: 15 }, (_, k) => session('lab:O-1', `${YEAR}-05-06`, 9 + k / 20, 10 + k / 20, 'EXTERNAL')),
      ] });
    expect(reported.reportUsage.rejected, JSON.stringify(reported.reportUsage.items)).toBe(0);
    const db = hub.database.db;
    await db('bookings').insert({
      id: 'bk-xrd', instrument_id: 'lab:L-2', owner_institution_id: SZU, booker_id: 'guest.researcher', booker_institution_id: institutionIdFor('南方科技大学'),
      mode: 'ASSISTED', purpose: '物相分析', status: 'COMPLETED', period: db.raw('tstzrange(?::timestamptz, ?::timestamptz)', [at(`${YEAR}-09-08`, 9), at(`${YEAR}-09-08`, 11)]),
      request_fingerprint: 'x', external: true, quote: '{}', price: '600.00', created_at: new Date(), updated_at: new Date(),
    });
    await db('booking_ratings').insert({ booking_id: 'bk-xrd', instrument_id: 'lab:L-2', rating: 5, comment: '数据清晰', rated_at: new Date() });
  });
  afterAll(async () => hub?.close());

  it('writes both files with the national headers in order and exactly the recorded hours and services', async () => {
    const out = path.join(hub.dataDir, 'national');
    const lines: string[] = [];
    const code = await nationalReportCommand(['--year', String(YEAR), '--institution', SZU, '--out', out], (l) => lines.push(l), { IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken });
    expect(code).toBe(0);
    expect(lines[0]).toContain('3 instruments');

    const equipment = new ExcelJS.Workbook();
    await equipment.xlsx.readFile(path.join(out, 'equipment.xlsx'));
    const sheet = equipment.worksheets[0];
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual([...columns('nrii-equipment-report-columns.csv'), '机时核对（申报与记录不符）']);
    const header = values(1) as string[];
    const byId = new Map(Array.from({ length: sheet.rowCount - 1 }, (_, i) => values(i + 2)).map((row) => [row[header.indexOf('单位内部编号')], row]));
    expect([...byId.keys()].sort()).toEqual(['L-1', 'L-2', 'L-3']);
    const cell = (id: string, name: string) => byId.get(id)![header.indexOf(name)];
    expect([cell('L-1', '年总运行机时'), cell('L-1', '年服务机时')]).toEqual([14, 5]);
    expect([cell('L-2', '年总运行机时'), cell('L-2', '年服务机时')]).toEqual([9, 3]);
    expect([cell('L-3', '年总运行机时'), cell('L-3', '年服务机时')]).toEqual([3, 3]);
    expect(cell('L-1', '设备分类')).toBe('010000');
    expect(cell('L-3', '设备分类')).toBe('140000');
    expect(cell('L-1', '原值（万元）')).toBe(300);
    expect(cell('L-1', '仪器设备名称')).toBe('场发射扫描电镜');
    // 1,800 declared against 14 recorded is marked; 10 against 9 is within 20 %
    expect(cell('L-1', '机时核对（申报与记录不符）')).toBe('申报年运行机时 1800 h，记录 14 h（相差 99 %）');
    expect(cell('L-2', '机时核对（申报与记录不符）')).toBeUndefined();

    const services = new ExcelJS.Workbook();
    await services.xlsx.readFile(path.join(out, 'service-records.xlsx'));
    const records = services.worksheets[0];
    const recordHeader = (records.getRow(1).values as unknown[]).slice(1) as string[];
    expect(recordHeader).toEqual(columns('nrii-service-record-columns.csv'));
    const rows = Array.from({ length: records.rowCount - 1 }, (_, i) => (records.getRow(i + 2).values as unknown[]).slice(1));
    const field = (row: unknown[], name: string) => row[recordHeader.indexOf(name)];
    expect(rows.map((r) => [field(r, '所在单位仪器编号'), field(r, '服务开始时间'), field(r, '服务结束时间'), field(r, '服务机时')])).toEqual([
      ['L-1', `${YEAR}-03-04 09:00`, `${YEAR}-03-04 14:00`, 5],
      ['L-2', `${YEAR}-09-08 09:00`, `${YEAR}-09-08 12:00`, 3],
      ['L-3', `${YEAR}-11-10 09:00`, `${YEAR}-11-10 11:00`, 2],
      ['L-3', `${YEAR}-11-10 11:00`, `${YEAR}-11-10 12:00`, 1],
    ]);
    const booked = rows[1];
    expect([field(booked, '服务金额(元)'), field(booked, '服务方式'), field(booked, '服务对象'), field(booked, '申请人'), field(booked, '申请人单位'), field(booked, '实际服务内容'), field(booked, '用户评价及意见'), field(booked, '服务记录内部编号')])
      .toEqual([600, '委托共享', '外部用户', 'guest.researcher', '南方科技大学', '物相分析', '非常满意 - 数据清晰', 'bk-xrd']);
    // the records' hours add up to the year's service hours
    expect(rows.reduce((sum, r) => sum + Number(field(r, '服务机时')), 0)).toBe(5 + 3 + 3);
  });

  it('pages services without losing or repeating one, and traces each figure to its sessions', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: { nationalReport: { serviceRecords: { rows: Array<{ id: string; hours: number; instrument: { id: string } }>; endCursor: string | null } } } = await ok(
        `query ($y: Int!, $a: String) { nationalReport(year: $y) { serviceRecords(first: 1, after: $a) { rows { id hours instrument { id } } endCursor } } }`, { y: YEAR, a: after });
      seen.push(...page.nationalReport.serviceRecords.rows.map((r) => `${r.instrument.id} ${r.hours}`));
      after = page.nationalReport.serviceRecords.endCursor;
    } while (after);
    // every institution: O-1's service too, its fifteen sessions read over two batches
    expect(seen).toEqual(['lab:L-1 5', 'lab:L-2 3', 'lab:L-3 2', 'lab:L-3 1', 'lab:O-1 1.7']);

    const traced = await ok<{ recordedUse: { runningHours: number; serviceHours: number; sessions: Array<{ evidence: string; userKind: string; countedFrom: string; countedTo: string; serviceRecordId: string | null }> } }>(
      `query ($id: ID!, $y: Int!) { recordedUse(instrumentId: $id, year: $y) { runningHours serviceHours sessions { evidence userKind countedFrom countedTo serviceRecordId } } }`, { id: 'lab:L-1', y: YEAR }, staff);
    const use = traced.recordedUse;
    expect([use.runningHours, use.serviceHours, use.sessions.length]).toEqual([14, 5, 6]);
    // the sessions, merged, give the figure: nothing hidden, nothing counted twice
    const spans = use.sessions.map((s) => [Date.parse(s.countedFrom), Date.parse(s.countedTo)]).sort((a, b) => a[0] - b[0]);
    let merged = 0;
    let reach = -Infinity;
    for (const [from, to] of spans) {
      merged += Math.max(0, to - Math.max(from, reach));
      reach = Math.max(reach, to);
    }
    expect(merged / 3_600_000).toBe(14);
    const external = use.sessions.filter((s) => s.userKind === 'EXTERNAL');
    expect(new Set(external.map((s) => s.serviceRecordId)).size).toBe(1);

    const booked = await ok<{ recordedUse: { sessions: Array<{ evidence: string; reportedBy: string }> } }>(
      `query ($id: ID!, $y: Int!) { recordedUse(instrumentId: $id, year: $y) { sessions { evidence reportedBy } } }`, { id: 'lab:L-2', y: YEAR });
    expect(booked.recordedUse.sessions.map((s) => s.evidence).sort()).toEqual(['BOOKING', 'INTERLOCK', 'METER']);
  });

  it('lets staff read only their own institution\'s report, and refuses a bad year', async () => {
    const own = await ok<{ nationalReport: { institutionId: string; equipment: { totalCount: number } } }>(`query ($y: Int!) { nationalReport(year: $y) { institutionId equipment { totalCount } } }`, { y: YEAR }, staff);
    expect(own.nationalReport).toEqual({ institutionId: SZU, equipment: { totalCount: 3 } });
    const other = await hub.gql(`query ($y: Int!, $i: ID) { nationalReport(year: $y, institutionId: $i) { year } }`, { y: YEAR, i: SZU }, otherStaff);
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const traced = await hub.gql(`query ($y: Int!) { recordedUse(instrumentId: "lab:L-1", year: $y) { runningHours } }`, { y: YEAR }, otherStaff);
    expect(traced.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const future = await hub.gql(`{ nationalReport(year: 2999) { year } }`);
    expect(future.errors?.[0].message).toMatch(/^year: between 2000 and \d{4}, got 2999$/);
  });

  it('shows an owner\'s overstated yearly hours in the fake-busy view', async () => {
    const run = await ok<{ runFakeBusyDetection: { status: string } }>('mutation { runFakeBusyDetection { status } }');
    expect(run.runFakeBusyDetection.status).toBe('SUCCEEDED');
    const flags = await ok<{ fakeBusyFlags: { nodes: Array<{ instrument: { id: string }; kind: string; usedHours: number; evidence: string[] }> } }>(
      '{ fakeBusyFlags(kinds: [DECLARED_HOURS_OVERSTATED]) { nodes { instrument { id } kind usedHours evidence } } }');
    expect(flags.fakeBusyFlags.nodes.map((f) => f.instrument.id)).toEqual(['lab:L-1']);
    expect(flags.fakeBusyFlags.nodes[0].usedHours).toBe(14);
    expect(flags.fakeBusyFlags.nodes[0].evidence[0]).toBe(`the owner's file declares 年运行机时 1800 h; the hub recorded 14 h in ${YEAR} (99 % less, more than the 20 % allowed)`);
  });
});
