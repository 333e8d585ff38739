/**
 * Utilisation through the gateway: on every instrument (its own figures and month by month), on
 * institutions, and as rankings; maintenance takes hours out of what was available; sharing
 * stars from external hours and users' ratings; bad periods are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { at, lastMonthWednesday, userToken } from './support/oversight-fixtures.ts';
import { openIntervals } from '../schema/opening-hours.ts';
import { addMonths, monthStart } from '../subgraphs/usage/usage-months.ts';
import { availableHours } from '../subgraphs/usage/utilisation.ts';
import { sharingStars } from '../subgraphs/oversight/sharing-rating.ts';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';

const ROWS = [
  ['R-A', '场发射扫描电镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '南方科技大学', '高等院校', '南山区', '对外开放', '在用', '400'],
  ['R-B', '透射电镜', '', 'JEM-2100F', 'JEOL', '分析仪器', '650', '2018-06-01', '南方科技大学', '高等院校', '南山区', '对外开放', '在用', '1200'],
  ['R-C', 'X射线衍射仪', '', 'D8 ADVANCE', 'Bruker', '分析仪器', '120', '2018-01-01', '深圳大学', '高等院校', '南山区', '校内共享', '闲置', '300'],
  ['R-D', '液相色谱仪', '', '1260', 'Agilent', '分析仪器', '50', '2010-01-01', '深圳大学', '高等院校', '南山区', '不共享', '报废', '200'],
  ['R-E', '超算节点', '', 'X1', 'Sugon', '计算机及其配套设备', '80', '2020-01-01', '深圳湾实验室', '科研院所', '光明区', '不共享', '闲置', '100'],
];

const RANK = `query ($period: String, $order: UtilisationOrder, $filter: OversightFilter) {
  instrumentUtilisationRanking(period: $period, order: $order, filter: $filter, first: 10) { rank instrument { id name } institution { name } utilisation { hoursUsed externalHours availableHours share sessions } }
  institutionUtilisationRanking(period: $period, order: $order, filter: $filter, first: 10) { rank instruments institution { name } utilisation { hoursUsed availableHours share } }
}`;

interface Usage { hoursUsed: number; externalHours: number; availableHours: number; share: number; sessions: number }

describe.each(DATABASE_TARGETS)('utilisation and rankings ($name)', (target) => {
  let hub: TestHub;
  const { day, month } = lastMonthWednesday();
  const monthOpen = availableHours(monthStart(month), monthStart(addMonths(month, 1)));

  const ok = async <T>(query: string, variables: Record<string, unknown> = {}, token?: string | null) => {
    const response = await hub.gql<T>(query, variables, token);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!;
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('labs', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'labs.csv', ROWS) }));
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    // R-A: every opening hour of the month, by other institutions; R-B: one 5-hour day; R-D (retired): some use
    const allMonth = openIntervals(monthStart(month), monthStart(addMonths(month, 1))).map((slot) => ({
      instrumentId: 'labs:R-A', startedAt: slot.from.toISOString(), endedAt: slot.to.toISOString(), userKind: 'EXTERNAL', evidence: 'METER',
    }));
    const reported = await ok<{ reportUsage: { accepted: number; rejected: number } }>(
      `mutation ($s: [UsageSessionInput!]!) { reportUsage(sessions: $s) { accepted rejected } }`,
      { s: [...allMonth,
        { instrumentId: 'labs:R-B', startedAt: at(day, 9), endedAt: at(day, 14), userKind: 'INTERNAL', evidence: 'LOGBOOK' },
        { instrumentId: 'labs:R-D', startedAt: at(day, 9), endedAt: at(day, 18), userKind: 'INTERNAL', evidence: 'LOGBOOK' }] });
    expect(reported.reportUsage).toEqual({ accepted: allMonth.length + 2, rejected: 0 });
  });
  afterAll(async () => hub?.close());

  it('gives each instrument its hours, external hours, available hours and share, also month by month', async () => {
    const data = await ok<{ instrument: { utilisation: Usage; monthlyUtilisation: Array<Usage & { month: string }> } }>(
      `query ($p: String, $range: String) { instrument(id: "labs:R-A") { utilisation(period: $p) { hoursUsed externalHours availableHours share sessions }
        monthlyUtilisation(period: $range) { month hoursUsed availableHours share } } }`,
      { p: month, range: `${addMonths(month, -1)}..${month}` });
    expect(data.instrument.utilisation).toEqual({ hoursUsed: monthOpen, externalHours: monthOpen, availableHours: monthOpen, share: 1, sessions: monthOpen / 9 });
    expect(data.instrument.monthlyUtilisation.map((m) => [m.month, m.hoursUsed, m.share])).toEqual([[addMonths(month, -1), 0, 0], [month, monthOpen, 1]]);
  });

  it('ranks instruments and institutions, leaving retired instruments out', async () => {
    const most = await ok<{ instrumentUtilisationRanking: Array<{ rank: number; instrument: { id: string }; institution: { name: string }; utilisation: Usage }>; institutionUtilisationRanking: Array<{ instruments: number; institution: { name: string }; utilisation: Usage }> }>(RANK, { period: month, order: 'MOST_USED' });
    expect(most.instrumentUtilisationRanking.map((r) => r.instrument.id)).toEqual(['labs:R-A', 'labs:R-B', 'labs:R-C', 'labs:R-E']);
    expect(most.instrumentUtilisationRanking[0]).toMatchObject({ rank: 1, institution: { name: '南方科技大学' } });
    expect(most.instrumentUtilisationRanking[1].utilisation).toMatchObject({ hoursUsed: 5, sessions: 1 });
    const institutions = most.institutionUtilisationRanking.map((r) => [r.institution.name, r.instruments]);
    // the two unused institutions tie at 0 after the one whose instruments were used
    expect(institutions[0]).toEqual(['南方科技大学', 2]);
    expect(institutions.slice(1).sort()).toEqual([['深圳大学', 1], ['深圳湾实验室', 1]]);
    expect(most.institutionUtilisationRanking[0].utilisation).toMatchObject({ hoursUsed: monthOpen + 5, availableHours: 2 * monthOpen });
    const least = await ok<{ instrumentUtilisationRanking: Array<{ instrument: { id: string } }> }>(RANK, { period: month, order: 'LEAST_USED' });
    expect(least.instrumentUtilisationRanking.map((r) => r.instrument.id)).toEqual(['labs:R-C', 'labs:R-E', 'labs:R-B', 'labs:R-A']);
    const research = await ok<{ instrumentUtilisationRanking: Array<{ instrument: { id: string } }> }>(RANK, { period: month, filter: { institutionTypes: ['RESEARCH_INSTITUTE'] } });
    expect(research.instrumentUtilisationRanking.map((r) => r.instrument.id)).toEqual(['labs:R-E']);
  });

  it('takes reported maintenance out of the available hours', async () => {
    const staff = await userToken(hub, 'sustech.platform', '南方科技大学', 'INSTITUTION_STAFF');
    const MAINTENANCE = `mutation ($input: MaintenanceInput!) { reportMaintenance(input: $input) { id origin from to reportedBy } }`;
    // two whole working days (Wednesday and Thursday) under repair: 18 opening hours
    const tomorrow = new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const reported = await ok<{ reportMaintenance: { origin: string; reportedBy: string } }>(MAINTENANCE, { input: { instrumentId: 'labs:R-B', from: at(day, 0), to: at(tomorrow, 23), note: '更换灯丝' } }, staff);
    expect(reported.reportMaintenance).toMatchObject({ origin: 'REPORTED', reportedBy: 'sustech.platform' });
    const data = await ok<{ instrument: { utilisation: Usage } }>(`query ($p: String) { instrument(id: "labs:R-B") { utilisation(period: $p) { hoursUsed availableHours share } } }`, { p: month });
    expect(data.instrument.utilisation.availableHours).toBe(monthOpen - 18);
    expect(data.instrument.utilisation.share).toBeCloseTo(5 / (monthOpen - 18), 3);
    // not for another institution's instrument, and not backwards
    const foreign = await hub.gql(MAINTENANCE, { input: { instrumentId: 'labs:R-C', from: at(day, 0), to: at(day, 23) } }, staff);
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const backwards = await hub.gql(MAINTENANCE, { input: { instrumentId: 'labs:R-B', from: at(day, 10), to: at(day, 9) } });
    expect(backwards.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rates sharing with stars from external hours and users\' ratings, with the formula published', async () => {
    // a user of another institution rated a completed booking of R-A
    const db = hub.database.db;
    await db('bookings').insert({
      id: 'bk-rated', instrument_id: 'labs:R-A', owner_institution_id: institutionIdFor('南方科技大学'), booker_id: 'someone', booker_institution_id: institutionIdFor('深圳大学'),
      mode: 'ASSISTED', purpose: 'SEM imaging', status: 'COMPLETED', period: db.raw('tstzrange(?::timestamptz, ?::timestamptz)', [at(day, 9), at(day, 11)]),
      request_fingerprint: 'x', external: true, quote: '{}', price: '800.00', created_at: new Date(), updated_at: new Date(),
    });
    await db('booking_ratings').insert({ booking_id: 'bk-rated', instrument_id: 'labs:R-A', rating: 5, rated_at: new Date(Date.parse(at(day, 12))) });
    const data = await ok<{ a: { sharingRating: { stars: number; score: number; explanation: string; externalHours: number; availableHours: number; ratings: number; meanRating: number } }; d: { sharingRating: { stars: number } }; sharingRatingFormula: string }>(
      `{ a: instrument(id: "labs:R-A") { sharingRating { stars score explanation externalHours availableHours ratings meanRating } }
         d: instrument(id: "labs:R-D") { sharingRating { stars } } sharingRatingFormula }`);
    const rating = data.a.sharingRating;
    expect(rating.externalHours).toBe(monthOpen);
    expect([rating.ratings, rating.meanRating]).toEqual([1, 5]);
    const expected = sharingStars({ externalHours: rating.externalHours, availableHours: rating.availableHours, ratings: [5], sharing: 'OPEN' });
    expect(rating.stars).toBe(expected.stars);
    expect(rating.score).toBe(expected.score);
    expect(rating.stars).toBeGreaterThanOrEqual(3);
    expect(rating.explanation).toContain('mean rating 5 of 5');
    expect(data.d.sharingRating.stars).toBe(1);
    expect(data.sharingRatingFormula).toContain('score = 70 × min(1, externalShare / 0.3) + 30 × satisfaction');
  });

  it('gives institutions their sharing rate and their figures month by month', async () => {
    const data = await ok<{ instrument: { institution: { name: string; sharingRate: { instruments: number; openInstruments: number; instrumentShare: number; hourShare: number } } } }>(
      `query ($p: String) { instrument(id: "labs:R-C") { institution { name sharingRate(period: $p) { instruments openInstruments instrumentShare hourShare } } } }`, { p: month });
    // 深圳大学: R-C (校内共享) and R-D (不共享, retired): none open; R-D's use is left out, R-C was not used
    expect(data.instrument.institution).toEqual({ name: '深圳大学', sharingRate: { instruments: 2, openInstruments: 0, instrumentShare: 0, hourShare: 0 } });
    const sustech = await ok<{ instrument: { institution: { sharingRate: { instrumentShare: number; hourShare: number }; monthlyUtilisation: Array<{ month: string; hoursUsed: number; availableHours: number }> } } }>(
      `query ($p: String) { instrument(id: "labs:R-A") { institution { sharingRate(period: $p) { instrumentShare hourShare } monthlyUtilisation(period: $p) { month hoursUsed availableHours } } } }`, { p: month });
    expect(sustech.instrument.institution.sharingRate.instrumentShare).toBe(1);
    expect(sustech.instrument.institution.sharingRate.hourShare).toBeCloseTo(monthOpen / (monthOpen + 5), 3);
    // month by month too: both instruments' hours, their opening hours less R-B's 18 h of repair
    expect(sustech.instrument.institution.monthlyUtilisation).toEqual([{ month, hoursUsed: monthOpen + 5, availableHours: 2 * monthOpen - 18 }]);
  });

  it('counts an instrument\'s own opening hours, set with its booking policy, as its available hours', async () => {
    // 深圳湾实验室's computing node runs round the clock, every day
    const policy = await hub.gql(`mutation ($input: BookingPolicyInput!) { setBookingPolicy(instrumentId: "labs:R-E", input: $input) { autoApprove } }`, {
      input: { autoApprove: true, maxHours: 24, minNoticeHours: 0, freeCancelHours: 0, voucherEligible: false, openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, open: 0, close: 24 })) },
    });
    expect(policy.errors, JSON.stringify(policy.errors)).toBeUndefined();
    const roundTheClock = availableHours(monthStart(month), monthStart(addMonths(month, 1)), { days: { 0: [[0, 24]], 1: [[0, 24]], 2: [[0, 24]], 3: [[0, 24]], 4: [[0, 24]], 5: [[0, 24]], 6: [[0, 24]] } });
    expect(roundTheClock).toBeGreaterThan(monthOpen * 2);
    const data = await ok<{ instrument: { utilisation: Usage; institution: { monthlyUtilisation: Array<{ availableHours: number }> } }; institutionUtilisationRanking: Array<{ institution: { name: string }; utilisation: Usage }>; cityStatistics: { openHours: number } }>(
      `query ($p: String) { instrument(id: "labs:R-E") { utilisation(period: $p) { availableHours } institution { monthlyUtilisation(period: $p) { availableHours } } }
        institutionUtilisationRanking(period: $p, filter: { districts: ["光明区"] }, first: 5) { institution { name } utilisation { availableHours } }
        cityStatistics(filter: { period: $p, districts: ["光明区"] }) { openHours } }`, { p: month });
    expect(data.instrument.utilisation.availableHours).toBe(roundTheClock);
    expect(data.instrument.institution.monthlyUtilisation).toEqual([{ availableHours: roundTheClock }]);
    expect(data.institutionUtilisationRanking).toEqual([{ institution: { name: '深圳湾实验室' }, utilisation: { availableHours: roundTheClock } }]);
    expect(data.cityStatistics.openHours).toBe(roundTheClock);
  });

  it('refuses a period it cannot read', async () => {
    const bad = await hub.gql(RANK, { period: 'last summer' });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toContain('expected a year (2026), a quarter (2026-Q3)');
    const backwards = await hub.gql(RANK, { period: '2026-06..2026-01' });
    expect(backwards.errors?.[0].message).toContain('ends before it starts');
  });
});
