/**
 * 服务记录: one record per service to a user of another institution. A service is a stretch of
 * external use of one instrument: sessions that overlap (a booking and the meter that logged
 * the same run) are one service, counted once, so the records' hours add up to the year's
 * 年服务机时 exactly. Sessions are clipped to the year; a record carries what the hub knows of
 * it — from a completed booking the applicant, the amount, the purpose and the rating.
 */
import type { Knex } from 'knex';
import { rawRows } from '../sql.ts';
import { reportedHours, type ReportScope } from './report-scope.ts';

export interface ExternalSession {
  id: string;
  instrumentId: string;
  startedAt: Date;
  endedAt: Date;
  evidence: string;
  reportedBy: string;
}

export interface ServiceBooking {
  id: string;
  /** yuan */
  price: string;
  purpose: string;
  mode: 'SELF' | 'ASSISTED';
  applicant: string;
  applicantInstitution: string;
  rating: number | null;
  comment: string | null;
}

export interface ServiceRecord {
  /** the first session's id: stable while the sessions are */
  id: string;
  instrumentId: string;
  localId: string;
  instrumentName: string;
  /** clipped to the year */
  start: Date;
  end: Date;
  hours: number;
  sessionIds: string[];
  bookings: ServiceBooking[];
}

/** Where a page starts: after the service of `instrumentId` that ended at `from`. */
export interface ServiceCursor { instrumentId: string; from: Date }

export interface Service { instrumentId: string; start: Date; end: Date; sessions: ExternalSession[] }

/**
 * Adds a session (in instrument, start order) clipped to [from, to): it joins the open service
 * when it starts before that service ends, else it opens the next. True when it opened one.
 */
export function addToServices(services: Service[], s: ExternalSession, from: Date, to: Date): boolean {
  const start = Math.max(s.startedAt.getTime(), from.getTime());
  const end = Math.min(s.endedAt.getTime(), to.getTime());
  if (end <= start) return false;
  const open = services.at(-1);
  if (open && open.instrumentId === s.instrumentId && start < open.end.getTime()) {
    if (end > open.end.getTime()) open.end = new Date(end);
    open.sessions.push(s);
    return false;
  }
  services.push({ instrumentId: s.instrumentId, start: new Date(start), end: new Date(end), sessions: [s] });
  return true;
}

/** a session lasts at most this long (usage-intake.ts), so one that touches the year starts at most this before it */
const LONGEST_SESSION_MS = 31 * 86_400_000;

interface SessionRow { id: string | number; instrument_id: string; started_at: Date; ended_at: Date; evidence: string; reported_by: string }

/** External sessions touching the year, in (instrument, start) order, from the cursor on. */
async function* externalSessions(db: Knex, scope: ReportScope, cursor: ServiceCursor | null, batch: number): AsyncGenerator<ExternalSession> {
  let after: { instrumentId: string; startedAt: string; id: string } | null = null;
  for (;;) {
    const bindings: unknown[] = [scope.to.toISOString(), scope.from.toISOString(), new Date(scope.from.getTime() - LONGEST_SESSION_MS).toISOString()];
    let where = '';
    if (after) {
      where += ' and (u.instrument_id, u.started_at, u.id) > (?, ?::timestamptz, ?::bigint)';
      bindings.push(after.instrumentId, after.startedAt, after.id);
    } else if (cursor) {
      where += ' and (u.instrument_id, u.started_at) >= (?, ?::timestamptz)';
      bindings.push(cursor.instrumentId, cursor.from.toISOString());
    }
    if (scope.institutionId) {
      where += ' and u.instrument_id in (select id from instruments where institution_id = ?)';
      bindings.push(scope.institutionId);
    }
    const rows = await rawRows<SessionRow>(db, `select u.id, u.instrument_id, u.started_at, u.ended_at, u.evidence, u.reported_by
      from usage_sessions u
      where u.user_kind = 'EXTERNAL' and u.started_at < ?::timestamptz and u.ended_at > ?::timestamptz and u.started_at >= ?::timestamptz ${where}
      order by u.instrument_id, u.started_at, u.id
      limit ${batch}`, bindings);
    for (const r of rows) {
      yield { id: String(r.id), instrumentId: r.instrument_id, startedAt: new Date(r.started_at), endedAt: new Date(r.ended_at), evidence: r.evidence, reportedBy: r.reported_by };
    }
    if (rows.length < batch) return;
    const last = rows[rows.length - 1];
    after = { instrumentId: last.instrument_id, startedAt: new Date(last.started_at).toISOString(), id: String(last.id) };
  }
}

const BOOKING_PREFIX = 'booking:';

async function bookingsOf(db: Knex, ids: readonly string[]): Promise<Map<string, ServiceBooking>> {
  if (ids.length === 0) return new Map();
  const rows = await rawRows<{ id: string; price: string; purpose: string; mode: 'SELF' | 'ASSISTED'; applicant: string; applicant_institution: string; rating: number | null; comment: string | null }>(db,
    `select b.id, b.price::text as price, b.purpose, b.mode, coalesce(u.display_name, b.booker_id) as applicant,
       coalesce(n.name, u.institution_name, b.booker_institution_id) as applicant_institution, r.rating, r.comment
     from bookings b
     left join users u on u.id = b.booker_id
     left join institutions n on n.id = b.booker_institution_id
     left join booking_ratings r on r.booking_id = b.id
     where b.id = any(?::text[])`, [[...ids]]);
  return new Map(rows.map((r) => [r.id, { id: r.id, price: r.price, purpose: r.purpose, mode: r.mode, applicant: r.applicant, applicantInstitution: r.applicant_institution, rating: r.rating === null ? null : Number(r.rating), comment: r.comment }]));
}

/** Up to `first` services from the cursor on, with the cursor of the next page (null on the last). */
export async function serviceRecordPage(db: Knex, scope: ReportScope, first: number, cursor: ServiceCursor | null): Promise<{ records: ServiceRecord[]; next: ServiceCursor | null }> {
  const services: Service[] = [];
  let more = false;
  // a few more sessions than services, so that one batch usually completes the page (most services are one session)
  for await (const session of externalSessions(db, scope, cursor, Math.ceil(first * 1.2) + 10)) {
    // the last service of the page is complete once a session of the next one arrives
    if (addToServices(services, session, scope.from, scope.to) && services.length > first) {
      more = true;
      break;
    }
  }
  const page = services.slice(0, first);

  const instrumentIds = [...new Set(page.map((s) => s.instrumentId))];
  const instruments = new Map((await rawRows<{ id: string; local_id: string; name: string }>(db,
    'select id, local_id, name from instruments where id = any(?::text[])', [instrumentIds])).map((i) => [i.id, i]));
  const bookingIds = page.flatMap((s) => s.sessions.filter((x) => x.reportedBy.startsWith(BOOKING_PREFIX)).map((x) => x.reportedBy.slice(BOOKING_PREFIX.length)));
  const bookings = await bookingsOf(db, bookingIds);
  const records = page.map((s): ServiceRecord => ({
    id: s.sessions[0].id,
    instrumentId: s.instrumentId,
    localId: instruments.get(s.instrumentId)?.local_id ?? '',
    instrumentName: instruments.get(s.instrumentId)?.name ?? '',
    start: s.start,
    end: s.end,
    hours: reportedHours((s.end.getTime() - s.start.getTime()) / 3_600_000),
    sessionIds: s.sessions.map((x) => x.id),
    bookings: s.sessions.flatMap((x) => {
      const booking = x.reportedBy.startsWith(BOOKING_PREFIX) ? bookings.get(x.reportedBy.slice(BOOKING_PREFIX.length)) : undefined;
      return booking ? [booking] : [];
    }),
  }));
  const last = page.at(-1);
  return { records, next: more && last ? { instrumentId: last.instrumentId, from: last.end } : null };
}
