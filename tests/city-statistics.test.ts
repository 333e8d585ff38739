/**
 * The city's statistics through the gateway — totals by institution type, class, district and
 * value band, sharing rate, orders, service hours, satisfaction and the monthly series, with
 * their filters — and `npx irhub report`, whose HTML page is opened in a real headless
 * browser (Debian's chromium through playwright-core).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { at, lastMonthWednesday, userToken } from './support/oversight-fixtures.ts';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';
import { addMonths } from '../subgraphs/usage/usage-months.ts';

const CHROMIUM = process.env.IRHUB_CHROMIUM ?? '/usr/bin/chromium';
const run = promisify(execFile);
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

const ROWS = [
  ['C-1', '场发射扫描电镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '南方科技大学', '高等院校', '南山区', '对外开放', '在用', '400'],
  ['C-2', '透射电镜', '', 'JEM-2100F', 'JEOL', '分析仪器', '650', '2018-06-01', '深圳大学', '高等院校', '南山区', '校内共享', '在用', '1200'],
  ['C-3', '超算节点', '', 'X1', 'Sugon', '计算机及其配套设备', '30', '2020-01-01', '深圳湾实验室', '科研院所', '光明区', '对外开放', '闲置', '100'],
  ['C-4', '数字示波器', '', 'MSO64', 'Tektronix', '电子测量仪器', '29.99', '2021-01-01', '深圳市计量质量检测研究院', '检验检测机构', '福田区', '对外开放', '闲置', '80'],
  ['C-5', '核磁共振成像系统', '', 'MAGNETOM Prisma', 'Siemens', '医学科研仪器', '50', '2019-01-01', '深圳市人民医院', '医疗机构', '罗湖区', '不共享', '在用', '3000'],
  // bought after the reviewed month: not counted in it
  ['C-6', '液相色谱-质谱联用仪', '', '6546', 'Agilent', '分析仪器', '400', today, '南方科技大学', '高等院校', '南山区', '对外开放', '闲置', '600'],
];

const STATS = `query ($filter: CityStatisticsFilter) { cityStatistics(filter: $filter) {
  period { label months } filters institutions institutionsByType { type count } instruments originalValue
  byClass { instrumentClass zh count originalValue } byDistrict { district count }
  valueBands { atLeast300k atLeast500k valueAtLeast300k valueAtLeast500k } openInstruments sharingRate { instrumentShare hourShare }
  orders serviceHours externalServiceHours openHours utilisationShare satisfaction ratings monthly { month usedHours externalHours orders } } }`;

interface Stats {
  period: { label: string; months: string[] }; filters: string[]; institutions: number; institutionsByType: Array<{ type: string; count: number }>;
  instruments: number; originalValue: number; byClass: Array<{ instrumentClass: string; zh: string; count: number; originalValue: number }>;
  byDistrict: Array<{ district: string; count: number }>; valueBands: { atLeast300k: number; atLeast500k: number; valueAtLeast300k: number; valueAtLeast500k: number };
  openInstruments: number; sharingRate: { instrumentShare: number; hourShare: number }; orders: number; serviceHours: number; externalServiceHours: number;
  openHours: number; utilisationShare: number; satisfaction: number | null; ratings: number; monthly: Array<{ month: string; usedHours: number; externalHours: number; orders: number }>;
}

describe.each(DATABASE_TARGETS)('city statistics and report ($name)', (target) => {
  let hub: TestHub;
  const { day, month } = lastMonthWednesday();
  const thisMonth = addMonths(month, 1);

  const stats = async (filter: Record<string, unknown>, token?: string | null) => {
    const response = await hub.gql<{ cityStatistics: Stats }>(STATS, { filter }, token);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!.cityStatistics;
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('city', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'city.csv', ROWS) }));
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    const next = new Date(Date.parse(`${day}T12:00:00+08:00`) + 86_400_000).toISOString().slice(0, 10);
    const reported = await hub.gql<{ reportUsage: { accepted: number } }>(`mutation ($s: [UsageSessionInput!]!) { reportUsage(sessions: $s) { accepted } }`, { s: [
      { instrumentId: 'city:C-1', startedAt: at(day, 9), endedAt: at(day, 14), userKind: 'EXTERNAL', evidence: 'METER' },
      { instrumentId: 'city:C-1', startedAt: at(next, 9), endedAt: at(next, 14), userKind: 'EXTERNAL', evidence: 'METER' },
      { instrumentId: 'city:C-2', startedAt: at(day, 10), endedAt: at(day, 16), userKind: 'INTERNAL', evidence: 'LOGBOOK' },
    ] });
    expect(reported.data?.reportUsage.accepted).toBe(3);
    // hub bookings of C-1: two completed in the month and rated, one cancelled, one completed the month before
    const db = hub.database.db;
    const booking = (id: string, status: string, from: string, to: string) => ({
      id, instrument_id: 'city:C-1', owner_institution_id: institutionIdFor('南方科技大学'), booker_id: 'guest', booker_institution_id: 'inst-guest',
      mode: 'ASSISTED', purpose: 'SEM', status, period: db.raw('tstzrange(?::timestamptz, ?::timestamptz)', [from, to]),
      request_fingerprint: id, external: true, quote: '{}', price: '400.00', created_at: new Date(), updated_at: new Date(),
    });
    const before = `${addMonths(month, -1)}-15`;
    await db('bookings').insert([
      booking('b-1', 'COMPLETED', at(day, 9), at(day, 11)),
      booking('b-2', 'COMPLETED', at(next, 12), at(next, 14)),
      booking('b-3', 'CANCELLED', at(day, 15), at(day, 17)),
      booking('b-4', 'COMPLETED', at(before, 9), at(before, 10)),
    ]);
    await db('booking_ratings').insert([
      { booking_id: 'b-1', instrument_id: 'city:C-1', rating: 4, rated_at: new Date(at(day, 12)) },
      { booking_id: 'b-2', instrument_id: 'city:C-1', rating: 5, rated_at: new Date(at(next, 15)) },
      { booking_id: 'b-4', instrument_id: 'city:C-1', rating: 1, rated_at: new Date(at(before, 11)) },
    ]);
  });
  afterAll(async () => hub?.close());

  it('totals the city for a month: institutions, instruments, value, bands, sharing, hours, orders, satisfaction', async () => {
    const s = await stats({ period: month });
    expect(s.period).toEqual({ label: month, months: [month] });
    expect(s.filters).toEqual([]);
    expect(s.institutions).toBe(5);
    expect(s.institutionsByType).toEqual([
      { type: 'UNIVERSITY', count: 2 }, { type: 'RESEARCH_INSTITUTE', count: 1 }, { type: 'HOSPITAL', count: 1 }, { type: 'TESTING_AGENCY', count: 1 },
    ]);
    expect(s.instruments).toBe(5);
    expect(s.originalValue).toBe(10_599_900);
    expect(s.byClass).toEqual([
      { instrumentClass: 'ANALYTICAL', zh: '分析仪器', count: 2, originalValue: 9_500_000 },
      { instrumentClass: 'COMPUTING', zh: '计算机及其配套设备', count: 1, originalValue: 300_000 },
      { instrumentClass: 'ELECTRONIC_MEASUREMENT', zh: '电子测量仪器', count: 1, originalValue: 299_900 },
      { instrumentClass: 'MEDICAL_RESEARCH', zh: '医学诊断仪器', count: 1, originalValue: 500_000 },
    ]);
    expect(s.byDistrict).toEqual([{ district: '南山区', count: 2 }, { district: '光明区', count: 1 }, { district: '福田区', count: 1 }, { district: '罗湖区', count: 1 }]);
    expect(s.valueBands).toEqual({ atLeast300k: 4, atLeast500k: 3, valueAtLeast300k: 10_300_000, valueAtLeast500k: 10_000_000 });
    expect([s.openInstruments, s.sharingRate.instrumentShare]).toEqual([3, 0.6]);
    expect([s.serviceHours, s.externalServiceHours, s.sharingRate.hourShare]).toEqual([16, 10, 0.625]);
    expect(s.utilisationShare).toBeCloseTo(16 / s.openHours, 3);
    expect([s.orders, s.satisfaction, s.ratings]).toEqual([2, 4.5, 2]);
    expect(s.monthly).toEqual([{ month, usedHours: 16, externalHours: 10, orders: 2 }]);
  });

  it('filters by district and institution type, and names the filters', async () => {
    const nanshan = await stats({ period: month, districts: ['南山区'] });
    expect([nanshan.instruments, nanshan.institutions, nanshan.serviceHours, nanshan.orders]).toEqual([2, 2, 16, 2]);
    expect(nanshan.filters).toEqual(['district: 南山区']);
    const hospitals = await stats({ period: month, institutionTypes: ['HOSPITAL'] });
    expect([hospitals.instruments, hospitals.serviceHours, hospitals.orders, hospitals.satisfaction]).toEqual([1, 0, 0, null]);
    expect(hospitals.filters).toEqual(['institution type: 医疗机构 (HOSPITAL)']);
    const twoMonths = await stats({ period: `${addMonths(month, -1)}..${month}` });
    expect(twoMonths.monthly.map((m) => [m.month, m.orders])).toEqual([[addMonths(month, -1), 1], [month, 2]]);
    expect(twoMonths.satisfaction).toBeCloseTo(10 / 3, 2);
    const quarter = await stats({ period: '2026-Q3' });
    expect(quarter.period.months).toEqual(['2026-07', '2026-08', '2026-09']);
    const bad = await hub.gql(STATS, { filter: { period: '2026-Q5' } });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lists flagged instruments only to the centre', async () => {
    const ran = await hub.gql(`mutation { runFakeBusyDetection { raised } }`);
    expect(ran.errors, JSON.stringify(ran.errors)).toBeUndefined();
    const FLAGGED = `query ($filter: CityStatisticsFilter) { cityStatistics(filter: $filter) { instruments flagged { totalCount nodes { instrument { id } kind } } } }`;
    const asAdmin = await hub.gql<{ cityStatistics: { flagged: { totalCount: number; nodes: Array<{ instrument: { id: string }; kind: string }> } } }>(FLAGGED, { filter: { period: `${month}..${thisMonth}` } });
    expect(asAdmin.errors).toBeUndefined();
    // declared 在用 and not used in the last two weeks
    expect(asAdmin.data!.cityStatistics.flagged.nodes.map((f) => f.instrument.id).sort()).toEqual(['city:C-1', 'city:C-2', 'city:C-5']);
    const user = await userToken(hub, 'someone', '深圳大学', 'USER');
    const asUser = await hub.gql<{ cityStatistics: { instruments: number; flagged: unknown } }>(FLAGGED, { filter: { period: month } }, user);
    expect(asUser.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // the figures stay; only the list is withheld
    expect(asUser.data?.cityStatistics).toEqual({ instruments: 5, flagged: null });
    // anyone may read the figures; by default over the last twelve full months (C-6 was bought this month)
    const figuresOnly = await hub.gql<{ cityStatistics: { instruments: number; period: { months: string[] } } }>(`{ cityStatistics { instruments period { months } } }`, {}, null);
    expect(figuresOnly.data?.cityStatistics.instruments).toBe(5);
    expect(figuresOnly.data?.cityStatistics.period.months).toHaveLength(12);
    expect(figuresOnly.data?.cityStatistics.period.months.at(-1)).toBe(month);
  });

  it('writes the report with `npx irhub report` and it renders in a real browser', async () => {
    const out = path.join(hub.dataDir, 'report.html');
    const cli = await run(process.execPath, [path.resolve('gateway/bin/irhub.js'), 'report', '--period', `${month}..${thisMonth}`, '--out', out],
      { env: { ...process.env, IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken } });
    expect(cli.stdout).toContain(`report: ${out}`);
    expect(cli.stdout).toContain('6 instruments');
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`${month} – ${thisMonth}`);
    expect(html).not.toMatch(/<script|<link|src=|href=/i);

    if (!existsSync(CHROMIUM)) {
      console.warn(`skipping the browser check: no chromium at ${CHROMIUM} (apt-get install chromium, or set IRHUB_CHROMIUM)`);
      return;
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(out).href);
      expect(await page.title()).toContain('大型科研仪器开放共享统计报告');
      const charts = await page.$$eval('svg', (svgs) => svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return { label: svg.getAttribute('aria-label'), width: box.width, height: box.height, bars: [...svg.querySelectorAll('rect')].filter((r) => r.getBoundingClientRect().width > 0).length };
      }));
      expect(charts).toHaveLength(3);
      for (const chart of charts) {
        expect(chart.width).toBeGreaterThan(300);
        expect(chart.height).toBeGreaterThan(30);
        expect(chart.bars).toBeGreaterThan(0);
      }
      const text = await page.innerText('body');
      expect(text).toContain('1,460.0 万元'); // 14,599,900 yuan with C-6, bought this month
      expect(text).toContain('16 h');
      const flaggedRows = await page.$$eval('table:last-of-type tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
      expect(flaggedRows.filter((r) => r.includes('DECLARED_BUSY_UNUSED'))).toHaveLength(3);
      await page.screenshot({ path: path.join(hub.dataDir, 'report.png'), fullPage: true });
      if (process.env.IRHUB_KEEP_SCREENSHOT) await page.screenshot({ path: process.env.IRHUB_KEEP_SCREENSHOT, fullPage: true });
      expect(problems).toEqual([]);
      expect(requests.every((url) => url.startsWith('file:'))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
