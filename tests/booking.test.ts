/**
 * Booking across institutions through the gateway, with a real owner system behind a remote
 * connector (its reservations are what the connector's calendar and write-back serve): the
 * request-approve workflow and its history, write-back and its compensation, availability,
 * prices and vouchers, qualifications, the database's guarantee against double booking under
 * 50 parallel requests, idempotency, and bad input.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, ADD_SOURCE, addSourceInput, startTestHub, type TestHub, REMOTE_CREDENTIAL } from './support/test-hub.ts';
import { SHEET_HEADER } from './support/source-fixtures.ts';
import { serveConnector, type ServedConnector } from '../connectors/sdk/serve-connector.ts';
import { createSpreadsheetAdapter } from '../connectors/spreadsheet/spreadsheet-connector.ts';
import type { BusyInterval, ConnectorAdapter } from '../connectors/sdk/contract.ts';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';
import { slot } from './support/booking-slots.ts';

const SZU = institutionIdFor('深圳大学');
const SUSTECH = institutionIdFor('南方科技大学');
const ROWS = [
  ['O-1', '透射电镜', '', 'JEM-2100F', 'JEOL', '分析仪器', '650', '2018-06-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '1200', '600'],
  ['O-2', '场发射扫描电镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '400', '200'],
  ['O-3', 'X射线衍射仪', '', 'D8 ADVANCE', 'Bruker', '分析仪器', '150', '2017-01-01', '深圳大学', '高等院校', '南山区', '校内共享', '闲置', '300', '150'],
  ['O-4', '原子力显微镜', '', 'Dimension Icon', 'Bruker', '分析仪器', '200', '2020-01-01', '南方科技大学', '高等院校', '南山区', '对外开放', '闲置', '500', '250'],
  ['O-5', '激光共聚焦显微镜', '', 'LSM 980', 'Zeiss', '分析仪器', '400', '2021-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '500', '250'],
];

/** The owner's reservation system: what its connector's calendar shows and write-back changes. */
class OwnerSystem {
  reservations = new Map<string, { localId: string; from: Date; to: Date; holder: string }>();
  refuse = false;
  attempts = 0;
  adapter(base: ConnectorAdapter): ConnectorAdapter {
    return {
      incremental: base.incremental,
      listInstruments: (request) => base.listInstruments(request),
      liveStatus: (ids) => base.liveStatus(ids),
      calendar: async (localId, from, to): Promise<BusyInterval[]> => [...this.reservations.values()]
        .filter((r) => r.localId === localId && r.from < to && r.to > from).map((r) => ({ from: r.from, to: r.to })),
      placeBooking: async (booking) => {
        this.attempts++;
        if (this.refuse) throw new Error('reservation service is down');
        const ref = `R-${this.reservations.size + 1}`;
        this.reservations.set(ref, { localId: booking.localId, from: booking.from, to: booking.to, holder: booking.holder });
        return { externalRef: ref };
      },
      cancelBooking: async (ref) => { this.reservations.delete(ref); },
    };
  }
}

const BOOKING_FIELDS = 'id status from to mode external writeBack holdUntil cancellationFee quote { rate rateKind subtotal voucherPays youPay lines { label amount } } history { from to action by byRole note }';
const REQUEST = `mutation ($input: BookingRequestInput!) { requestBooking(input: $input) { ${BOOKING_FIELDS} } }`;
const act = (name: string, extra = '') => `mutation ($id: ID!${extra ? `, ${extra}` : ''}) { ${name}(id: $id${extra ? `, ${extra.split(':')[0].replace('$', '')}: ${extra.split(':')[0]}` : ''}) { ${BOOKING_FIELDS} } }`;

interface BookingView {
  id: string; status: string; from: string; to: string; mode: string; external: boolean; writeBack: string; holdUntil: string | null; cancellationFee: string | null;
  quote: { rate: string; rateKind: string; subtotal: string; voucherPays: string; youPay: string; lines: Array<{ label: string; amount: string }> };
  history: Array<{ from: string | null; to: string; action: string; by: string; byRole: string; note: string | null }>;
}

describe.each(DATABASE_TARGETS)('booking ($name)', (target) => {
  let hub: TestHub;
  let connector: ServedConnector;
  const owner = new OwnerSystem();
  const tokens: Record<string, string> = {};
  const book = (user: string, input: Record<string, unknown>) => hub.gql<{ requestBooking: BookingView }>(REQUEST, { input: { mode: 'ASSISTED', purpose: '样品形貌表征', ...input } }, tokens[user]);
  const bookingCount = async () => Number((await hub.database.db('bookings').count('* as n'))[0].n);

  beforeAll(async () => {
    hub = await startTestHub(target);
    const file = path.join(hub.dataDir, 'owner.csv');
    writeFileSync(file, `\uFEFF${[[...SHEET_HEADER, '对内收费（元/小时）'], ...ROWS].map((r) => r.join(',')).join('\r\n')}\r\n`);
    connector = await serveConnector({ sourceId: 'owner', credential: REMOTE_CREDENTIAL, adapter: owner.adapter(createSpreadsheetAdapter('owner', { file })) });
    expect((await hub.gql(ADD_SOURCE, addSourceInput('owner', 'REMOTE', { url: connector.url }))).errors).toBeUndefined();
    const users: Array<[string, string, string, string]> = [
      ['zhang', 'USER', SUSTECH, '南方科技大学'], ['chen', 'INSTITUTION_STAFF', SZU, '深圳大学'], ['szu.user', 'USER', SZU, '深圳大学'],
      ['wang', 'USER', 'company-xinneng', '深圳市新能电池科技有限公司'], ['other.staff', 'INSTITUTION_STAFF', SUSTECH, '南方科技大学'],
    ];
    for (const [id, role, institutionId, institutionName] of users) {
      const added = await hub.gql(`mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`, { input: { id, role, institutionId, institutionName } });
      expect(added.errors).toBeUndefined();
      tokens[id] = (await hub.userTokens.issue(id, 1)).token;
    }
  });
  afterAll(async () => {
    await hub?.close();
    await connector?.close();
  });

  it('books another institution\'s instrument, the owner approves, and the owner\'s system gets the slot', async () => {
    const when = slot(3, 10, 12);
    const requested = await book('zhang', { instrumentId: 'owner:O-1', ...when, samples: 3 });
    expect(requested.errors).toBeUndefined();
    const booking = requested.data!.requestBooking;
    expect(booking.status).toBe('REQUESTED');
    expect(booking.external).toBe(true);
    expect(booking.holdUntil).not.toBeNull();
    // 2 h at the external rate, plus the operator surcharge of ASSISTED use
    expect(booking.quote.rateKind).toBe('EXTERNAL');
    expect(booking.quote.lines[0].amount).toBe('2400.00');
    expect(booking.quote.subtotal).toBe('2880.00');

    const pending = await hub.gql<{ pendingApprovals: Array<{ id: string }> }>('{ pendingApprovals { id } }', {}, tokens.chen);
    expect(pending.data?.pendingApprovals.map((b) => b.id)).toContain(booking.id);
    const elsewhere = await hub.gql<{ pendingApprovals: Array<{ id: string }> }>('{ pendingApprovals { id } }', {}, tokens['other.staff']);
    expect(elsewhere.data?.pendingApprovals.map((b) => b.id)).not.toContain(booking.id);
    const byBooker = await hub.gql(act('approveBooking'), { id: booking.id }, tokens.zhang);
    expect(byBooker.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const approved = await hub.gql<{ approveBooking: BookingView }>(act('approveBooking'), { id: booking.id }, tokens.chen);
    expect(approved.errors).toBeUndefined();
    expect(approved.data?.approveBooking.status).toBe('CONFIRMED');
    expect(approved.data?.approveBooking.writeBack).toBe('DONE');
    expect([...owner.reservations.values()].some((r) => r.localId === 'O-1' && r.from.toISOString() === when.from && r.holder === 'zhang')).toBe(true);
    expect(approved.data?.approveBooking.history.map((h) => [h.from, h.to, h.by, h.byRole])).toEqual([[null, 'REQUESTED', 'zhang', 'USER'], ['REQUESTED', 'CONFIRMED', 'chen', 'OWNER_STAFF']]);

    // the slot is gone from availability; the rest of the day is free
    const AVAILABILITY = `query ($from: DateTime!, $to: DateTime!) { instrument(id: "owner:O-1") { name availability(from: $from, to: $to) { from to } } }`;
    const day = slot(3, 9, 18);
    const free = await hub.gql<{ instrument: { availability: Array<{ from: string; to: string }> } }>(AVAILABILITY, day, tokens.zhang);
    expect(free.errors).toBeUndefined();
    expect(free.data?.instrument.availability.map((s) => [s.from, s.to])).toEqual([[day.from, when.from], [when.to, day.to]].map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()]));

    // the booker cancels with notice: free, and the owner's system lets the slot go
    const cancelled = await hub.gql<{ cancelBooking: BookingView }>(act('cancelBooking', '$reason: String'), { id: booking.id, reason: 'sample not ready' }, tokens.zhang);
    expect(cancelled.data?.cancelBooking.status).toBe('CANCELLED');
    expect(cancelled.data?.cancelBooking.cancellationFee).toBe('0.00');
    expect([...owner.reservations.values()].some((r) => r.localId === 'O-1' && r.from.toISOString() === when.from)).toBe(false);
  });

  it('lets exactly one of 50 parallel requests for overlapping slots through', async () => {
    const base = slot(5, 10, 11);
    const requests = Array.from({ length: 50 }, (_, i) => book(i % 2 ? 'zhang' : 'wang', {
      instrumentId: 'owner:O-2', from: new Date(Date.parse(base.from) + i * 60_000).toISOString(), to: new Date(Date.parse(base.to) + i * 60_000).toISOString(),
    }));
    const results = await Promise.all(requests);
    const won = results.filter((r) => r.data?.requestBooking);
    const lost = results.filter((r) => r.errors);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const r of lost) {
      expect(r.errors?.[0].extensions?.code).toBe('BOOKING_CONFLICT');
      expect(r.errors?.[0].message).toContain('owner:O-2 is already booked from');
    }
    const active = await hub.database.db('bookings').where({ instrument_id: 'owner:O-2' }).whereIn('status', ['REQUESTED', 'CONFIRMED']).count('* as n');
    expect(Number(active[0].n)).toBe(1);
  });

  it('gives the same booking once for the same idempotency key, and refuses the key for another request', async () => {
    const when = slot(6, 14, 15);
    const input = { instrumentId: 'owner:O-1', ...when, idempotencyKey: 'zhang-2026-001' };
    const [first, second] = await Promise.all([book('zhang', input), book('zhang', input)]);
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect(second.data?.requestBooking.id).toBe(first.data?.requestBooking.id);
    const third = await book('zhang', input);
    expect(third.data?.requestBooking.id).toBe(first.data?.requestBooking.id);
    expect(Number((await hub.database.db('bookings').where({ idempotency_key: 'zhang-2026-001' }).count('* as n'))[0].n)).toBe(1);
    const reused = await book('zhang', { ...input, purpose: 'something else' });
    expect(reused.errors?.[0].extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('needs a qualification for SELF use, granted by the owner\'s staff', async () => {
    const when = slot(7, 9, 11);
    const refused = await book('zhang', { instrumentId: 'owner:O-1', ...when, mode: 'SELF' });
    expect(refused.errors?.[0].extensions?.code).toBe('QUALIFICATION_REQUIRED');
    expect(refused.errors?.[0].message).toContain('book ASSISTED');
    const GRANT = `mutation ($input: QualificationInput!) { grantQualification(input: $input) { id typeKey expiresAt } }`;
    const byOtherOwner = await hub.gql(GRANT, { input: { userId: 'zhang', instrumentId: 'owner:O-1', expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString() } }, tokens['other.staff']);
    expect(byOtherOwner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const granted = await hub.gql(GRANT, { input: { userId: 'zhang', typeKey: 'TEM', expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString() } }, tokens.chen);
    expect(granted.errors).toBeUndefined();
    const allowed = await book('zhang', { instrumentId: 'owner:O-1', ...when, mode: 'SELF' });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.requestBooking.mode).toBe('SELF');
    expect(allowed.data?.requestBooking.quote.lines).toHaveLength(1);
  });

  it('prices internal and external use, and an innovation voucher pays its share down to its balance', async () => {
    const internal = await book('szu.user', { instrumentId: 'owner:O-3', ...slot(8, 9, 10) });
    expect(internal.data?.requestBooking.quote.rateKind).toBe('INTERNAL');
    expect(internal.data?.requestBooking.quote.rate).toBe('150.00');
    const outsider = await book('wang', { instrumentId: 'owner:O-3', ...slot(8, 10, 11) });
    expect(outsider.errors?.[0].extensions?.code).toBe('NOT_SHARED');

    const ISSUE = `mutation ($input: VoucherInput!) { issueVoucher(input: $input) { id balance } }`;
    const voucher = await hub.gql<{ issueVoucher: { id: string } }>(ISSUE, { input: { institutionId: 'company-xinneng', institutionName: '深圳市新能电池科技有限公司', amount: '1000', coverShare: 0.5, expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString() } });
    expect(voucher.errors).toBeUndefined();
    const first = await book('wang', { instrumentId: 'owner:O-4', ...slot(8, 9, 11) });
    // 2 h × 500 + 20 % operator surcharge = 1200; the voucher pays half
    expect(first.data?.requestBooking.quote).toMatchObject({ subtotal: '1200.00', voucherPays: '600.00', youPay: '600.00' });
    const second = await book('wang', { instrumentId: 'owner:O-4', ...slot(8, 13, 15) });
    expect(second.data?.requestBooking.quote).toMatchObject({ voucherPays: '400.00', youPay: '800.00' });
    const VOUCHERS = '{ vouchers { id balance } }';
    expect((await hub.gql<{ vouchers: Array<{ balance: string }> }>(VOUCHERS, {}, tokens.wang)).data?.vouchers[0].balance).toBe('0.00');
    // cancelling gives the voucher its money back
    await hub.gql(act('cancelBooking', '$reason: String'), { id: second.data!.requestBooking.id, reason: 'plan changed' }, tokens.wang);
    expect((await hub.gql<{ vouchers: Array<{ balance: string }> }>(VOUCHERS, {}, tokens.wang)).data?.vouchers[0].balance).toBe('400.00');
    const rate = await hub.gql<{ rateCalculator: { depreciationPerHour: number; total: number } }>(`{ rateCalculator(input: { originalValue: 3000000, serviceLifeYears: 10, annualAvailableHours: 1500, annualStaffCost: 300000, annualConsumables: 45000, annualMaintenance: 100000 }) { depreciationPerHour total } }`);
    expect(rate.data?.rateCalculator).toEqual({ depreciationPerHour: 200, total: 496.67 });
  });

  it('cancels its own booking when the owner\'s system finally refuses it, after retrying', async () => {
    const POLICY = `mutation { setBookingPolicy(instrumentId: "owner:O-5", input: { autoApprove: true, maxHours: 4, minNoticeHours: 2, freeCancelHours: 24, voucherEligible: false }) { autoApprove maxHours openingHours } }`;
    expect((await hub.gql(POLICY, {}, tokens['other.staff'])).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const policy = await hub.gql<{ setBookingPolicy: { openingHours: string } }>(POLICY, {}, tokens.chen);
    expect(policy.data?.setBookingPolicy.openingHours).toContain('Mon 09:00–18:00');
    owner.refuse = true;
    owner.attempts = 0;
    const when = slot(9, 9, 11);
    const refused = await book('zhang', { instrumentId: 'owner:O-5', ...when });
    owner.refuse = false;
    expect(refused.errors?.[0].extensions?.code).toBe('WRITE_BACK_FAILED');
    expect(refused.errors?.[0].message).toContain('reservation service is down');
    expect(owner.attempts).toBe(3);
    const mine = await hub.gql<{ myBookings: BookingView[] }>(`{ myBookings(status: CANCELLED) { ${BOOKING_FIELDS} } }`, {}, tokens.zhang);
    const compensated = mine.data?.myBookings.find((b) => b.from === new Date(when.from).toISOString());
    expect(compensated?.writeBack).toBe('FAILED');
    expect(compensated?.history.map((h) => h.action)).toEqual(['REQUEST', 'APPROVE', 'CANCEL']);
    // the slot is free again, and the next request is confirmed at once
    const again = await book('zhang', { instrumentId: 'owner:O-5', ...when });
    expect(again.data?.requestBooking).toMatchObject({ status: 'CONFIRMED', writeBack: 'DONE' });
    const tooLong = await book('zhang', { instrumentId: 'owner:O-5', ...slot(9, 12, 17) });
    expect(tooLong.errors?.[0].extensions?.code).toBe('TOO_LONG');
  });

  it('runs a session to completion, makes it a usage record, and takes the booker\'s rating', async () => {
    // a booking made for today's opening hours can only exist with no notice: use a policy without one
    await hub.gql(`mutation { setBookingPolicy(instrumentId: "owner:O-4", input: { autoApprove: true, maxHours: 9, minNoticeHours: 0, freeCancelHours: 24, voucherEligible: true }) { maxHours } }`, {}, tokens['other.staff']);
    const when = slot(10, 9, 10);
    const booked = await book('wang', { instrumentId: 'owner:O-4', ...when });
    const id = booked.data!.requestBooking.id;
    const early = await hub.gql(act('startBooking'), { id }, tokens['other.staff']);
    expect(early.errors?.[0].extensions?.code).toBe('TOO_EARLY');
    const illegal = await hub.gql(act('completeBooking'), { id }, tokens['other.staff']);
    expect(illegal.errors?.[0].extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect(illegal.errors?.[0].message).toContain('CONFIRMED');
    const rateEarly = await hub.gql(`mutation { rateBooking(id: "${id}", rating: 5) { id } }`, {}, tokens.wang);
    expect(rateEarly.errors?.[0].extensions?.code).toBe('NOT_COMPLETED');
    // move the booking into the past as the clock would, then start and complete it
    await hub.database.db('bookings').where({ id }).update({ period: hub.database.db.raw(`tstzrange(now() - interval '2 hours', now() - interval '1 hour', '[)')`) });
    expect((await hub.gql<{ startBooking: BookingView }>(act('startBooking'), { id }, tokens['other.staff'])).data?.startBooking.status).toBe('IN_PROGRESS');
    const done = await hub.gql<{ completeBooking: BookingView }>(act('completeBooking'), { id }, tokens['other.staff']);
    expect(done.data?.completeBooking.status).toBe('COMPLETED');
    const usage = await hub.database.db('usage_sessions').where({ instrument_id: 'owner:O-4', evidence: 'BOOKING' }).select('user_kind', 'reported_by');
    expect(usage).toEqual([{ user_kind: 'EXTERNAL', reported_by: `booking:${id}` }]);
    const rated = await hub.gql<{ rateBooking: { rating: { rating: number; comment: string } } }>(`mutation { rateBooking(id: "${id}", rating: 4, comment: "操作员很专业") { rating { rating comment } } }`, {}, tokens.wang);
    expect(rated.data?.rateBooking.rating).toEqual({ rating: 4, comment: '操作员很专业' });
    const twice = await hub.gql(`mutation { rateBooking(id: "${id}", rating: 1) { id } }`, {}, tokens.wang);
    expect(twice.errors?.[0].extensions?.code).toBe('ALREADY_RATED');
  });

  it('follows an instrument\'s own opening hours', async () => {
    const SET = `mutation ($hours: [OpeningSpanInput!]) { setBookingPolicy(instrumentId: "owner:O-3", input: { autoApprove: false, maxHours: 4, minNoticeHours: 1, freeCancelHours: 24, voucherEligible: true, openingHours: $hours }) { openingHours } }`;
    const bad = await hub.gql(SET, { hours: [{ weekday: 8, open: 9, close: 12 }] }, tokens.chen);
    expect(bad.errors?.[0].message).toContain('openingHours[0].weekday');
    const set = await hub.gql<{ setBookingPolicy: { openingHours: string } }>(SET, { hours: [{ weekday: 6, open: 9, close: 12 }, { weekday: 2, open: 13, close: 17 }] }, tokens.chen);
    expect(set.data?.setBookingPolicy.openingHours).toBe('Tue 13:00–17:00; Sat 09:00–12:00');
    // a Saturday morning is open now, a Monday morning no longer
    const day = (weekday: number) => { const d = new Date(Date.now() + 3 * 86_400_000); while (new Date(d.getTime() + 8 * 3_600_000).getUTCDay() !== weekday) d.setTime(d.getTime() + 86_400_000); return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10); };
    const at = (date: string, hour: number) => new Date(Date.parse(`${date}T00:00:00+08:00`) + hour * 3_600_000).toISOString();
    const saturday = await book('szu.user', { instrumentId: 'owner:O-3', from: at(day(6), 9), to: at(day(6), 11) });
    expect(saturday.errors).toBeUndefined();
    const monday = await book('szu.user', { instrumentId: 'owner:O-3', from: at(day(1), 9), to: at(day(1), 11) });
    expect(monday.errors?.[0].extensions?.code).toBe('OUTSIDE_OPENING_HOURS');
    expect(monday.errors?.[0].message).toContain('Tue 13:00–17:00; Sat 09:00–12:00');
    const free = await hub.gql<{ instrument: { availability: Array<{ from: string; to: string }> } }>(`query ($from: DateTime!, $to: DateTime!) { instrument(id: "owner:O-3") { availability(from: $from, to: $to) { from to } } }`, { from: at(day(6), 0), to: at(day(6), 24) }, tokens['szu.user']);
    expect(free.data?.instrument.availability).toEqual([{ from: at(day(6), 11), to: at(day(6), 12) }]);
  });

  it('refuses bad requests with a code and writes nothing', async () => {
    const before = await bookingCount();
    const saturday = (() => { const s = slot(4, 10, 12); const d = new Date(s.from); while (new Date(d.getTime() + 8 * 3_600_000).getUTCDay() !== 6) d.setTime(d.getTime() + 86_400_000); return { from: d.toISOString(), to: new Date(d.getTime() + 2 * 3_600_000).toISOString() }; })();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['zhang', { instrumentId: 'owner:O-1', ...saturday }, 'OUTSIDE_OPENING_HOURS'],
      ['zhang', { instrumentId: 'owner:O-1', ...slot(4, 17, 19) }, 'OUTSIDE_OPENING_HOURS'],
      ['zhang', { instrumentId: 'owner:O-1', from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() - 82_800_000).toISOString() }, 'IN_THE_PAST'],
      ['zhang', { instrumentId: 'owner:O-1', ...slot(4, 9, 18) }, 'TOO_LONG'],
      ['zhang', { instrumentId: 'owner:NOPE', ...slot(4, 10, 11) }, 'UNKNOWN_INSTRUMENT'],
      ['zhang', { instrumentId: 'owner:O-1', ...slot(4, 11, 10) }, 'BAD_PERIOD'],
      ['zhang', { instrumentId: 'owner:O-1', ...slot(4, 10, 11), purpose: ' ' }, 'BAD_USER_INPUT'],
    ];
    for (const [user, input, code] of cases) {
      const result = await book(user, input);
      expect(result.errors?.[0].extensions?.code, JSON.stringify(input)).toBe(code);
    }
    const anonymous = await hub.gql(REQUEST, { input: { instrumentId: 'owner:O-1', ...slot(4, 10, 11), mode: 'ASSISTED', purpose: 'x' } }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await hub.gql(REQUEST, { input: { instrumentId: 'owner:O-1', ...slot(4, 10, 11), mode: 'ASSISTED', purpose: 'x' } }, `${tokens.zhang.slice(0, -4)}AAAA`);
    expect(forged.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // the owner's own calendar says busy
    owner.reservations.set('R-own', { localId: 'O-2', ...(() => { const s = slot(4, 14, 16); return { from: new Date(s.from), to: new Date(s.to) }; })(), holder: 'owner' });
    const busy = await book('zhang', { instrumentId: 'owner:O-2', ...slot(4, 15, 16) });
    expect(busy.errors?.[0].extensions?.code).toBe('OWNER_CALENDAR_BUSY');
    expect(await bookingCount()).toBe(before);
  });
});
