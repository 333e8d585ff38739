/**
 * Service agencies (托管) through the gateway: an agency hosts instruments of two owners, approves
 * and completes their bookings, and never acts on an owner's other instruments; the owner still
 * sees everything and ends the hosting; every completed booking is settled into parts that add up
 * to its total, by the city's rule then in force, and a later rule leaves it as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, ADD_SOURCE, addSourceInput, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';
import { settlementReportCommand } from '../gateway/cli/settlement-report-command.ts';

const SZU = institutionIdFor('深圳大学');
const SUSTECH = institutionIdFor('南方科技大学');
const AGENCY = 'agency-sz-mri';
const ROWS = [
  ['M-1', '磁共振成像系统', '', 'MAGNETOM Prisma 3T', 'Siemens', '医学诊断仪器', '2000', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '1500'],
  ['M-2', '磁共振成像系统', '', 'Discovery MR750', 'GE', '医学诊断仪器', '1800', '2018-01-01', '南方科技大学', '高等院校', '南山区', '对外开放', '闲置', '1333.33'],
  ['M-4', '-86℃超低温冰箱', '', 'Forma 88000', 'Thermo', '其他仪器', '20', '2021-01-01', '南方科技大学', '高等院校', '南山区', '对外开放', '闲置', '100'],
  ['M-3', '核磁共振波谱仪', '', 'AVANCE NEO 600', 'Bruker', '分析仪器', '900', '2020-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '800'],
];

/** 10:00–12:00 Shanghai on the first weekday `offset` days ahead or later */
function weekdaySlot(offset: number): { from: string; to: string } {
  const day = new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000);
  while ([0, 6].includes(day.getUTCDay())) day.setTime(day.getTime() + 86_400_000);
  const date = day.toISOString().slice(0, 10);
  return { from: `${date}T10:00:00+08:00`, to: `${date}T12:00:00+08:00` };
}

const SETTLEMENT = 'settlement { total toOwner toAgency toPlatform subsidy basis voucherPaid shares { owner agency platform subsidy } }';
type SettlementView = { total: string; toOwner: string; toAgency: string; toPlatform: string; subsidy: string; basis: string; shares: Record<string, number> };
const fen = (yuan: string) => Math.round(Number(yuan) * 100);

describe.each(DATABASE_TARGETS)('service agencies ($name)', (target) => {
  let hub: TestHub;
  const tokens: Record<string, string> = {};
  const gql = <T>(user: string, query: string, variables: Record<string, unknown> = {}) => hub.gql<T>(query, variables, user === 'admin' ? hub.adminToken : tokens[user]);
  const book = async (instrumentId: string, offset: number) => {
    const booked = await gql<{ requestBooking: { id: string; status: string } }>('zhang', `mutation ($input: BookingRequestInput!) { requestBooking(input: $input) { id status } }`,
      { input: { instrumentId, ...weekdaySlot(offset), mode: 'ASSISTED', purpose: '脑功能成像' } });
    expect(booked.errors).toBeUndefined();
    return booked.data!.requestBooking.id;
  };
  const act = (user: string, name: string, id: string) => gql<Record<string, { status: string; history: Array<{ by: string; byRole: string }> }>>(user, `mutation { ${name}(id: "${id}") { status history { by byRole } } }`);
  /** the session took place: moved into the past as the clock would, started and completed by `user` */
  const runSession = async (user: string, id: string) => {
    await hub.database.db('bookings').where({ id }).update({ period: hub.database.db.raw(`tstzrange(now() - interval '3 hours', now() - interval '1 hour', '[)')`) });
    expect((await act(user, 'startBooking', id)).errors).toBeUndefined();
    expect((await act(user, 'completeBooking', id)).errors).toBeUndefined();
  };
  const settlementOf = async (user: string, id: string) => (await gql<{ booking: { settlement: SettlementView | null } | null }>(user, `{ booking(id: "${id}") { ${SETTLEMENT} } }`)).data?.booking?.settlement;

  beforeAll(async () => {
    hub = await startTestHub(target);
    expect((await hub.gql(ADD_SOURCE, addSourceInput('mri', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'mri.csv', ROWS) }))).errors).toBeUndefined();
    const users: Array<[string, string, string, string]> = [
      ['zhang', 'USER', institutionIdFor('深圳市新能电池科技有限公司'), '深圳市新能电池科技有限公司'], ['szu.staff', 'INSTITUTION_STAFF', SZU, '深圳大学'],
      ['sustech.staff', 'INSTITUTION_STAFF', SUSTECH, '南方科技大学'], ['agent', 'INSTITUTION_STAFF', AGENCY, '深圳市磁共振服务中心'],
    ];
    for (const [id, role, institutionId, institutionName] of users) {
      expect((await hub.gql(`mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`, { input: { id, role, institutionId, institutionName } })).errors).toBeUndefined();
      tokens[id] = (await hub.userTokens.issue(id, 1)).token;
    }
    const registered = await gql('admin', `mutation { registerServiceAgency(institutionId: "${AGENCY}", name: "深圳市磁共振服务中心") { id name } }`);
    expect(registered.errors).toBeUndefined();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('hosts instruments of two owners, each handed over by its own staff, and lists them', async () => {
    const HOST = (instrumentId: string) => `mutation { hostInstrument(instrumentId: "${instrumentId}", agencyId: "${AGENCY}") { ownerInstitutionId agency { id } } }`;
    expect((await gql('agent', HOST('mri:M-3'))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql('sustech.staff', HOST('mri:M-1'))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql('szu.staff', HOST('mri:M-1'))).errors).toBeUndefined();
    expect((await gql('sustech.staff', HOST('mri:M-2'))).errors).toBeUndefined();
    expect((await gql('szu.staff', HOST('mri:M-1'))).errors?.[0].extensions?.code).toBe('ALREADY_HOSTED');
    const agencies = await gql<{ serviceAgencies: Array<{ id: string; name: string; hostedCount: number; hostedInstruments: { totalCount: number; edges: Array<{ node: { id: string; institution: { name: string } } }> } }> }>('zhang',
      '{ serviceAgencies { id name hostedCount hostedInstruments(first: 10) { totalCount edges { node { id institution { name } } } } } }');
    expect(agencies.errors).toBeUndefined();
    expect(agencies.data?.serviceAgencies).toEqual([{ id: AGENCY, name: '深圳市磁共振服务中心', hostedCount: 2, hostedInstruments: { totalCount: 2, edges: [
      { node: { id: 'mri:M-1', institution: { name: '深圳大学' } } }, { node: { id: 'mri:M-2', institution: { name: '南方科技大学' } } },
    ] } }]);
    const managed = await gql<{ a: { managedBy: { id: string } | null }; b: { managedBy: null } }>('zhang', '{ a: instrument(id: "mri:M-1") { managedBy { id } } b: instrument(id: "mri:M-3") { managedBy { id } } }');
    expect(managed.data).toEqual({ a: { managedBy: { id: AGENCY } }, b: { managedBy: null } });
  });

  it('lets the agency approve and complete a hosted instrument\'s booking, settled into parts that add up', async () => {
    const id = await book('mri:M-2', 3);
    const pending = await gql<{ pendingApprovals: Array<{ id: string }> }>('agent', '{ pendingApprovals { id } }');
    expect(pending.data?.pendingApprovals.map((b) => b.id)).toContain(id);
    const approved = await act('agent', 'approveBooking', id);
    expect(approved.data?.approveBooking.status).toBe('CONFIRMED');
    expect(approved.data?.approveBooking.history.at(-1)).toEqual({ by: 'agent', byRole: 'AGENCY_STAFF' });
    await runSession('agent', id);
    // 2 h × 1333.33 + 20 % operator surcharge = 3199.99, split 50/30/10/10 with the fen left over placed by the remainder rule
    const settled = await settlementOf('zhang', id);
    expect(settled).toMatchObject({ total: '3199.99', basis: 'HOSTED', shares: { owner: 5000, agency: 3000, platform: 1000, subsidy: 1000 } });
    expect(fen(settled!.toOwner) + fen(settled!.toAgency) + fen(settled!.toPlatform) + fen(settled!.subsidy)).toBe(fen(settled!.total));
    // exact shares 1599.995, 959.997, 319.999, 319.999: the three fen left go to those cut most (platform, subsidy, agency)
    expect(settled).toMatchObject({ toOwner: '1599.99', toAgency: '960.00', toPlatform: '320.00', subsidy: '320.00' });
    // the owner sees it all, the agency too
    expect(await settlementOf('sustech.staff', id)).toEqual(settled);
    expect(await settlementOf('agent', id)).toEqual(settled);
  });

  it('refuses the agency on an instrument it does not host, and hides its bookings', async () => {
    const id = await book('mri:M-3', 4);
    expect((await act('agent', 'approveBooking', id)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql<{ booking: unknown }>('agent', `{ booking(id: "${id}") { id } }`)).data?.booking).toBeNull();
    expect((await gql<{ pendingApprovals: Array<{ id: string }> }>('agent', '{ pendingApprovals { id } }')).data?.pendingApprovals.map((b) => b.id)).not.toContain(id);
    expect((await gql('agent', 'mutation { setLeaseTerms(instrumentId: "mri:M-3", input: { dailyRate: "1", minDays: 1, maxDays: 2, delivery: [PICKUP] }) { dailyRate } }')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await act('szu.staff', 'approveBooking', id)).data?.approveBooking.status).toBe('CONFIRMED');
    const POLICY = (instrumentId: string) => `mutation { setBookingPolicy(instrumentId: "${instrumentId}", input: { autoApprove: false, maxHours: 4, minNoticeHours: 2, freeCancelHours: 24, voucherEligible: true }) { maxHours } }`;
    expect((await gql('agent', POLICY('mri:M-3'))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql('agent', POLICY('mri:M-2'))).errors).toBeUndefined();
  });

  it('lets the agency qualify users for the instruments it hosts, on the owner\'s behalf, and no others', async () => {
    const GRANT = (instrumentId: string) => `mutation { grantQualification(input: { userId: "zhang", instrumentId: "${instrumentId}", expiresAt: "${new Date(Date.now() + 90 * 86_400_000).toISOString()}" }) { ownerInstitutionId grantedBy } }`;
    expect((await gql('agent', GRANT('mri:M-3'))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const granted = await gql<{ grantQualification: { ownerInstitutionId: string; grantedBy: string } }>('agent', GRANT('mri:M-2'));
    expect(granted.data?.grantQualification).toEqual({ ownerInstitutionId: SUSTECH, grantedBy: 'agent' });
    const self = await gql<{ requestBooking: { id: string } }>('zhang', `mutation ($input: BookingRequestInput!) { requestBooking(input: $input) { id } }`,
      { input: { instrumentId: 'mri:M-2', ...weekdaySlot(12), mode: 'SELF', purpose: '脑功能成像' } });
    expect(self.errors).toBeUndefined();
    expect((await act('zhang', 'cancelBooking', self.data!.requestBooking.id)).errors).toBeUndefined();
  });

  it('keeps settlements as they were when the city changes its rules, and settles later ones by the new rule', async () => {
    const first = await book('mri:M-1', 5);
    await act('agent', 'approveBooking', first);
    await runSession('agent', first);
    const before = await settlementOf('szu.staff', first);
    expect(before).toMatchObject({ total: '3600.00', toOwner: '1800.00', toAgency: '1080.00', toPlatform: '360.00', subsidy: '360.00' });

    const RULE = `mutation ($input: SettlementRuleInput!) { addSettlementRule(input: $input) { id agencyId shares { owner agency platform subsidy } } }`;
    const bad = await gql('admin', RULE, { input: { shares: { owner: 5000, agency: 3000, platform: 1000, subsidy: 999 } } });
    expect(bad.errors?.[0].extensions?.field).toBe('shares');
    expect((await gql('szu.staff', RULE, { input: { shares: { owner: 10000, agency: 0, platform: 0, subsidy: 0 } } })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql('admin', RULE, { input: { agencyId: AGENCY, shares: { owner: 4000, agency: 4000, platform: 1500, subsidy: 500 } } })).errors).toBeUndefined();

    expect(await settlementOf('szu.staff', first)).toEqual(before);
    const second = await book('mri:M-1', 6);
    await act('agent', 'approveBooking', second);
    await runSession('agent', second);
    expect(await settlementOf('szu.staff', second)).toMatchObject({ total: '3600.00', toOwner: '1440.00', toAgency: '1440.00', toPlatform: '540.00', subsidy: '180.00', shares: { owner: 4000, agency: 4000, platform: 1500, subsidy: 500 } });
  });

  it('lets the owner end the hosting, after which the agency has no say', async () => {
    const id = await book('mri:M-1', 7);
    expect((await gql('zhang', 'mutation { endHosting(instrumentId: "mri:M-1") { endedAt } }')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const ended = await gql<{ endHosting: { endedBy: string } }>('szu.staff', 'mutation { endHosting(instrumentId: "mri:M-1") { endedBy } }');
    expect(ended.data?.endHosting.endedBy).toBe('szu.staff');
    expect((await act('agent', 'approveBooking', id)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const hostings = await gql<{ hostings: Array<{ agency: { id: string }; endedAt: string | null }> }>('szu.staff', '{ hostings(instrumentId: "mri:M-1") { agency { id } endedAt } }');
    expect(hostings.data?.hostings).toHaveLength(1);
    expect(hostings.data?.hostings[0].endedAt).not.toBeNull();
  });

  it('evaluates the agency for the city from what it served, was rated and charged against unified prices, and reports its settlements', async () => {
    expect((await gql('szu.staff', 'mutation { setUnifiedRate(instrumentId: "mri:M-2", rate: "1200") { unifiedRate } }')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql('admin', 'mutation { setUnifiedRate(instrumentId: "mri:M-2", rate: "1200") { unifiedRate } }')).errors).toBeUndefined();
    expect((await gql('sustech.staff', `mutation { hostInstrument(instrumentId: "mri:M-4", agencyId: "${AGENCY}") { startedAt } }`)).errors).toBeUndefined();
    for (const [instrumentId, offset] of [['mri:M-2', 8], ['mri:M-4', 9]] as const) {
      const id = await book(instrumentId, offset);
      await act('agent', 'approveBooking', id);
      await runSession('agent', id);
      if (instrumentId === 'mri:M-2') expect((await gql('zhang', `mutation { rateBooking(id: "${id}", rating: 2, comment: "等待时间过长") { id } }`)).errors).toBeUndefined();
    }
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const EVALUATE = `{ agencyEvaluations(from: "${today}", to: "${today}") { agency { id } hostedInstruments owners bookings leases hoursServed externalShare ratings averageRating complaints charged unifiedPriced aboveUnified chargeToUnified } }`;
    const evaluated = await gql<{ agencyEvaluations: Array<Record<string, unknown>> }>('admin', EVALUATE);
    expect(evaluated.errors).toBeUndefined();
    // M-1 (hosted until the owner took it back), M-2, M-4; five sessions of 2 h, all for a company; 1333.33 charged an hour where the city's price is 1200
    expect(evaluated.data?.agencyEvaluations).toEqual([{
      agency: { id: AGENCY }, hostedInstruments: 3, owners: 2, bookings: 5, leases: 0, hoursServed: 10, externalShare: 1, ratings: 1, averageRating: 2, complaints: 1,
      charged: '13839.98', unifiedPriced: 1, aboveUnified: 1, chargeToUnified: 1.1111,
    }]);
    expect((await gql('zhang', EVALUATE)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql('agent', EVALUATE)).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const REPORT = `query ($agencyId: ID, $owner: ID) { settlementReport(agencyId: $agencyId, ownerInstitutionId: $owner, from: "${today}", to: "${today}") { lines { refId instrumentName settlement { total toOwner toAgency toPlatform subsidy } } totals { count total toOwner toAgency toPlatform subsidy } } }`;
    type Report = { settlementReport: { lines: Array<{ instrumentName: string; settlement: Record<string, string> }>; totals: Record<string, string | number> } };
    const agencyReport = await gql<Report>('agent', REPORT, { agencyId: AGENCY });
    expect(agencyReport.data?.settlementReport.totals).toMatchObject({ count: 5, total: '13839.98' });
    const t = agencyReport.data!.settlementReport.totals;
    expect(fen(String(t.toOwner)) + fen(String(t.toAgency)) + fen(String(t.toPlatform)) + fen(String(t.subsidy))).toBe(fen('13839.98'));
    expect((await gql('szu.staff', REPORT, { agencyId: AGENCY })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const ownerReport = await gql<Report>('szu.staff', REPORT, { owner: SZU });
    expect(ownerReport.data?.settlementReport.lines.map((l) => l.settlement.toOwner)).toEqual(['1800.00', '1440.00']);
    expect((await gql('agent', REPORT, {})).errors?.[0].extensions?.field).toBe('agencyId');

    const out: string[] = [];
    const env = { IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken };
    const csv = path.join(hub.dataDir, 'agency.csv');
    expect(await settlementReportCommand(['--agency', AGENCY, '--from', today, '--to', today, '--out', csv], (l) => out.push(l), env)).toBe(0);
    const lines = readFileSync(csv, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^结算时间 settled at,类型 kind,/);
    // an instrument named "-86℃…" would run as a formula in a spreadsheet: it is written as text
    expect(lines.some((l) => l.includes(",'-86℃超低温冰箱,"))).toBe(true);
    expect(lines[6]).toMatch(/^合计 total,,5,.*,13839\.98,/);
    const xlsx = path.join(hub.dataDir, 'agency.xlsx');
    await settlementReportCommand(['--agency', AGENCY, '--from', today, '--to', today, '--out', xlsx], (l) => out.push(l), env);
    const book_ = new ExcelJS.Workbook();
    await book_.xlsx.readFile(xlsx);
    const sheet = book_.worksheets[0];
    expect(sheet.rowCount).toBe(7);
    expect(sheet.getRow(7).getCell(11).value).toBe(13839.98);
    expect(out[0]).toContain('5 settlements of agency agency-sz-mri');
  });
});
