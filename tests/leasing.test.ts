/**
 * Leasing (租赁) through the gateway: a lessor's terms, a lease from request to close with its
 * deposit and a late return, the database's guarantee that two leases never hold one day (under
 * parallel confirmations) and that a lease and bookings never share one, and bad requests refused
 * with the field named and nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, ADD_SOURCE, addSourceInput, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';

const RENTAL = '深圳市科仪租赁有限公司';
const ROWS = [
  ['L-1', '便携式气相色谱质谱联用仪', '', 'Torion T-9', 'PerkinElmer', '分析仪器', '80', '2022-01-01', RENTAL, '企业', '南山区', '对外开放', '闲置', '300'],
  ['L-2', '手持式X射线荧光光谱仪', '', 'Vanta', 'Olympus', '分析仪器', '40', '2022-01-01', RENTAL, '企业', '南山区', '对外开放', '闲置', '200'],
  ['L-3', '便携式拉曼光谱仪', '', 'i-Raman', 'B&W Tek', '分析仪器', '30', '2022-01-01', RENTAL, '企业', '南山区', '对外开放', '闲置', '200'],
];

const DAY_MS = 86_400_000;
/** a Shanghai calendar day `offset` days from today, YYYY-MM-DD */
const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * DAY_MS).toISOString().slice(0, 10);
/** 10:00–12:00 Shanghai on the first weekday from `offset` days on */
function weekdaySlot(offset: number): { from: string; to: string; date: string } {
  let o = offset;
  while ([0, 6].includes(new Date(`${day(o)}T00:00:00Z`).getUTCDay())) o++;
  return { from: `${day(o)}T10:00:00+08:00`, to: `${day(o)}T12:00:00+08:00`, date: day(o) };
}

const LEASE_FIELDS = `id status startDate endDate delivery purpose depositHeld depositReturned depositKept returnedOn lateDays lateCharge
  quote { days dailyRate deposit subtotal voucherPays youPay lines { label amount } }
  settlement { total toOwner toAgency toPlatform subsidy basis }
  history { from to action by byRole note }`;
const REQUEST = `mutation ($input: LeaseRequestInput!) { requestLease(input: $input) { ${LEASE_FIELDS} } }`;
const TERMS = `mutation ($id: ID!, $input: LeaseTermsInput!) { setLeaseTerms(instrumentId: $id, input: $input) { dailyRate deposit minDays maxDays delivery deliveryFee lateDailyRate } }`;

interface LeaseView {
  id: string; status: string; startDate: string; endDate: string; depositHeld: string | null; depositReturned: string | null; depositKept: string | null;
  returnedOn: string | null; lateDays: number | null; lateCharge: string | null;
  quote: { days: number; dailyRate: string; deposit: string | null; subtotal: string; voucherPays: string; youPay: string; lines: Array<{ label: string; amount: string }> };
  settlement: { total: string; toOwner: string; toAgency: string; toPlatform: string; subsidy: string; basis: string } | null;
  history: Array<{ from: string | null; to: string; action: string; by: string; byRole: string; note: string | null }>;
}

describe.each(DATABASE_TARGETS)('leasing ($name)', (target) => {
  let hub: TestHub;
  const tokens: Record<string, string> = {};
  const lease = (user: string, input: Record<string, unknown>) => hub.gql<{ requestLease: LeaseView }>(REQUEST, { input: { delivery: 'PICKUP', purpose: '野外站点现场检测', ...input } }, tokens[user]);
  const step = <K extends string>(name: K, user: string, id: string, extra: Record<string, unknown> = {}) => {
    const params = Object.keys(extra).map((k) => `, ${k}: $${k}`).join('');
    const types = Object.entries(extra).map(([k]) => `, $${k}: ${k === 'returnedOn' ? 'String!' : k === 'reason' || k === 'note' ? 'String' : 'Decimal'}`).join('');
    return hub.gql<Record<K, LeaseView>>(`mutation ($id: ID!${types}) { ${name}(id: $id${params}) { ${LEASE_FIELDS} } }`, { id, ...extra }, tokens[user]);
  };
  const leaseCount = async () => Number((await hub.database.db('leases').count('* as n'))[0].n);

  beforeAll(async () => {
    hub = await startTestHub(target);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('fleet', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'fleet.csv', ROWS) }));
    expect(added.errors).toBeUndefined();
    const users: Array<[string, string, string, string]> = [
      ['zhang', 'USER', institutionIdFor('南方科技大学'), '南方科技大学'], ['li', 'USER', institutionIdFor('深圳大学'), '深圳大学'],
      ['zhou', 'INSTITUTION_STAFF', institutionIdFor(RENTAL), RENTAL], ['other.staff', 'INSTITUTION_STAFF', institutionIdFor('深圳大学'), '深圳大学'],
    ];
    for (const [id, role, institutionId, institutionName] of users) {
      expect((await hub.gql(`mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`, { input: { id, role, institutionId, institutionName } })).errors).toBeUndefined();
      tokens[id] = (await hub.userTokens.issue(id, 1)).token;
    }
    for (const id of ['fleet:L-1', 'fleet:L-2', 'fleet:L-3']) {
      const set = await hub.gql(TERMS, { id, input: { dailyRate: '800', deposit: '20000', minDays: 3, maxDays: 60, delivery: ['PICKUP', 'DELIVERY'], deliveryFee: '500', lateDailyRate: '1200' } }, tokens.zhou);
      expect(set.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('shows a lessor\'s terms on the instrument, and only its staff set them', async () => {
    const shown = await hub.gql<{ instrument: { name: string; leaseTerms: Record<string, unknown> } }>('{ instrument(id: "fleet:L-1") { name leaseTerms { dailyRate deposit minDays maxDays delivery deliveryFee lateDailyRate } } }', {}, tokens.zhang);
    expect(shown.data?.instrument.leaseTerms).toEqual({ dailyRate: '800.00', deposit: '20000.00', minDays: 3, maxDays: 60, delivery: ['PICKUP', 'DELIVERY'], deliveryFee: '500.00', lateDailyRate: '1200.00' });
    const stranger = await hub.gql(TERMS, { id: 'fleet:L-1', input: { dailyRate: '1', minDays: 1, maxDays: 2, delivery: ['PICKUP'] } }, tokens['other.staff']);
    expect(stranger.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('runs a lease from request to close: quote, confirm with the deposit held, delivery, a late return charged, the deposit returned less what is kept', async () => {
    const requested = await lease('zhang', { instrumentId: 'fleet:L-1', startDate: day(10), endDate: day(16), delivery: 'DELIVERY' });
    expect(requested.errors).toBeUndefined();
    const id = requested.data!.requestLease.id;
    // 7 days × 800 + delivery 500
    expect(requested.data?.requestLease.quote).toMatchObject({ days: 7, dailyRate: '800.00', deposit: '20000.00', subtotal: '6100.00', youPay: '6100.00' });
    expect((await step('confirmLease', 'zhang', id)).errors?.[0].extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect((await step('quoteLease', 'zhang', id)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await step('quoteLease', 'other.staff', id)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const quoted = await step('quoteLease', 'zhou', id, { deliveryFee: '650' });
    expect(quoted.data?.quoteLease).toMatchObject({ status: 'QUOTED', quote: { subtotal: '6250.00' } });
    const confirmed = await step('confirmLease', 'zhang', id);
    expect(confirmed.data?.confirmLease).toMatchObject({ status: 'CONFIRMED', depositHeld: '20000.00' });
    expect((await step('deliverLease', 'zhou', id)).data?.deliverLease.status).toBe('DELIVERED');
    // the lease ran as the calendar would have it: it ended four days ago, the instrument came back two days late
    await hub.database.db('leases').where({ id }).update({
      start_date: day(-10), end_date: day(-4), period: hub.database.db.raw(`tstzrange(?::date::timestamp at time zone 'Asia/Shanghai', (?::date + 1)::timestamp at time zone 'Asia/Shanghai', '[)')`, [day(-10), day(-4)]),
    });
    const early = await step('returnLease', 'zhou', id, { returnedOn: day(3) });
    expect(early.errors?.[0].extensions?.field, JSON.stringify(early.errors)).toBe('returnedOn');
    const returned = await step('returnLease', 'zhou', id, { returnedOn: day(-2) });
    expect(returned.data?.returnLease).toMatchObject({ status: 'RETURNED', returnedOn: day(-2), lateDays: 2, lateCharge: '2400.00' });
    const unexplained = await step('closeLease', 'zhou', id, { depositKept: '300' });
    expect(unexplained.errors?.[0].extensions?.field).toBe('note');
    const closed = await step('closeLease', 'zhou', id, { depositKept: '300', note: '探头保护罩丢失' });
    expect(closed.errors).toBeUndefined();
    const done = closed.data!.closeLease;
    expect(done).toMatchObject({ status: 'CLOSED', depositHeld: '20000.00', depositKept: '300.00', depositReturned: '19700.00' });
    // rent and delivery, two late days, what was kept of the deposit: all the rental company's own
    expect(done.settlement).toEqual({ total: '8950.00', toOwner: '8950.00', toAgency: '0.00', toPlatform: '0.00', subsidy: '0.00', basis: 'OWNER_RUN' });
    expect(done.history.map((h) => [h.action, h.by, h.byRole])).toEqual([
      ['REQUEST', 'zhang', 'USER'], ['QUOTE', 'zhou', 'LESSOR'], ['CONFIRM', 'zhang', 'LESSEE'], ['DELIVER', 'zhou', 'LESSOR'], ['RETURN', 'zhou', 'LESSOR'], ['CLOSE', 'zhou', 'LESSOR'],
    ]);
    const seen = await hub.gql<{ lease: { id: string } | null }>(`{ lease(id: "${id}") { id } }`, {}, tokens.li);
    expect(seen.data?.lease).toBeNull();
  });

  it('confirms exactly one of 12 overlapping leases confirmed in parallel, and a lease blocks bookings of its days', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const requested = await lease(i % 2 ? 'zhang' : 'li', { instrumentId: 'fleet:L-2', startDate: day(20 + (i % 3)), endDate: day(26 + (i % 3)) });
      expect(requested.errors).toBeUndefined();
      ids.push(requested.data!.requestLease.id);
      expect((await step('quoteLease', 'zhou', ids[i])).errors).toBeUndefined();
    }
    const results = await Promise.all(ids.map((id, i) => step('confirmLease', i % 2 ? 'zhang' : 'li', id)));
    const won = results.filter((r) => r.data?.confirmLease);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r) => r.errors)) {
      expect(lost.errors?.[0].extensions?.code).toBe('LEASE_CONFLICT');
      expect(lost.errors?.[0].message).toMatch(/fleet:L-2 is already leased from \d{4}-\d{2}-\d{2} to/);
    }
    const holding = await hub.database.db('leases').where({ instrument_id: 'fleet:L-2' }).whereIn('status', ['CONFIRMED', 'DELIVERED']).count('* as n');
    expect(Number(holding[0].n)).toBe(1);

    // no booking on a leased day…
    const leased = won[0].data!.confirmLease;
    const BOOK = `mutation ($input: BookingRequestInput!) { requestBooking(input: $input) { id status } }`;
    const inside = weekdaySlot(Math.round((Date.parse(leased.startDate) - Date.parse(day(0))) / DAY_MS) + 1);
    const refused = await hub.gql(BOOK, { input: { instrumentId: 'fleet:L-2', from: inside.from, to: inside.to, mode: 'ASSISTED', purpose: '元素分析' } }, tokens.zhang);
    expect(refused.errors?.[0].extensions?.code).toBe('LEASED');
    const free = await hub.gql<{ instrument: { availability: unknown[] } }>(`query ($from: DateTime!, $to: DateTime!) { instrument(id: "fleet:L-2") { availability(from: $from, to: $to) { from } } }`,
      { from: inside.from.replace('10:00', '00:00'), to: inside.to.replace('12:00', '23:59') }, tokens.zhang);
    expect(free.errors).toBeUndefined();
    expect(free.data?.instrument.availability).toEqual([]);
    // …and no lease over a booked day
    const booked = weekdaySlot(40);
    const booking = await hub.gql(BOOK, { input: { instrumentId: 'fleet:L-3', from: booked.from, to: booked.to, mode: 'ASSISTED', purpose: '元素分析' } }, tokens.zhang);
    expect(booking.errors).toBeUndefined();
    const over = await lease('li', { instrumentId: 'fleet:L-3', startDate: booked.date, endDate: day(Math.round((Date.parse(booked.date) - Date.parse(day(0))) / DAY_MS) + 4) });
    await step('quoteLease', 'zhou', over.data!.requestLease.id);
    const blocked = await step('confirmLease', 'li', over.data!.requestLease.id);
    expect(blocked.errors?.[0].extensions?.code).toBe('BOOKED');
  });

  it('never lets a lease and a booking share a day when they are confirmed and requested at the same moment', async () => {
    const slot = weekdaySlot(50);
    const offset = Math.round((Date.parse(slot.date) - Date.parse(day(0))) / DAY_MS);
    const requested = await lease('li', { instrumentId: 'fleet:L-3', startDate: day(offset - 1), endDate: day(offset + 2) });
    const id = requested.data!.requestLease.id;
    await step('quoteLease', 'zhou', id);
    const BOOK = `mutation ($input: BookingRequestInput!) { requestBooking(input: $input) { id } }`;
    const [confirmed, ...bookings] = await Promise.all([
      step('confirmLease', 'li', id),
      ...Array.from({ length: 8 }, (_, i) => hub.gql(BOOK, { input: { instrumentId: 'fleet:L-3', from: slot.from, to: slot.to, mode: 'ASSISTED', purpose: `元素分析 ${i}` } }, tokens.zhang)),
    ]);
    const booked = bookings.filter((b) => !b.errors);
    if (confirmed.errors) {
      expect(confirmed.errors[0].extensions?.code).toBe('BOOKED');
      expect(booked).toHaveLength(1);
    } else {
      expect(booked).toHaveLength(0);
      for (const b of bookings) expect(b.errors?.[0].extensions?.code).toBe('LEASED');
    }
    const clash = await hub.database.db('leases as l').join('bookings as b', 'b.instrument_id', 'l.instrument_id')
      .whereIn('l.status', ['CONFIRMED', 'DELIVERED']).whereIn('b.status', ['REQUESTED', 'CONFIRMED', 'IN_PROGRESS']).whereRaw('l.period && b.period').count('* as n');
    expect(Number(clash[0].n)).toBe(0);
  });

  it('takes an innovation voucher\'s share at confirmation, gives it and the deposit back on cancellation, and gives one lease for one idempotency key', async () => {
    await hub.gql(`mutation ($input: VoucherInput!) { issueVoucher(input: $input) { id } }`, { input: { institutionId: institutionIdFor('南方科技大学'), institutionName: '南方科技大学', amount: '1000', coverShare: 0.5, expiresAt: new Date(Date.now() + 365 * DAY_MS).toISOString() } });
    const input = { instrumentId: 'fleet:L-1', startDate: day(70), endDate: day(72), idempotencyKey: 'zhang-lease-70' };
    const [first, again] = await Promise.all([lease('zhang', input), lease('zhang', input)]);
    expect(first.errors).toBeUndefined();
    expect(again.data?.requestLease.id).toBe(first.data?.requestLease.id);
    expect((await lease('zhang', { ...input, endDate: day(73) })).errors?.[0].extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const id = first.data!.requestLease.id;
    // 3 days × 800 = 2400; the voucher pays half, down to its balance of 1000
    expect(first.data?.requestLease.quote).toMatchObject({ subtotal: '2400.00', voucherPays: '1000.00', youPay: '1400.00' });
    await step('quoteLease', 'zhou', id);
    const VOUCHERS = '{ vouchers { balance } }';
    const balance = async () => (await hub.gql<{ vouchers: Array<{ balance: string }> }>(VOUCHERS, {}, tokens.zhang)).data?.vouchers[0].balance;
    expect(await balance()).toBe('1000.00');
    expect((await step('confirmLease', 'zhang', id)).data?.confirmLease.depositHeld).toBe('20000.00');
    expect(await balance()).toBe('0.00');
    const cancelled = await step('cancelLease', 'zhang', id, { reason: '项目推迟' });
    expect(cancelled.data?.cancelLease).toMatchObject({ status: 'CANCELLED', depositReturned: '20000.00' });
    expect(await balance()).toBe('1000.00');
    expect((await step('deliverLease', 'zhou', id)).errors?.[0].extensions?.code).toBe('ILLEGAL_TRANSITION');
  });

  it('will not confirm a quote once the lease\'s first day has passed', async () => {
    const requested = await lease('zhang', { instrumentId: 'fleet:L-1', startDate: day(80), endDate: day(84) });
    const id = requested.data!.requestLease.id;
    await step('quoteLease', 'zhou', id);
    await hub.database.db('leases').where({ id }).update({ start_date: day(-1) });
    const late = await step('confirmLease', 'zhang', id);
    expect(late.errors?.[0].extensions?.code).toBe('LEASE_START_PASSED');
    expect((await hub.gql<{ lease: { status: string } }>(`{ lease(id: "${id}") { status } }`, {}, tokens.zhang)).data?.lease.status).toBe('QUOTED');
  });

  it('refuses bad requests naming the field, and stores nothing', async () => {
    const before = await leaseCount();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ instrumentId: 'fleet:L-1', startDate: day(30), endDate: day(31) }, 'endDate', /2 days.*at least 3 \(minDays\)/],
      [{ instrumentId: 'fleet:L-1', startDate: day(30), endDate: day(95) }, 'endDate', /66 days.*at most 60 \(maxDays\)/],
      [{ instrumentId: 'fleet:L-1', startDate: day(35), endDate: day(30) }, 'endDate', /is before startDate/],
      [{ instrumentId: 'fleet:L-1', startDate: day(-3), endDate: day(5) }, 'startDate', /in the past/],
      [{ instrumentId: 'fleet:L-1', startDate: day(30), endDate: day(35), delivery: 'INSTALLED' }, 'delivery', /PICKUP, DELIVERY, not INSTALLED/],
      [{ instrumentId: 'fleet:L-1', startDate: '2027-02-30', endDate: day(35) }, 'startDate', /a date YYYY-MM-DD/],
      [{ instrumentId: 'fleet:L-1', startDate: day(30), endDate: day(35), purpose: '  ' }, 'purpose', /say what/],
      [{ instrumentId: 'fleet:NOPE', startDate: day(30), endDate: day(35) }, 'instrumentId', /no instrument/],
    ];
    for (const [input, field, message] of cases) {
      const result = await lease('zhang', input);
      expect(result.errors?.[0].extensions?.field, JSON.stringify(input)).toBe(field);
      expect(result.errors?.[0].message).toMatch(message);
    }
    expect(await leaseCount()).toBe(before);
  });
});
