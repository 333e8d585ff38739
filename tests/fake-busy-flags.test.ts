/**
 * 假忙碌 detection end to end: the job reads usage, hub bookings and the owner's own calendar
 * (a SQL asset database through its connector), flags instruments declared busy or blocked
 * without use and those declared idle or under repair while used, lists them for the centre
 * with the evidence, and takes them through explanation and resolution.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { createAssetDatabase } from './support/source-fixtures.ts';
import { userToken } from './support/oversight-fixtures.ts';
import { openIntervals } from '../schema/opening-hours.ts';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';

const DAY = 86_400_000;
const RUN = `mutation ($days: Int) { runFakeBusyDetection(quietDays: $days) { id status quietDays instruments raised stillActive cleared bookingsImported calendarProblems } }`;
const FLAGS = `query ($status: [FakeBusyFlagStatus!], $kinds: [FakeBusyKind!]) { fakeBusyFlags(status: $status, kinds: $kinds, first: 50) {
  totalCount endCursor nodes { id kind status active declaredStatus evidence openHours usedHours blockedHours instrumentName institutionName
    instrument { id name } institution { name } ownerExplanation explainedBy resolutionNote resolvedBy } } }`;
const EXPLAIN = `mutation ($id: ID!, $text: String!) { explainFakeBusyFlag(flagId: $id, explanation: $text) { id status ownerExplanation explainedBy } }`;
const RESOLVE = `mutation ($id: ID!, $resolution: FakeBusyResolution!, $note: String!) { resolveFakeBusyFlag(flagId: $id, resolution: $resolution, note: $note) { id status resolutionNote resolvedBy } }`;

interface Flag { id: string; kind: string; status: string; active: boolean; declaredStatus: string; evidence: string[]; openHours: number; usedHours: number; blockedHours: number; instrumentName: string; institutionName: string; instrument: { id: string; name: string }; institution: { name: string }; ownerExplanation: string | null; resolutionNote: string | null; resolvedBy: string | null }
interface Run { status: string; quietDays: number; instruments: number; raised: number; stillActive: number; cleared: number; bookingsImported: number; calendarProblems: string[] }

describe.each(DATABASE_TARGETS)('fake-busy flags ($name)', (target) => {
  let hub: TestHub;
  let reviewer: string;
  let staff: string;
  let otherStaff: string;
  let user: string;
  const now = Date.now();

  const ok = async <T>(query: string, variables: Record<string, unknown> = {}, token?: string | null) => {
    const response = await hub.gql<T>(query, variables, token);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!;
  };
  const run = async (days = 14) => (await ok<{ runFakeBusyDetection: Run }>(RUN, { days })).runFakeBusyDetection;
  const flags = async (status: string[] = ['OPEN'], token = reviewer) => (await ok<{ fakeBusyFlags: { totalCount: number; nodes: Flag[] } }>(FLAGS, { status }, token)).fakeBusyFlags;
  const flagOf = (list: Flag[], id: string) => list.filter((f) => f.instrument.id === id).map((f) => f.kind);
  /** every opening hour of the last ten days, as usage sessions */
  const busyDays = (instrumentId: string) => openIntervals(new Date(now - 10 * DAY), new Date(now - 10 * 60_000)).map((slot) => ({
    instrumentId, startedAt: slot.from.toISOString(), endedAt: slot.to.toISOString(), userKind: 'INTERNAL', evidence: 'METER',
  }));

  beforeAll(async () => {
    hub = await startTestHub(target);
    const assetDir = path.join(hub.dataDir, 'campus-assets');
    const config = await createAssetDatabase(assetDir, [
      { id: 'S-BUSY', name: '场发射扫描电镜', model: 'Sigma 300', maker: 'Zeiss', category: '分析仪器', valueWan: 300, status: '使用中', sharing: '对外开放' },
      { id: 'S-USED', name: '透射电镜', model: 'JEM-2100F', maker: 'JEOL', category: '分析仪器', valueWan: 650, status: '使用中', sharing: '对外开放' },
      { id: 'S-BLOCK', name: 'X射线衍射仪', model: 'D8 ADVANCE', maker: 'Bruker', category: '分析仪器', valueWan: 120, status: '闲置', sharing: '对外开放' },
      { id: 'S-IDLE', name: '激光共聚焦显微镜', model: 'LSM 980', maker: 'Zeiss', category: '分析仪器', valueWan: 400, status: '闲置', sharing: '对外开放' },
      { id: 'S-REPAIR', name: '核磁共振波谱仪', model: 'AVANCE NEO 400', maker: 'Bruker', category: '分析仪器', valueWan: 400, status: '待修', sharing: '对外开放' },
      { id: 'S-BOOKED', name: '原子力显微镜', model: 'Dimension Icon', maker: 'Bruker', category: '分析仪器', valueWan: 200, status: '使用中', sharing: '对外开放' },
    ]);
    // the owner closed S-BLOCK's calendar for weeks, in its own booking table
    const owner = await PGlite.create(assetDir);
    await owner.query(`insert into 预约记录 (预约编号, 资产编号, 开始时间, 结束时间, 预约人, 用途, 状态) values ($1, $2, $3, $4, $5, $6, $7)`,
      ['R-1', 'S-BLOCK', new Date(now - 20 * DAY).toISOString(), new Date(now + 5 * DAY).toISOString(), '课题组', '内部预留', '已确认']);
    await owner.close();
    const added = await hub.gql(ADD_SOURCE, addSourceInput('campus', 'SQL', config));
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();

    const used = await ok<{ reportUsage: { accepted: number; rejected: number } }>(`mutation ($s: [UsageSessionInput!]!) { reportUsage(sessions: $s) { accepted rejected } }`,
      { s: [...busyDays('campus:S-USED'), ...busyDays('campus:S-IDLE'), ...busyDays('campus:S-REPAIR')] });
    expect(used.reportUsage.rejected).toBe(0);
    // S-BOOKED was booked through the hub and the booking completed: that is use
    const db = hub.database.db;
    const slot = openIntervals(new Date(now - 6 * DAY), new Date(now - DAY))[0];
    await db('bookings').insert({
      id: 'bk-1', instrument_id: 'campus:S-BOOKED', owner_institution_id: institutionIdFor('深圳大学'), booker_id: 'guest', booker_institution_id: 'inst-guest',
      mode: 'ASSISTED', purpose: 'AFM', status: 'COMPLETED', period: db.raw('tstzrange(?::timestamptz, ?::timestamptz)', [slot.from.toISOString(), slot.to.toISOString()]),
      request_fingerprint: 'x', external: true, quote: '{}', price: '500.00', created_at: new Date(), updated_at: new Date(),
    });
    reviewer = await userToken(hub, 'centre.reviewer', '深圳市科技创新局', 'REVIEWER');
    staff = await userToken(hub, 'szu.platform', '深圳大学', 'INSTITUTION_STAFF');
    otherStaff = await userToken(hub, 'sustech.platform', '南方科技大学', 'INSTITUTION_STAFF');
    user = await userToken(hub, 'plain.user', '深圳大学', 'USER');
  });
  afterAll(async () => hub?.close());

  it('flags declared-busy, blocked, idle-but-used and broken-but-used instruments, with evidence', async () => {
    const summary = await run();
    expect(summary).toMatchObject({ status: 'SUCCEEDED', quietDays: 14, instruments: 6, raised: 4, stillActive: 0, cleared: 0, bookingsImported: 1, calendarProblems: [] });
    const open = await flags();
    expect(open.totalCount).toBe(4);
    expect(flagOf(open.nodes, 'campus:S-BUSY')).toEqual(['DECLARED_BUSY_UNUSED']);
    expect(flagOf(open.nodes, 'campus:S-BLOCK')).toEqual(['CALENDAR_BLOCKED_UNUSED']);
    expect(flagOf(open.nodes, 'campus:S-IDLE')).toEqual(['DECLARED_IDLE_BUT_USED']);
    expect(flagOf(open.nodes, 'campus:S-REPAIR')).toEqual(['DECLARED_BROKEN_BUT_USED']);
    // used, and booked through the hub: nothing to flag
    expect(flagOf(open.nodes, 'campus:S-USED')).toEqual([]);
    expect(flagOf(open.nodes, 'campus:S-BOOKED')).toEqual([]);

    const busy = open.nodes.find((f) => f.instrument.id === 'campus:S-BUSY')!;
    expect(busy).toMatchObject({ status: 'OPEN', active: true, declaredStatus: 'IN_USE', usedHours: 0, instrumentName: '场发射扫描电镜', institutionName: '深圳大学', institution: { name: '深圳大学' } });
    expect(busy.openHours).toBeGreaterThan(50);
    expect(busy.evidence[0]).toContain('no usage session and no booking in the 14 days');
    const blocked = open.nodes.find((f) => f.instrument.id === 'campus:S-BLOCK')!;
    expect(blocked.blockedHours).toBe(blocked.openHours);
    expect(blocked.evidence[0]).toContain('(100 %)');
    const idle = open.nodes.find((f) => f.instrument.id === 'campus:S-IDLE')!;
    expect(idle.usedHours).toBeGreaterThanOrEqual(40);
    // the completed booking now counts as use, and the declared repair takes hours out of availability
    const db = hub.database.db;
    expect(await db('usage_sessions').where({ instrument_id: 'campus:S-BOOKED', evidence: 'BOOKING' }).count('* as n')).toEqual([{ n: 1 }]);
    expect(await db('maintenance_periods').where({ instrument_id: 'campus:S-REPAIR', origin: 'DECLARED' }).whereNull('ends_at').count('* as n')).toEqual([{ n: 1 }]);

    const onInstrument = await ok<{ instrument: { fakeBusyFlags: Array<{ kind: string }> } }>(`{ instrument(id: "campus:S-BUSY") { fakeBusyFlags { kind } } }`, {}, reviewer);
    expect(onInstrument.instrument.fakeBusyFlags.map((f) => f.kind)).toEqual(['DECLARED_BUSY_UNUSED']);
  });

  it('keeps one flag per condition across nightly runs, run by hand with `npx irhub oversight flag-fake-busy`', async () => {
    const cli = await promisify(execFile)(process.execPath, [path.resolve('gateway/bin/irhub.js'), 'oversight', 'flag-fake-busy', '--days', '14'],
      { env: { ...process.env, IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken } });
    expect(cli.stdout).toContain('6 instruments over 14 days: 0 flags raised, 4 still active, 0 cleared');
    const runs = await ok<{ fakeBusyRuns: Array<Run & { status: string }> }>(`{ fakeBusyRuns(first: 5) { status instruments raised stillActive bookingsImported } }`, {}, reviewer);
    expect(runs.fakeBusyRuns.map((r) => [r.status, r.raised, r.stillActive, r.bookingsImported])).toEqual([['SUCCEEDED', 0, 4, 0], ['SUCCEEDED', 4, 0, 1]]);
    expect((await flags()).totalCount).toBe(4);
  });

  it('shows the list to the centre and to the owner\'s staff only', async () => {
    expect((await flags(['OPEN'], staff)).totalCount).toBe(4);
    expect((await flags(['OPEN'], otherStaff)).totalCount).toBe(0);
    const plain = await hub.gql(FLAGS, { status: ['OPEN'] }, user);
    expect(plain.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await hub.gql(FLAGS, { status: ['OPEN'] }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const byKind = await ok<{ fakeBusyFlags: { nodes: Flag[] } }>(FLAGS, { status: ['OPEN'], kinds: ['CALENDAR_BLOCKED_UNUSED'] }, reviewer);
    expect(byKind.fakeBusyFlags.nodes.map((f) => f.instrument.id)).toEqual(['campus:S-BLOCK']);
  });

  it('takes a flag through the owner\'s explanation and the centre\'s decision', async () => {
    const open = await flags();
    const busy = open.nodes.find((f) => f.instrument.id === 'campus:S-BUSY')!;
    const blocked = open.nodes.find((f) => f.instrument.id === 'campus:S-BLOCK')!;
    const foreign = await hub.gql(EXPLAIN, { id: busy.id, text: 'not ours' }, otherStaff);
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const explained = await ok<{ explainFakeBusyFlag: { status: string; ownerExplanation: string; explainedBy: string } }>(EXPLAIN, { id: busy.id, text: '长期实验占用，使用记录未接入' }, staff);
    expect(explained.explainFakeBusyFlag).toEqual({ id: busy.id, status: 'OPEN', ownerExplanation: '长期实验占用，使用记录未接入', explainedBy: 'szu.platform' });
    const byStaff = await hub.gql(RESOLVE, { id: busy.id, resolution: 'EXPLAINED', note: 'ok' }, staff);
    expect(byStaff.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const noNote = await hub.gql(RESOLVE, { id: busy.id, resolution: 'EXPLAINED', note: ' ' }, reviewer);
    expect(noNote.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const accepted = await ok<{ resolveFakeBusyFlag: { status: string; resolvedBy: string } }>(RESOLVE, { id: busy.id, resolution: 'EXPLAINED', note: '接受说明：限期接入使用记录' }, reviewer);
    expect(accepted.resolveFakeBusyFlag).toMatchObject({ status: 'EXPLAINED', resolvedBy: 'centre.reviewer' });
    const twice = await hub.gql(RESOLVE, { id: busy.id, resolution: 'CONFIRMED', note: 'changed my mind' }, reviewer);
    expect(twice.errors?.[0].extensions?.code).toBe('CONFLICT');
    const confirmed = await ok<{ resolveFakeBusyFlag: { status: string } }>(RESOLVE, { id: blocked.id, resolution: 'CONFIRMED', note: '预约日历长期封锁且无使用' }, reviewer);
    expect(confirmed.resolveFakeBusyFlag.status).toBe('CONFIRMED');
    const unknown = await hub.gql(RESOLVE, { id: '999999', resolution: 'CONFIRMED', note: 'x' }, reviewer);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await flags(['OPEN'])).totalCount).toBe(2);
    expect((await flags(['EXPLAINED', 'CONFIRMED'])).totalCount).toBe(2);
    // a resolved flag is not raised again while its condition goes on
    expect(await run()).toMatchObject({ raised: 0, stillActive: 4 });
  });

  it('clears an unresolved flag whose condition ended, and raises a new one when it comes back', async () => {
    const db = hub.database.db;
    // S-IDLE's use falls out of the window
    const sessions = await db('usage_sessions').where({ instrument_id: 'campus:S-IDLE' }).select('*');
    await db('usage_sessions').where({ instrument_id: 'campus:S-IDLE' }).delete();
    // S-BUSY is used again: its (explained) flag ends without changing its resolution
    const used = await ok<{ reportUsage: { accepted: number } }>(`mutation ($s: [UsageSessionInput!]!) { reportUsage(sessions: $s) { accepted } }`, { s: busyDays('campus:S-BUSY').slice(0, 2) });
    expect(used.reportUsage.accepted).toBe(2);
    const summary = await run();
    expect(summary).toMatchObject({ raised: 0, stillActive: 2, cleared: 1 });
    const cleared = await flags(['CLEARED']);
    expect(cleared.nodes.map((f) => [f.instrument.id, f.active])).toEqual([['campus:S-IDLE', false]]);
    expect((await flags(['EXPLAINED'])).nodes.map((f) => [f.instrument.id, f.active])).toEqual([['campus:S-BUSY', false]]);
    await db('usage_sessions').insert(sessions.map(({ id: _id, ...s }) => s));
    expect(await run()).toMatchObject({ raised: 1, stillActive: 2 });
    expect(flagOf((await flags(['OPEN'])).nodes, 'campus:S-IDLE')).toEqual(['DECLARED_IDLE_BUT_USED']);
  });
});
