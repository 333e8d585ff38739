/**
 * Facility operations through the gateway: planned outages cancel the bookings inside them and
 * refuse new ones; no-shows are released and the wait list offered the slot; notifications
 * reach a real SMTP server; calendar feeds parse as iCalendar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, ADD_SOURCE, addSourceInput, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { slot } from './support/booking-slots.ts';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';

const SZU = institutionIdFor('深圳大学');
const SUSTECH = institutionIdFor('南方科技大学');
const ROWS = [
  ['F-1', '透射电镜', '', 'JEM-2100F', 'JEOL', '分析仪器', '650', '2018-06-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '1200'],
  ['F-2', '场发射扫描电镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '400'],
  ['F-3', '原子力显微镜', '', 'Dimension Icon', 'Bruker', '分析仪器', '200', '2020-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '500'],
];

const REQUEST = `mutation ($input: BookingRequestInput!) { requestBooking(input: $input) { id status from to } }`;
const OUTAGE = `mutation ($instrumentId: ID!, $from: DateTime!, $to: DateTime!, $reason: String!) {
  scheduleOutage(instrumentId: $instrumentId, from: $from, to: $to, reason: $reason) { id instrumentId from to reason scheduledBy } }`;

describe.each(DATABASE_TARGETS)('facility operations ($name)', (target) => {
  let hub: TestHub;
  const tokens: Record<string, string> = {};
  const book = (user: string, input: Record<string, unknown>) =>
    hub.gql<{ requestBooking: { id: string; status: string; from: string; to: string } }>(REQUEST, { input: { mode: 'ASSISTED', purpose: '样品形貌表征', ...input } }, tokens[user]);

  beforeAll(async () => {
    hub = await startTestHub(target);
    expect((await hub.gql(ADD_SOURCE, addSourceInput('owner', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'owner.csv', ROWS) }))).errors).toBeUndefined();
    const users: Array<[string, string, string, string]> = [
      ['zhang', 'USER', SUSTECH, '南方科技大学'], ['li', 'USER', SUSTECH, '南方科技大学'], ['chen', 'INSTITUTION_STAFF', SZU, '深圳大学'], ['other.staff', 'INSTITUTION_STAFF', SUSTECH, '南方科技大学'],
    ];
    for (const [id, role, institutionId, institutionName] of users) {
      expect((await hub.gql(`mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`, { input: { id, role, institutionId, institutionName } })).errors).toBeUndefined();
      tokens[id] = (await hub.userTokens.issue(id, 1)).token;
    }
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('an outage cancels the two bookings inside it without a fee and refuses a third request with OUTAGE', async () => {
    const day = slot(4, 9, 18);
    const first = await book('zhang', { instrumentId: 'owner:F-1', ...slot(4, 9, 11) });
    const second = await book('li', { instrumentId: 'owner:F-1', ...slot(4, 13, 15) });
    const outside = await book('li', { instrumentId: 'owner:F-1', ...slot(4, 16, 17) });
    for (const r of [first, second, outside]) expect(r.errors).toBeUndefined();
    const approved = await hub.gql(`mutation ($id: ID!) { approveBooking(id: $id) { status } }`, { id: first.data!.requestBooking.id }, tokens.chen);
    expect(approved.errors).toBeUndefined();

    const window = slot(4, 9, 16);
    const byOtherInstitution = await hub.gql(OUTAGE, { instrumentId: 'owner:F-1', ...window, reason: '年度校准' }, tokens['other.staff']);
    expect(byOtherInstitution.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const noReason = await hub.gql(OUTAGE, { instrumentId: 'owner:F-1', ...window, reason: '  ' }, tokens.chen);
    expect(noReason.errors?.[0].message).toContain('reason:');

    const scheduled = await hub.gql<{ scheduleOutage: { id: string; from: string; to: string; reason: string; scheduledBy: string } }>(OUTAGE, { instrumentId: 'owner:F-1', ...window, reason: '年度校准 annual calibration' }, tokens.chen);
    expect(scheduled.errors).toBeUndefined();
    expect(scheduled.data?.scheduleOutage).toMatchObject({ from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), scheduledBy: 'chen' });

    const HISTORY = `query ($id: ID!) { booking(id: $id) { status cancellationFee history { action byRole note } } }`;
    for (const [user, id] of [['zhang', first.data!.requestBooking.id], ['li', second.data!.requestBooking.id]] as const) {
      const seen = await hub.gql<{ booking: { status: string; cancellationFee: string; history: Array<{ action: string; byRole: string; note: string | null }> } }>(HISTORY, { id }, tokens[user]);
      expect(seen.data?.booking.status).toBe('CANCELLED');
      expect(seen.data?.booking.cancellationFee).toBe('0.00');
      expect(seen.data?.booking.history.at(-1)).toEqual({ action: 'CANCEL', byRole: 'OWNER_STAFF', note: 'planned outage: 年度校准 annual calibration' });
    }
    const kept = await hub.gql<{ booking: { status: string } }>(HISTORY, { id: outside.data!.requestBooking.id }, tokens.li);
    expect(kept.data?.booking.status).toBe('REQUESTED');

    const third = await book('zhang', { instrumentId: 'owner:F-1', ...slot(4, 10, 12) });
    expect(third.errors?.[0].extensions?.code).toBe('OUTAGE');
    expect(third.errors?.[0].message).toContain('年度校准');

    // the outage leaves availability, and its hours are maintenance for utilisation
    const free = await hub.gql<{ instrument: { availability: Array<{ from: string; to: string }> } }>(
      `query ($from: DateTime!, $to: DateTime!) { instrument(id: "owner:F-1") { availability(from: $from, to: $to) { from to } } }`, day, tokens.zhang);
    // 09–16 out of service, 16–17 still requested: 17–18 is free
    expect(free.data?.instrument.availability).toEqual([{ from: new Date(slot(4, 17, 18).from).toISOString(), to: new Date(day.to).toISOString() }]);
    const maintenance = await hub.database.db('maintenance_periods').where({ instrument_id: 'owner:F-1', origin: 'OUTAGE' });
    expect(maintenance.map((m: { starts_at: Date; ends_at: Date }) => [new Date(m.starts_at).toISOString(), new Date(m.ends_at).toISOString()])).toEqual([[new Date(window.from).toISOString(), new Date(window.to).toISOString()]]);
    const listed = await hub.gql<{ outages: Array<{ reason: string }> }>(`query ($from: DateTime!, $to: DateTime!) { outages(instrumentId: "owner:F-1", from: $from, to: $to) { reason } }`, day, tokens.zhang);
    expect(listed.data?.outages.map((o) => o.reason)).toEqual(['年度校准 annual calibration']);
  });
});
