/**
 * Usage telemetry through the gateway: owners' staff and the administrator report sessions,
 * owners' systems report them through their connector; duplicates and overlaps are merged,
 * never double-counted; bad sessions are rejected one by one with a reason and nothing of
 * them is counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveConnector, type ServedConnector } from '../connectors/sdk/serve-connector.ts';
import { createSpreadsheetAdapter } from '../connectors/spreadsheet/spreadsheet-connector.ts';
import type { ConnectorAdapter, UsageRecord } from '../connectors/sdk/contract.ts';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub, REMOTE_CREDENTIAL } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { at, lastMonthWednesday, userToken } from './support/oversight-fixtures.ts';

const OWNERS = [
  ['U-1', '场发射扫描电镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '南方科技大学', '高等院校', '南山区', '对外开放', '在用', '400'],
  ['U-2', 'X射线衍射仪', '', 'D8 ADVANCE', 'Bruker', '分析仪器', '120', '2018-01-01', '深圳大学', '高等院校', '南山区', '校内共享', '闲置', '300'],
];
const OTHERS = [
  ['O-1', '液相色谱仪', '', '1260', 'Agilent', '分析仪器', '50', '2020-01-01', '深圳湾实验室', '科研院所', '光明区', '对外开放', '在用', '200'],
];

const REPORT = `mutation ($sessions: [UsageSessionInput!]!) { reportUsage(sessions: $sessions) { accepted duplicates rejected items { index instrumentId status reason } } }`;
const PULL = `mutation ($sourceId: ID!) { pullConnectorUsage(sourceId: $sourceId) { sourceId supported report { accepted duplicates rejected items { index instrumentId status reason } } } }`;
const USAGE = `query ($id: ID!, $period: String) { instrument(id: $id) { id utilisation(period: $period) { hoursUsed externalHours availableHours share sessions } } }`;

interface Report { accepted: number; duplicates: number; rejected: number; items: Array<{ index: number; instrumentId: string; status: string; reason: string | null }> }
interface Usage { hoursUsed: number; externalHours: number; availableHours: number; share: number; sessions: number }

describe.each(DATABASE_TARGETS)('usage reporting ($name)', (target) => {
  let hub: TestHub;
  let metered: ServedConnector;
  let silent: ServedConnector;
  let staff: string;
  let otherStaff: string;
  let user: string;
  const { day, month } = lastMonthWednesday();
  const meterLog: UsageRecord[] = [];

  const report = async (sessions: object[], token?: string | null) => {
    const response = await hub.gql<{ reportUsage: Report }>(REPORT, { sessions }, token);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!.reportUsage;
  };
  const usage = async (id: string) => {
    const response = await hub.gql<{ instrument: { utilisation: Usage } }>(USAGE, { id, period: month });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!.instrument.utilisation;
  };
  const storedSessions = async () => Number((await hub.database.db('usage_sessions').count('* as n'))[0].n);

  beforeAll(async () => {
    hub = await startTestHub(target);
    for (const [id, rows] of [['owners', OWNERS], ['others', OTHERS]] as const) {
      const added = await hub.gql(ADD_SOURCE, addSourceInput(id, 'SPREADSHEET', { file: writeSheet(hub.dataDir, `${id}.csv`, rows.map((r) => [...r])) }));
      expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    }
    // an institution's own connector whose interlock logs sessions, and one whose system logs none
    const meteredSheet = writeSheet(hub.dataDir, 'metered.csv', [['M-1', '透射电镜', '', 'JEM-2100F', 'JEOL', '分析仪器', '650', '2018-06-01', '南方科技大学', '高等院校', '南山区', '对外开放', '在用', '1200']]);
    const adapter: ConnectorAdapter = { ...createSpreadsheetAdapter('metered', { file: meteredSheet }), listUsage: async () => meterLog };
    metered = await serveConnector({ sourceId: 'metered', credential: REMOTE_CREDENTIAL, adapter });
    silent = await serveConnector({ sourceId: 'silent', credential: REMOTE_CREDENTIAL, adapter: createSpreadsheetAdapter('silent', { file: writeSheet(hub.dataDir, 'silent.csv', [['S-1', '原子力显微镜', '', 'Dimension Icon', 'Bruker', '分析仪器', '200', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '在用', '500']]) }) });
    for (const [id, served] of [['metered', metered], ['silent', silent]] as const) {
      const added = await hub.gql(ADD_SOURCE, addSourceInput(id, 'REMOTE', { url: served.url }));
      expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    }
    staff = await userToken(hub, 'sustech.staff', '南方科技大学', 'INSTITUTION_STAFF');
    otherStaff = await userToken(hub, 'szu.staff', '深圳大学', 'INSTITUTION_STAFF');
    user = await userToken(hub, 'a.user', '南方科技大学', 'USER');
  });
  afterAll(async () => {
    await hub?.close();
    await metered?.close();
    await silent?.close();
  });

  it('counts a meter and a logbook reporting the same run once, and a repeated report not at all', async () => {
    const meter = { instrumentId: 'owners:U-1', startedAt: at(day, 9), endedAt: at(day, 12), userKind: 'EXTERNAL', evidence: 'METER' };
    const logbook = { instrumentId: 'owners:U-1', startedAt: at(day, 10), endedAt: at(day, 13), userKind: 'EXTERNAL', evidence: 'LOGBOOK', sourceId: 'owners' };
    const first = await report([meter, logbook, meter], staff);
    expect(first.items.map((i) => i.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'DUPLICATE']);
    expect(first.items[2].reason).toContain('repeats item 0');
    expect([first.accepted, first.duplicates, first.rejected]).toEqual([2, 1, 0]);
    // the meter's batch sent again (a retry) changes nothing
    const retry = await report([meter], staff);
    expect(retry.items[0]).toMatchObject({ status: 'DUPLICATE', reason: expect.stringContaining('already recorded') });
    const used = await usage('owners:U-1');
    // 09:00–12:00 and 10:00–13:00 merge into 4 hours, all of them external
    expect(used.hoursUsed).toBe(4);
    expect(used.externalHours).toBe(4);
    expect(used.sessions).toBe(2);
    expect(used.availableHours).toBeGreaterThan(150);
    expect(used.share).toBeCloseTo(4 / used.availableHours, 3);
  });

  it('rejects bad sessions one by one with the reason, counting nothing of them', async () => {
    const before = await storedSessions();
    const usedBefore = await usage('owners:U-1');
    const future = new Date(Date.now() + 3 * 86_400_000);
    const result = await report([
      { instrumentId: 'owners:U-1', startedAt: at(day, 15), endedAt: at(day, 14), userKind: 'INTERNAL', evidence: 'METER' },
      { instrumentId: 'owners:U-1', startedAt: future.toISOString(), endedAt: new Date(future.getTime() + 3_600_000).toISOString(), userKind: 'INTERNAL', evidence: 'METER' },
      { instrumentId: 'owners:NOPE', startedAt: at(day, 14), endedAt: at(day, 15), userKind: 'INTERNAL', evidence: 'METER' },
      { instrumentId: 'owners:U-1', startedAt: at(day, 14), endedAt: at(day, 15), userKind: 'INTERNAL', evidence: 'METER', sourceId: 'others' },
      { instrumentId: 'owners:U-1', startedAt: at(day, 14), endedAt: at(day, 15), userKind: 'INTERNAL', evidence: 'INTERLOCK' },
    ], hub.adminToken);
    expect(result.items.map((i) => i.status)).toEqual(['REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'ACCEPTED']);
    expect(result.items[0].reason).toMatch(/endedAt .* is not after startedAt/);
    expect(result.items[1].reason).toContain('ends in the future');
    expect(result.items[2].reason).toBe('unknown instrument owners:NOPE: no source lists it');
    expect(result.items[3].reason).toBe('source others does not own instrument owners:U-1 (source owners lists it)');
    expect(await storedSessions()).toBe(before + 1);
    expect((await usage('owners:U-1')).hoursUsed).toBe(usedBefore.hoursUsed + 1);
  });

  it('lets staff report only for their own institution\'s instruments', async () => {
    const before = await storedSessions();
    const result = await report([{ instrumentId: 'owners:U-2', startedAt: at(day, 9), endedAt: at(day, 10), userKind: 'INTERNAL', evidence: 'LOGBOOK' }], staff);
    expect(result.items[0].status).toBe('REJECTED');
    expect(result.items[0].reason).toContain('belongs to 深圳大学');
    const own = await report([{ instrumentId: 'owners:U-2', startedAt: at(day, 9), endedAt: at(day, 10), userKind: 'INTERNAL', evidence: 'LOGBOOK' }], otherStaff);
    expect(own.accepted).toBe(1);
    expect(await storedSessions()).toBe(before + 1);
    const anonymous = await hub.gql(REPORT, { sessions: [] }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const plainUser = await hub.gql(REPORT, { sessions: [] }, user);
    expect(plainUser.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const badEnum = await hub.gql(REPORT, { sessions: [{ instrumentId: 'owners:U-2', startedAt: at(day, 9), endedAt: at(day, 10), userKind: 'ALIEN', evidence: 'LOGBOOK' }] }, otherStaff);
    expect(badEnum.errors?.[0].message).toContain('ALIEN');
  });

  it('pulls sessions from an owner\'s connector, checking each and merging repeats', async () => {
    meterLog.splice(0, meterLog.length,
      { localId: 'M-1', startedAt: new Date(at(day, 9)), endedAt: new Date(at(day, 11)), userKind: 'INTERNAL', evidence: 'INTERLOCK' },
      { localId: 'M-1', startedAt: new Date(at(day, 14)), endedAt: new Date(at(day, 17)), userKind: 'EXTERNAL', evidence: 'INTERLOCK' },
      { localId: 'M-404', startedAt: new Date(at(day, 9)), endedAt: new Date(at(day, 10)), userKind: 'INTERNAL', evidence: 'INTERLOCK' },
      { localId: 'M-1', startedAt: new Date(at(day, 12)), endedAt: new Date(at(day, 11)), userKind: 'INTERNAL', evidence: 'INTERLOCK' },
    );
    const first = await hub.gql<{ pullConnectorUsage: { supported: boolean; report: Report } }>(PULL, { sourceId: 'metered' });
    expect(first.errors, JSON.stringify(first.errors)).toBeUndefined();
    const pulled = first.data!.pullConnectorUsage;
    expect(pulled.supported).toBe(true);
    expect(pulled.report.items.map((i) => i.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'REJECTED', 'REJECTED']);
    expect(pulled.report.items[2].reason).toBe('unknown instrument metered:M-404: no source lists it');
    // the owner's system answers the same sessions again on the next pull: nothing new
    const again = await hub.gql<{ pullConnectorUsage: { report: Report } }>(PULL, { sourceId: 'metered' });
    expect(again.data!.pullConnectorUsage.report).toMatchObject({ accepted: 0, duplicates: 2, rejected: 2 });
    const used = await usage('metered:M-1');
    expect(used).toMatchObject({ hoursUsed: 5, externalHours: 3, sessions: 2 });
    // a connector whose system logs no usage says so
    const none = await hub.gql<{ pullConnectorUsage: { supported: boolean } }>(PULL, { sourceId: 'silent' });
    expect(none.data!.pullConnectorUsage.supported).toBe(false);
    const notAdmin = await hub.gql(PULL, { sourceId: 'metered' }, staff);
    expect(notAdmin.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
