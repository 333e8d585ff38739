/**
 * Calendar feeds (iCalendar, RFC 5545, written by ical-generator) on the gateway's port, for
 * calendar apps to subscribe to:
 * - `GET /calendar/instruments/<instrumentId>.ics`: an instrument's busy times (active bookings
 *   and planned outages), one event per interval, with nothing about who booked;
 * - `GET /calendar/users/<token>.ics`: one user's own bookings; the token is the secret
 *   (createCalendarFeed issues it, stored only as its SHA-256, a new one replaces the old).
 */
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { Knex } from 'knex';
import ical, { ICalEventBusyStatus, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import type { StaticResponse } from '../../connectors/sdk/graphql-http.ts';
import { ACTIVE_STATUSES } from './booking-lifecycle.ts';
import { listBookings } from './booking-store.ts';
import { outagesOverlapping } from './outages.ts';

const DAY = 86_400_000;
/** the window a feed covers: a month back, a quarter (instrument) or a year (user) ahead */
const PAST_DAYS = 30;
const INSTRUMENT_AHEAD_DAYS = 92;
const USER_AHEAD_DAYS = 366;
const PRODUCT = { company: 'irhub', product: 'instrument-hub', language: 'EN' };
const INSTRUMENT_FEED = /^\/calendar\/instruments\/([^/]{1,300})\.ics$/;
const USER_FEED = /^\/calendar\/users\/([A-Za-z0-9_-]{43})\.ics$/;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function calendarResponse(request: http.IncomingMessage, body: string, cache: string): StaticResponse {
  return { status: 200, headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': cache }, body: request.method === 'HEAD' ? '' : body };
}

const notFound = (what: string): StaticResponse => ({ status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${what}\n` });

/** A new private feed for the user; the old URL stops working. Returns the path on the gateway. */
export async function createCalendarFeed(db: Knex, userId: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db('calendar_tokens').insert({ user_id: userId, token_hash: hashToken(token), created_at: now }).onConflict('user_id').merge();
  return `/calendar/users/${token}.ics`;
}

async function instrumentFeed(db: Knex, instrumentId: string, now: Date): Promise<string | null> {
  const instrument = await db('instruments').where({ id: instrumentId }).first('id', 'name') as { id: string; name: string } | undefined;
  if (!instrument) return null;
  const from = new Date(now.getTime() - PAST_DAYS * DAY);
  const to = new Date(now.getTime() + INSTRUMENT_AHEAD_DAYS * DAY);
  const calendar = ical({ name: `${instrument.name} (${instrument.id})`, prodId: PRODUCT, ttl: 15 * 60 });
  const bookings = await db('bookings').where('instrument_id', instrumentId).whereIn('status', [...ACTIVE_STATUSES]).whereRaw(`period && tstzrange(?, ?, '[)')`, [from, to])
    .select('id', db.raw('lower(period) as starts_at'), db.raw('upper(period) as ends_at')).orderByRaw('lower(period)') as Array<{ id: string; starts_at: Date; ends_at: Date }>;
  for (const b of bookings) {
    // busy, and nothing more: not who, not what for
    calendar.createEvent({ id: `${hashToken(b.id).slice(0, 32)}@irhub`, start: new Date(b.starts_at), end: new Date(b.ends_at), stamp: now, summary: 'Booked 已预约', busystatus: ICalEventBusyStatus.BUSY, transparency: ICalEventTransparency.OPAQUE });
  }
  for (const o of await outagesOverlapping(db, instrumentId, from, to)) {
    calendar.createEvent({ id: `outage-${o.id}@irhub`, start: o.from, end: o.to, stamp: now, summary: 'Out of service 停机维护', busystatus: ICalEventBusyStatus.OOF, transparency: ICalEventTransparency.OPAQUE });
  }
  return calendar.toString();
}

async function userFeed(db: Knex, token: string, now: Date): Promise<string | null> {
  const owner = await db('calendar_tokens').where({ token_hash: hashToken(token) }).first('user_id') as { user_id: string } | undefined;
  if (!owner) return null;
  const from = new Date(now.getTime() - PAST_DAYS * DAY);
  const to = new Date(now.getTime() + USER_AHEAD_DAYS * DAY);
  const bookings = await listBookings(db, (q) => {
    q.where('b.booker_id', owner.user_id).whereRaw(`b.period && tstzrange(?, ?, '[)')`, [from, to]).whereNotIn('b.status', ['REJECTED', 'EXPIRED']);
  }, 1000);
  const names = new Map((await db('instruments').whereIn('id', [...new Set(bookings.map((b) => b.instrument_id))]).select('id', 'name') as Array<{ id: string; name: string }>).map((i) => [i.id, i.name]));
  const calendar = ical({ name: 'irhub bookings', prodId: PRODUCT, ttl: 15 * 60 });
  for (const b of bookings) {
    calendar.createEvent({
      id: `${b.id}@irhub`, start: b.starts_at, end: b.ends_at, stamp: b.updated_at, summary: `${names.get(b.instrument_id) ?? b.instrument_id} (${b.status})`,
      description: `${b.purpose}\n${b.instrument_id} · ${b.mode} · ${b.id}`,
      status: b.status === 'CANCELLED' ? ICalEventStatus.CANCELLED : b.status === 'REQUESTED' ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}

/** The gateway's handler for /calendar/…: a response, or null for any other path. */
export function calendarFeeds(db: Knex) {
  return async (request: http.IncomingMessage, url: URL): Promise<StaticResponse | null> => {
    if (!url.pathname.startsWith('/calendar/')) return null;
    if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, body: 'calendar feeds are read with GET\n' };
    const now = new Date();
    const instrument = INSTRUMENT_FEED.exec(url.pathname);
    if (instrument) {
      let id: string;
      try {
        id = decodeURIComponent(instrument[1]);
      } catch {
        return notFound('instrument id: not a valid percent-encoded id');
      }
      // refused before the database: what no instrument id contains
      if (/[\p{Cc}]/u.test(id)) return notFound('instrument id: control characters');
      const body = await instrumentFeed(db, id, now);
      return body === null ? notFound(`no instrument ${id}`) : calendarResponse(request, body, 'public, max-age=300');
    }
    const user = USER_FEED.exec(url.pathname);
    if (user) {
      const body = await userFeed(db, user[1], now);
      return body === null ? notFound('no such calendar feed (a new one replaces the old: createCalendarFeed)') : calendarResponse(request, body, 'private, max-age=300');
    }
    return notFound('calendar feeds: /calendar/instruments/<instrumentId>.ics or /calendar/users/<token>.ics');
  };
}
