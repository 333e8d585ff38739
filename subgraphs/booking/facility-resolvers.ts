/**
 * Resolvers of facility.graphql: who may ask, wired to outages.ts, the wait list, no-show
 * counts, notification preferences and the booking jobs.
 */
import type { GraphQLFieldResolver } from 'graphql';
import { requireRole, type HubClaims } from '../auth/hub-claims.ts';
import type { HubContext } from '../serve-hub-subgraph.ts';
import { BookingRuleError } from './booking-lifecycle.ts';
import { withBookingErrors } from './booking-errors.ts';
import type { BookingDeps } from './booking-requests.ts';
import { outagesOverlapping, scheduleOutage, MAX_OUTAGE_DAYS } from './outages.ts';
import { cancelInOwnerSystem } from './write-back.ts';
import { joinWaitList, positionInLine, waitListOf, type WaitListEntry } from './wait-list.ts';
import { noShowCount } from './no-shows.ts';
import { notificationsOf, type NotificationRow } from './notifications/outbox.ts';
import type { Notifier } from './notifications/notifier.ts';
import type { Language } from './notifications/messages.ts';
import { BOOKING_JOBS, BOOKING_JOB_NAMES } from './jobs/booking-jobs.ts';
import { createCalendarFeed } from './calendar-feeds.ts';

type Fields = Record<string, GraphQLFieldResolver<unknown, HubContext>>;

const signedIn = (claims: HubClaims | null, action: string): HubClaims => requireRole(claims, ['USER', 'INSTITUTION_STAFF', 'REVIEWER', 'ADMIN'], action);
const toLanguage = (language: Language) => (language === 'en' ? 'EN' : 'ZH');
// a plain address: refused cheaply when it is plainly not one (the SMTP server has the last word)
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]+\.[^\s@<>"]{2,}$/;

export function facilityResolvers(deps: BookingDeps, notifier: Notifier, log: (line: string) => void) {
  const { db } = deps;
  const preferences = async (userId: string) => {
    const row = await db('users').where({ id: userId }).first('email', 'language') as { email: string | null; language: Language } | undefined;
    return { email: row?.email ?? null, language: toLanguage(row?.language ?? 'zh') };
  };
  return {
    Query: {
      outages: (_root, args: { instrumentId: string; from: Date; to: Date }) => withBookingErrors(async () => {
        if (!(args.to > args.from) || args.to.getTime() - args.from.getTime() > MAX_OUTAGE_DAYS * 86_400_000) {
          throw new BookingRuleError('BAD_PERIOD', `to must be after from, at most ${MAX_OUTAGE_DAYS} days later`);
        }
        return outagesOverlapping(db, args.instrumentId, args.from, args.to);
      }),
      myWaitList: (_root, _args, context: HubContext) => waitListOf(db, signedIn(context.claims, 'listing your wait list').sub),
      noShowCount: (_root, args: { userId: string }, context: HubContext) => {
        const claims = context.claims?.sub === args.userId ? context.claims : requireRole(context.claims, ['INSTITUTION_STAFF', 'ADMIN'], "reading another user's no-shows");
        return noShowCount(db, args.userId, claims.role === 'INSTITUTION_STAFF' && claims.sub !== args.userId ? claims.institutionId ?? '' : null);
      },
      myNotifications: (_root, args: { first: number }, context: HubContext) => withBookingErrors(async () => {
        const claims = signedIn(context.claims, 'listing your notifications');
        if (!Number.isInteger(args.first) || args.first < 1 || args.first > 500) throw new BookingRuleError('BAD_USER_INPUT', `first: between 1 and 500, got ${args.first}`);
        return notificationsOf(db, claims.sub, args.first);
      }),
      myNotificationPreferences: (_root, _args, context: HubContext) => preferences(signedIn(context.claims, 'reading your notification preferences').sub),
    } satisfies Fields,
    Mutation: {
      scheduleOutage: (_root, args: { instrumentId: string; from: Date; to: Date; reason: string }, context: HubContext) => withBookingErrors(async () => {
        const claims = requireRole(context.claims, ['INSTITUTION_STAFF', 'ADMIN'], 'scheduling an outage');
        const scheduled = await scheduleOutage(db, claims, args, deps.now());
        for (const booking of scheduled.wasConfirmed) await cancelInOwnerSystem(db, deps.owners, booking);
        for (const booking of scheduled.cancelled) await notifier.booking('OUTAGE_CANCELLED', booking, scheduled.outage.reason);
        return scheduled.outage;
      }),
      joinWaitList: (_root, args: { instrumentId: string; from: Date; to: Date }, context: HubContext) => withBookingErrors(() =>
        joinWaitList(db, signedIn(context.claims, 'joining a wait list'), args, deps.now())),
      setNotificationPreferences: (_root, args: { email?: string | null; language: 'ZH' | 'EN' }, context: HubContext) => withBookingErrors(async () => {
        const claims = signedIn(context.claims, 'setting your notification preferences');
        const email = args.email?.trim() || null;
        if (email !== null && (email.length > 254 || !EMAIL.test(email))) throw new BookingRuleError('BAD_USER_INPUT', `email: "${email.slice(0, 80)}" is not an email address`);
        const updated = await db('users').where({ id: claims.sub }).update({ email, language: args.language === 'EN' ? 'en' : 'zh' });
        if (updated === 0) throw new BookingRuleError('NOT_FOUND', `${claims.sub} is not a user of the hub (users add)`);
        return preferences(claims.sub);
      }),
      createCalendarFeed: async (_root, _args, context: HubContext) => ({ path: await createCalendarFeed(db, signedIn(context.claims, 'creating your calendar feed').sub, deps.now()) }),
      runBookingJob: (_root, args: { name: string; at?: Date | null }, context: HubContext) => withBookingErrors(async () => {
        requireRole(context.claims, ['ADMIN'], 'running a booking job');
        const job = BOOKING_JOBS[args.name];
        if (!job) throw new BookingRuleError('BAD_USER_INPUT', `name: no job "${args.name.slice(0, 80)}"; one of ${BOOKING_JOB_NAMES.join(', ')}`);
        const outcome = await job({ db, owners: deps.owners, now: args.at ?? deps.now(), log });
        await notifier.deliver();
        return outcome.summary;
      }),
    } satisfies Fields,
    WaitListEntry: {
      position: (entry: WaitListEntry) => positionInLine(db, entry),
    },
    Notification: {
      bookingId: (n: NotificationRow) => n.booking_id,
      language: (n: NotificationRow) => toLanguage(n.language),
      lastError: (n: NotificationRow) => n.last_error,
      createdAt: (n: NotificationRow) => n.created_at,
      sentAt: (n: NotificationRow) => n.sent_at,
    },
  };
}
