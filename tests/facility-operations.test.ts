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
import { startSmtpInbox, type SmtpInbox } from './support/smtp-inbox.ts';
import { jobsCommand } from '../gateway/cli/jobs-command.ts';
import ical, { type VEvent } from 'node-ical';
import { deliverDue, mailerFromEnv } from '../subgraphs/booking/notifications/delivery.ts';

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
  let inbox: SmtpInbox;
  const tokens: Record<string, string> = {};
  const runJob = async (name: string, at: Date) => {
    const ran = await hub.gql<{ runBookingJob: string }>(`mutation ($name: String!, $at: DateTime) { runBookingJob(name: $name, at: $at) }`, { name, at: at.toISOString() });
    expect(ran.errors).toBeUndefined();
    return ran.data!.runBookingJob;
  };
  const approve = async (id: string) => expect((await hub.gql(`mutation ($id: ID!) { approveBooking(id: $id) { status } }`, { id }, tokens.chen)).errors).toBeUndefined();
  const book = (user: string, input: Record<string, unknown>) =>
    hub.gql<{ requestBooking: { id: string; status: string; from: string; to: string } }>(REQUEST, { input: { mode: 'ASSISTED', purpose: '样品形貌表征', ...input } }, tokens[user]);

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    process.env.IRHUB_SMTP_URL = inbox.url;
    try {
      hub = await startTestHub(target);
    } finally {
      delete process.env.IRHUB_SMTP_URL;
    }
    expect((await hub.gql(ADD_SOURCE, addSourceInput('owner', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'owner.csv', ROWS) }))).errors).toBeUndefined();
    const users: Array<[string, string, string, string]> = [
      ['zhang', 'USER', SUSTECH, '南方科技大学'], ['li', 'USER', SUSTECH, '南方科技大学'], ['chen', 'INSTITUTION_STAFF', SZU, '深圳大学'], ['other.staff', 'INSTITUTION_STAFF', SUSTECH, '南方科技大学'],
      ['wang', 'USER', 'company-xinneng', '深圳市新能电池科技有限公司'],
    ];
    for (const [id, role, institutionId, institutionName] of users) {
      expect((await hub.gql(`mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`, { input: { id, role, institutionId, institutionName } })).errors).toBeUndefined();
      tokens[id] = (await hub.userTokens.issue(id, 1)).token;
    }
    const PREFERENCES = `mutation ($email: String, $language: Language!) { setNotificationPreferences(email: $email, language: $language) { email language } }`;
    for (const [user, language] of [['zhang', 'ZH'], ['li', 'EN'], ['wang', 'ZH']]) {
      const set = await hub.gql(PREFERENCES, { email: `${user}@example.org`, language }, tokens[user]);
      expect(set.data?.setNotificationPreferences).toEqual({ email: `${user}@example.org`, language });
    }
    const notAnAddress = await hub.gql(PREFERENCES, { email: 'zhang at example', language: 'ZH' }, tokens.zhang);
    expect(notAnAddress.errors?.[0].message).toContain('email: "zhang at example" is not an email address');
  });
  afterAll(async () => {
    await hub?.close();
    await inbox?.close();
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
    // both bookers are told, each in their language
    const toZhang = await inbox.waitFor('zhang@example.org', '仪器停机，预约已取消');
    expect(toZhang.text).toContain('透射电镜（owner:F-1）');
    expect(toZhang.text).toContain('说明：年度校准 annual calibration');
    const toLi = await inbox.waitFor('li@example.org', 'Instrument outage, booking cancelled');
    expect(toLi.text).toContain('without a fee');
    const listed = await hub.gql<{ outages: Array<{ reason: string }> }>(`query ($from: DateTime!, $to: DateTime!) { outages(instrumentId: "owner:F-1", from: $from, to: $to) { reason } }`, day, tokens.zhang);
    expect(listed.data?.outages.map((o) => o.reason)).toEqual(['年度校准 annual calibration']);
  });

  it('mails the decision and, once, a reminder before the start, in the booker\'s language', async () => {
    const when = slot(5, 10, 12);
    const requested = await book('li', { instrumentId: 'owner:F-3', ...when });
    expect(requested.errors).toBeUndefined();
    const id = requested.data!.requestBooking.id;
    await approve(id);
    const decided = await inbox.waitFor('li@example.org', 'Booking approved: 原子力显微镜');
    expect(decided.text).toContain('Your booking is approved: 原子力显微镜 (owner:F-3)');
    expect(decided.text).toContain(', 10:00 to ');
    expect(decided.text).toContain(`Booking: ${id}`);

    const hourBefore = new Date(Date.parse(when.from) - 3_600_000);
    expect(await runJob('send-reminders', new Date(Date.parse(when.from) - 3 * 3_600_000))).toBe('send-reminders: 0 reminders within 2 h');
    expect(await runJob('send-reminders', hourBefore)).toBe('send-reminders: 1 reminders within 2 h');
    const reminder = await inbox.waitFor('li@example.org', 'Reminder: 原子力显微镜');
    expect(reminder.text).toContain('starts soon');
    expect(reminder.text).toContain('China Standard Time');
    // again a minute later, from the command line: nothing more to remind
    const printed: string[] = [];
    await jobsCommand(['run', 'send-reminders', '--at', new Date(hourBefore.getTime() + 60_000).toISOString()], (line) => printed.push(line), { IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken });
    expect(printed).toEqual(['send-reminders: 0 reminders within 2 h']);
    expect(inbox.mails.filter((m) => m.subject.startsWith('Reminder:'))).toHaveLength(1);

    const recorded = await hub.gql<{ myNotifications: Array<{ kind: string; status: string; language: string; attempts: number }> }>('{ myNotifications { kind status language attempts } }', {}, tokens.li);
    expect(recorded.data?.myNotifications.slice(0, 2)).toEqual([
      { kind: 'REMINDER', status: 'SENT', language: 'EN', attempts: 1 },
      { kind: 'BOOKING_APPROVED', status: 'SENT', language: 'EN', attempts: 1 },
    ]);

    const cancelled = await hub.gql(`mutation ($id: ID!) { cancelBooking(id: $id, reason: "sample not ready") { status } }`, { id }, tokens.li);
    expect(cancelled.errors).toBeUndefined();
    expect((await inbox.waitFor('li@example.org', 'Booking cancelled: 原子力显微镜')).text).toContain('Note: sample not ready');
  });

  it('releases a no-show after the instrument\'s minutes and offers the slot to the wait list, first in line first', async () => {
    const when = slot(6, 10, 12);
    const booked = await book('li', { instrumentId: 'owner:F-2', ...when });
    expect(booked.errors).toBeUndefined();
    const id = booked.data!.requestBooking.id;
    await approve(id);

    const JOIN = `mutation ($instrumentId: ID!, $from: DateTime!, $to: DateTime!) { joinWaitList(instrumentId: $instrumentId, from: $from, to: $to) { id status position } }`;
    const first = await hub.gql<{ joinWaitList: { id: string; status: string; position: number } }>(JOIN, { instrumentId: 'owner:F-2', ...when }, tokens.zhang);
    expect(first.data?.joinWaitList).toMatchObject({ status: 'WAITING', position: 1 });
    const second = await hub.gql<{ joinWaitList: { id: string; status: string; position: number } }>(JOIN, { instrumentId: 'owner:F-2', ...when }, tokens.wang);
    expect(second.data?.joinWaitList).toMatchObject({ status: 'WAITING', position: 2 });
    const free = await hub.gql(JOIN, { instrumentId: 'owner:F-2', ...slot(6, 14, 15) }, tokens.zhang);
    expect(free.errors?.[0].extensions?.code).toBe('SLOT_FREE');

    const start = Date.parse(when.from);
    expect(await runJob('release-no-shows', new Date(start + 10 * 60_000))).toBe('release-no-shows: 0 no-shows released');
    const at = new Date(start + 20 * 60_000);
    expect(await runJob('release-no-shows', at)).toBe('release-no-shows: 1 no-shows released; offer-wait-list: 1 slots offered, 0 entries lapsed');
    const seen = await hub.gql<{ booking: { status: string; history: Array<{ action: string; byRole: string }> } }>(`query ($id: ID!) { booking(id: $id) { status history { action byRole } } }`, { id }, tokens.li);
    expect(seen.data?.booking.status).toBe('NO_SHOW');
    expect(seen.data?.booking.history.at(-1)).toEqual({ action: 'MARK_NO_SHOW', byRole: 'SYSTEM' });
    expect((await inbox.waitFor('li@example.org', 'No-show: 场发射扫描电镜')).text).toContain('recorded as a no-show');

    // the first in line is told and holds the slot for 30 minutes
    const offer = await inbox.waitFor('zhang@example.org', '候补时段可预约：场发射扫描电镜');
    expect(offer.text).toContain('您候补的时段已空出：场发射扫描电镜（owner:F-2）');
    const WAITING = '{ myWaitList { id status offeredUntil position } }';
    const zhangs = await hub.gql<{ myWaitList: Array<{ status: string; offeredUntil: string }> }>(WAITING, {}, tokens.zhang);
    expect(zhangs.data?.myWaitList[0]).toMatchObject({ status: 'OFFERED', offeredUntil: new Date(at.getTime() + 30 * 60_000).toISOString() });
    const taken = await book('wang', { instrumentId: 'owner:F-2', ...when });
    expect(taken.errors?.[0].extensions?.code).toBe('OFFERED_TO_WAIT_LIST');

    // the offer runs out: the next in line gets it, and books it
    expect(await runJob('offer-wait-list', new Date(at.getTime() + 31 * 60_000))).toBe('offer-wait-list: 1 slots offered, 1 entries lapsed');
    expect((await hub.gql<{ myWaitList: Array<{ status: string }> }>(WAITING, {}, tokens.zhang)).data?.myWaitList[0].status).toBe('LAPSED');
    await inbox.waitFor('wang@example.org', '候补时段可预约');
    const wangs = await book('wang', { instrumentId: 'owner:F-2', ...when });
    expect(wangs.errors).toBeUndefined();
    expect((await hub.gql<{ myWaitList: Array<{ status: string }> }>(WAITING, {}, tokens.wang)).data?.myWaitList[0].status).toBe('BOOKED');

    // the no-show counts against li, for the owner to see; after one, this owner wants to decide li's requests
    const COUNT = `query ($userId: ID!) { noShowCount(userId: $userId) }`;
    expect((await hub.gql<{ noShowCount: number }>(COUNT, { userId: 'li' }, tokens.chen)).data?.noShowCount).toBe(1);
    expect((await hub.gql<{ noShowCount: number }>(COUNT, { userId: 'li' }, tokens['other.staff'])).data?.noShowCount).toBe(0);
    expect((await hub.gql(COUNT, { userId: 'li' }, tokens.zhang)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const policy = await hub.gql(`mutation { setBookingPolicy(instrumentId: "owner:F-2", input: { autoApprove: true, maxHours: 8, minNoticeHours: 1, freeCancelHours: 24, voucherEligible: true, approvalAfterNoShows: 1 }) { noShowMinutes approvalAfterNoShows } }`, {}, tokens.chen);
    expect(policy.data?.setBookingPolicy).toEqual({ noShowMinutes: 15, approvalAfterNoShows: 1 });
    expect((await book('li', { instrumentId: 'owner:F-2', ...slot(7, 13, 14) })).data?.requestBooking.status).toBe('REQUESTED');
    const trusted = await book('zhang', { instrumentId: 'owner:F-2', ...slot(7, 14, 15) });
    expect(trusted.errors).toBeUndefined();
    expect(trusted.data?.requestBooking.status).toBe('CONFIRMED');

    // a booking whose user started at the interlock (use reported by the owner's system) is no no-show
    const used = slot(6, 12, 13);
    const started = await book('zhang', { instrumentId: 'owner:F-2', ...used });
    expect(started.data?.requestBooking.status).toBe('CONFIRMED');
    await hub.database.db('usage_sessions').insert({ instrument_id: 'owner:F-2', started_at: new Date(Date.parse(used.from) + 5 * 60_000), ended_at: new Date(Date.parse(used.to) - 10 * 60_000), user_kind: 'EXTERNAL', reported_by: 'owner', evidence: 'INTERLOCK' });
    expect(await runJob('release-no-shows', new Date(Date.parse(used.from) + 20 * 60_000))).toBe('release-no-shows: 0 no-shows released');
  });

  it('serves an instrument\'s busy times and a user\'s own bookings as iCalendar feeds', async () => {
    const zhangs = await book('zhang', { instrumentId: 'owner:F-3', ...slot(9, 9, 10) });
    const lis = await book('li', { instrumentId: 'owner:F-3', ...slot(9, 11, 13) });
    expect(zhangs.errors ?? lis.errors).toBeUndefined();
    const outage = slot(9, 14, 16);
    expect((await hub.gql(OUTAGE, { instrumentId: 'owner:F-3', ...outage, reason: '更换灯丝' }, tokens.chen)).errors).toBeUndefined();

    const feed = await fetch(`${hub.url}/calendar/instruments/${encodeURIComponent('owner:F-3')}.ics`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text = await feed.text();
    const events = Object.values(ical.sync.parseICS(text)).filter((c): c is VEvent => c?.type === 'VEVENT');
    const intervals = events.map((e) => [e.start.toISOString(), e.end?.toISOString()]).sort();
    expect(intervals).toEqual([slot(9, 9, 10), slot(9, 11, 13), outage].map((i) => [new Date(i.from).toISOString(), new Date(i.to).toISOString()]));
    // busy times only: no one's name, id, address or purpose
    for (const personal of ['zhang', 'wang', 'li@', 'chen', '样品形貌表征', SUSTECH, zhangs.data!.requestBooking.id]) expect(text).not.toContain(personal);

    const created = await hub.gql<{ createCalendarFeed: { path: string } }>('mutation { createCalendarFeed { path } }', {}, tokens.zhang);
    const path = created.data!.createCalendarFeed.path;
    expect(path).toMatch(/^\/calendar\/users\/[A-Za-z0-9_-]{43}\.ics$/);
    const own = Object.values(ical.sync.parseICS(await (await fetch(`${hub.url}${path}`)).text())).filter((c): c is VEvent => c?.type === 'VEVENT');
    const mine = own.find((e) => e.uid === `${zhangs.data!.requestBooking.id}@irhub`);
    expect(mine?.summary).toBe('原子力显微镜 (REQUESTED)');
    expect(own.some((e) => e.uid === `${lis.data!.requestBooking.id}@irhub`)).toBe(false);

    // a new feed replaces the old; an unknown token and an unknown instrument are 404
    const renewed = await hub.gql<{ createCalendarFeed: { path: string } }>('mutation { createCalendarFeed { path } }', {}, tokens.zhang);
    expect((await fetch(`${hub.url}${path}`)).status).toBe(404);
    expect((await fetch(`${hub.url}${renewed.data!.createCalendarFeed.path}`)).status).toBe(200);
    expect((await fetch(`${hub.url}/calendar/instruments/owner%3ANOPE.ics`)).status).toBe(404);
    expect((await fetch(`${hub.url}/calendar/instruments/owner%3AF-3.ics`, { method: 'POST' })).status).toBe(405);
  });

  it('lets no request that races an outage end up inside it', async () => {
    const window = slot(10, 9, 18);
    const hours = [9, 10, 11, 12, 13, 14, 15, 16];
    const [scheduled, ...requests] = await Promise.all([
      hub.gql(OUTAGE, { instrumentId: 'owner:F-3', ...window, reason: '真空系统检修' }, tokens.chen),
      ...hours.map((h) => book(h % 2 ? 'zhang' : 'li', { instrumentId: 'owner:F-3', ...slot(10, h, h + 1) })),
    ]);
    expect(scheduled.errors).toBeUndefined();
    for (const r of requests) if (r.errors) expect(r.errors[0].extensions?.code).toBe('OUTAGE');
    const inside = await hub.database.db('bookings').where('instrument_id', 'owner:F-3').whereIn('status', ['REQUESTED', 'CONFIRMED'])
      .whereRaw(`period && tstzrange(?, ?, '[)')`, [window.from, window.to]).count('* as n');
    expect(Number(inside[0].n)).toBe(0);
  });

  it('keeps a notification the SMTP server refused, and sends it on a later attempt', async () => {
    inbox.refused.add('bounce@example.org');
    const set = await hub.gql(`mutation { setNotificationPreferences(email: "bounce@example.org", language: EN) { email } }`, {}, tokens.wang);
    expect(set.errors).toBeUndefined();
    // F-2 confirms at once since the previous test: the decision is mailed straight away
    const booked = await book('wang', { instrumentId: 'owner:F-2', ...slot(11, 9, 10) });
    expect(booked.data?.requestBooking.status).toBe('CONFIRMED');
    const NOTES = '{ myNotifications(first: 1) { kind status attempts lastError } }';
    type Notes = { myNotifications: Array<{ kind: string; status: string; attempts: number; lastError: string | null }> };
    let note = (await hub.gql<Notes>(NOTES, {}, tokens.wang)).data!.myNotifications[0];
    for (let waited = 0; note.attempts === 0 && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      note = (await hub.gql<Notes>(NOTES, {}, tokens.wang)).data!.myNotifications[0];
    }
    expect(note).toMatchObject({ kind: 'BOOKING_APPROVED', status: 'PENDING', attempts: 1 });
    expect(note.lastError).toContain('550');

    // the mailbox works again; the retry is due a minute later
    inbox.refused.delete('bounce@example.org');
    expect(await deliverDue(hub.database.db, mailerFromEnv({ IRHUB_SMTP_URL: inbox.url }), new Date(), () => undefined)).toBe(0);
    expect(await deliverDue(hub.database.db, mailerFromEnv({ IRHUB_SMTP_URL: inbox.url }), new Date(Date.now() + 61_000), () => undefined)).toBe(1);
    expect((await inbox.waitFor('bounce@example.org', 'Booking approved: 场发射扫描电镜')).text).toContain('Your booking is approved');
    expect((await hub.gql<Notes>(NOTES, {}, tokens.wang)).data!.myNotifications[0]).toMatchObject({ status: 'SENT', attempts: 2, lastError: null });
  });
});
