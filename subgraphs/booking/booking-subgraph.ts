/**
 * The booking subgraph: requestBooking of API.md and everything around it. Resolvers only
 * check who is asking and wire the rules (booking-requests.ts, booking-actions.ts, pricing.ts…)
 * to the data; an expiry job lets undecided requests go.
 */
import { readFileSync } from 'node:fs';
import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import cron from 'node-cron';
import { oncePerSchedule } from '../scheduling/once-per-schedule.ts';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { FEDERATION_LINK } from '../../connectors/sdk/serve-connector.ts';
import { dateTimeScalar, decimalScalar } from '../../schema/scalars.ts';
import { inventoryDefinitions } from '../../schema/sdl-definitions.ts';
import { requireRole, type HubClaims } from '../auth/hub-claims.ts';
import { serveHubSubgraph, type HubContext, type HubServices, type HubSubgraphModule } from '../serve-hub-subgraph.ts';
import { actorFor, applyAction, expireStaleRequests, rateBooking } from './booking-actions.ts';
import { BookingRuleError, type BookingAction, type BookingStatus } from './booking-lifecycle.ts';
import { withBookingErrors } from './booking-errors.ts';
import { describeOpeningHours, openingHoursFrom, type BookingPolicy, type OpeningSpan } from './booking-policy.ts';
import { requestBooking, type BookingDeps, type BookingRequestInput } from './booking-requests.ts';
import { eventsOf, listBookings, loadBookings, type BookingEventRow, type BookingRow } from './booking-store.ts';
import { freeSlots } from './availability.ts';
import { policiesOf, savePolicy } from './policy-store.ts';
import { costBasedRate, type CostBasis } from './pricing.ts';
import { grantQualification, qualificationsOf } from './qualifications.ts';
import { issueVoucher, vouchersOf, type VoucherRow } from './vouchers.ts';
import { facilityResolvers } from './facility-resolvers.ts';
import { hostedInstrumentsOf, hostingAgencyOf, hostingsOf, isHostingStaff } from '../leasing/hosting.ts';
import { mailerFromEnv } from './notifications/delivery.ts';
import { createNotifier } from './notifications/notifier.ts';
import { BOOKING_JOBS } from './jobs/booking-jobs.ts';
import { calendarFeeds } from './calendar-feeds.ts';

export const BOOKING_SDL = `${FEDERATION_LINK}
${inventoryDefinitions(['Decimal'])}
${readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')}
${readFileSync(new URL('./facility.graphql', import.meta.url), 'utf8')}`;

interface BookingContext extends HubContext {
  events: DataLoader<string, BookingEventRow[]>;
  ratings: DataLoader<string, { rating: number; comment: string | null; ratedAt: Date } | null>;
  policies: DataLoader<string, BookingPolicy>;
}

const signedIn = (claims: HubClaims | null, action: string): HubClaims => requireRole(claims, ['USER', 'INSTITUTION_STAFF', 'REVIEWER', 'ADMIN'], action);

function staffOrAdmin(claims: HubClaims | null, action: string): HubClaims {
  return requireRole(claims, ['INSTITUTION_STAFF', 'ADMIN'], action);
}

function pageSize(first: number, max: number): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw new BookingRuleError('BAD_USER_INPUT', `first: between 1 and ${max}, got ${first}`);
  return first;
}

function startBookingSubgraph(services: HubServices) {
  const { db } = services;
  const deps: BookingDeps = { db, owners: services.owners, sourceIds: () => services.supergraph().sourceIds, now: () => new Date() };
  const mailer = mailerFromEnv();
  services.log(mailer?.describe ?? 'notifications: logged only (no IRHUB_SMTP_URL)');
  const notifier = createNotifier(db, mailer, services.log);
  const act = (action: BookingAction) => (_root: unknown, args: { id: string; note?: string | null; reason?: string | null }, context: BookingContext) =>
    withBookingErrors(async () => {
      const note = args.note ?? args.reason ?? null;
      const booking = await applyAction(deps, signedIn(context.claims, `${action.toLowerCase()} a booking`), args.id, action, note);
      await notifier.afterAction(action, booking, note);
      return booking;
    });
  // a booking is seen by those who may act on it: its booker, the owner's staff, the administrator
  const visible = async (booking: BookingRow | undefined, claims: HubClaims | null): Promise<BookingRow | null> =>
    (booking && claims && actorFor(claims, booking, await hostingAgencyOf(db, booking.instrument_id)) ? booking : null);
  // an institution's staff decide for its own instruments and for those its agency hosts
  const ownOrHosted = (q: Knex.QueryBuilder, institutionId: string) =>
    q.where((w) => { w.where('b.owner_institution_id', institutionId).orWhereIn('b.instrument_id', hostedInstrumentsOf(db, institutionId)); });

  const facility = facilityResolvers(deps, notifier, services.log);
  const resolvers: GraphQLResolverMap<BookingContext> = {
    DateTime: dateTimeScalar,
    Decimal: decimalScalar,
    Instrument: {
      availability: (ref: { id: string }, args: { from: Date; to: Date }) => withBookingErrors(async () =>
        (await freeSlots(db, services.owners, ref.id, args.from, args.to)).map((s) => ({ from: s.from, to: s.to }))),
      bookingPolicy: (ref: { id: string }, _args: unknown, context: BookingContext) => context.policies.load(ref.id),
    },
    BookingPolicy: {
      openingHours: (p: BookingPolicy) => describeOpeningHours(p.openingHours),
    },
    Query: {
      ...facility.Query,
      booking: async (_root, args: { id: string }, context: BookingContext) => visible((await loadBookings(db, [args.id])).get(args.id), context.claims),
      myBookings: (_root, args: { status?: BookingStatus | null; first: number }, context: BookingContext) => withBookingErrors(async () => {
        const claims = signedIn(context.claims, 'listing your bookings');
        return listBookings(db, (q) => { q.where('b.booker_id', claims.sub); if (args.status) q.where('b.status', args.status); }, pageSize(args.first, 500));
      }),
      pendingApprovals: (_root, args: { first: number }, context: BookingContext) => withBookingErrors(async () => {
        const claims = staffOrAdmin(context.claims, 'listing pending approvals');
        return listBookings(db, (q) => { q.where('b.status', 'REQUESTED'); if (claims.role !== 'ADMIN') ownOrHosted(q, claims.institutionId ?? ''); }, pageSize(args.first, 500));
      }),
      ownerCalendar: (_root, args: { from: Date; to: Date; instrumentId?: string | null }, context: BookingContext) => withBookingErrors(async () => {
        const claims = staffOrAdmin(context.claims, "reading an owner's calendar");
        if (args.to <= args.from) throw new BookingRuleError('BAD_PERIOD', 'to must be after from');
        return listBookings(db, (q) => {
          q.whereRaw(`b.period && tstzrange(?, ?, '[)')`, [args.from, args.to]).whereNotIn('b.status', ['CANCELLED', 'REJECTED', 'EXPIRED']);
          if (claims.role !== 'ADMIN') ownOrHosted(q, claims.institutionId ?? '');
          if (args.instrumentId) q.where('b.instrument_id', args.instrumentId);
        }, 1000);
      }),
      bookingsByUser: (_root, args: { userId: string; first: number }, context: BookingContext) => withBookingErrors(async () => {
        const claims = context.claims?.sub === args.userId ? context.claims : staffOrAdmin(context.claims, "listing another user's bookings");
        return listBookings(db, (q) => {
          q.where('b.booker_id', args.userId);
          if (claims.role === 'INSTITUTION_STAFF' && claims.sub !== args.userId) q.where('b.owner_institution_id', claims.institutionId ?? '');
        }, pageSize(args.first, 500));
      }),
      qualifications: (_root, args: { userId: string }, context: BookingContext) => {
        if (context.claims?.sub !== args.userId) staffOrAdmin(context.claims, "reading another user's qualifications");
        return qualificationsOf(db, args.userId);
      },
      vouchers: (_root, args: { institutionId?: string | null }, context: BookingContext) => {
        const claims = signedIn(context.claims, 'listing vouchers');
        // an institution sees its own vouchers; the administrator any institution's, or all
        return vouchersOf(db, claims.role === 'ADMIN' ? args.institutionId ?? null : claims.institutionId ?? '');
      },
      rateCalculator: (_root, args: { input: CostBasis }) => withBookingErrors(async () => costBasedRate(args.input)),
    },
    Mutation: {
      ...facility.Mutation,
      requestBooking: (_root, args: { input: BookingRequestInput }, context: BookingContext) => withBookingErrors(async () => {
        const { booking, created } = await requestBooking(deps, signedIn(context.claims, 'booking'), args.input);
        if (created && booking.status === 'CONFIRMED') await notifier.booking('BOOKING_APPROVED', booking);
        return booking;
      }),
      approveBooking: act('APPROVE'),
      rejectBooking: act('REJECT'),
      cancelBooking: act('CANCEL'),
      startBooking: act('START'),
      completeBooking: act('COMPLETE'),
      markNoShow: act('MARK_NO_SHOW'),
      rateBooking: (_root, args: { id: string; rating: number; comment?: string | null }, context: BookingContext) => withBookingErrors(async () => {
        await rateBooking(db, signedIn(context.claims, 'rating a booking'), args.id, args.rating, args.comment ?? null, new Date());
        return (await loadBookings(db, [args.id])).get(args.id);
      }),
      grantQualification: async (_root, args: { input: { userId: string; instrumentId?: string | null; typeKey?: string | null; expiresAt: Date } }, context: BookingContext) => {
        const claims = requireRole(context.claims, ['INSTITUTION_STAFF'], 'granting a qualification');
        // an agency qualifies users for the instruments it hosts, on their owner's behalf
        const hosting = args.input.instrumentId ? (await hostingsOf(db, [args.input.instrumentId])).get(args.input.instrumentId) : undefined;
        const onBehalfOf = hosting && isHostingStaff(claims, hosting.agency_id) ? hosting.owner_institution_id : claims.institutionId ?? '';
        return grantQualification(db, args.input, { id: claims.sub, institutionId: onBehalfOf }, new Date());
      },
      setBookingPolicy: (_root, args: { instrumentId: string; input: Omit<BookingPolicy, 'openingHours' | 'noShowMinutes'> & { openingHours?: OpeningSpan[] | null; noShowMinutes?: number | null } }, context: BookingContext) => withBookingErrors(async () => {
        const claims = staffOrAdmin(context.claims, 'setting a booking policy');
        const instrument = await db('instruments').where({ id: args.instrumentId }).first('institution_id') as { institution_id: string } | undefined;
        if (!instrument) throw new BookingRuleError('UNKNOWN_INSTRUMENT', `instrumentId: no instrument ${args.instrumentId}`);
        if (claims.role !== 'ADMIN' && claims.institutionId !== instrument.institution_id && !isHostingStaff(claims, await hostingAgencyOf(db, args.instrumentId))) {
          throw new BookingRuleError('FORBIDDEN', `only staff of the owner, or of the agency hosting it, set ${args.instrumentId}'s policy`);
        }
        for (const field of ['maxHours', 'minNoticeHours', 'freeCancelHours'] as const) {
          if (!(args.input[field] >= 0) || (field === 'maxHours' && args.input[field] === 0)) throw new BookingRuleError('BAD_USER_INPUT', `${field}: must be ${field === 'maxHours' ? 'above' : 'at least'} 0, got ${args.input[field]}`);
        }
        const { openingHours, noShowMinutes, ...rules } = args.input;
        if (noShowMinutes !== undefined && noShowMinutes !== null && !(noShowMinutes >= 1 && noShowMinutes <= 24 * 60)) throw new BookingRuleError('BAD_USER_INPUT', `noShowMinutes: from 1 to 1,440, got ${noShowMinutes}`);
        if (rules.approvalAfterNoShows !== undefined && rules.approvalAfterNoShows !== null && !(Number.isInteger(rules.approvalAfterNoShows) && rules.approvalAfterNoShows >= 1)) {
          throw new BookingRuleError('BAD_USER_INPUT', `approvalAfterNoShows: a whole number from 1, or null for never, got ${rules.approvalAfterNoShows}`);
        }
        const current = (await policiesOf(db, [args.instrumentId])).get(args.instrumentId)!;
        const policy: BookingPolicy = { ...current, ...rules, noShowMinutes: noShowMinutes ?? current.noShowMinutes, openingHours: openingHours ? openingHoursFrom(openingHours) : current.openingHours };
        await savePolicy(db, args.instrumentId, policy, claims.sub, new Date());
        return policy;
      }),
      issueVoucher: (_root, args: { input: { institutionId: string; institutionName: string; amount: string; coverShare: number; expiresAt: Date } }, context: BookingContext) => {
        const claims = requireRole(context.claims, ['ADMIN'], 'issuing an innovation voucher');
        return issueVoucher(db, { ...args.input, amount: Number(args.input.amount) }, claims.sub, new Date());
      },
    },
    WaitListEntry: facility.WaitListEntry,
    Notification: facility.Notification,
    Booking: {
      __resolveReference: async (ref: { id: string }, context: BookingContext) => visible((await loadBookings(db, [ref.id])).get(ref.id), context.claims),
      instrument: (b: BookingRow) => ({ __typename: 'Instrument', id: b.instrument_id }),
      from: (b: BookingRow) => b.starts_at,
      to: (b: BookingRow) => b.ends_at,
      bookerId: (b: BookingRow) => b.booker_id,
      bookerInstitutionId: (b: BookingRow) => b.booker_institution_id,
      ownerInstitutionId: (b: BookingRow) => b.owner_institution_id,
      cancellationFee: (b: BookingRow) => b.cancellation_fee,
      holdUntil: (b: BookingRow) => b.hold_until,
      writeBack: (b: BookingRow) => b.write_back,
      createdAt: (b: BookingRow) => b.created_at,
      history: (b: BookingRow, _args: unknown, context: BookingContext) => context.events.load(b.id),
      rating: (b: BookingRow, _args: unknown, context: BookingContext) => context.ratings.load(b.id),
    },
    BookingEvent: {
      from: (e: BookingEventRow) => e.from_status,
      to: (e: BookingEventRow) => e.to_status,
      by: (e: BookingEventRow) => e.actor_id,
      byRole: (e: BookingEventRow) => e.actor_role,
    },
    Quote: {
      rate: (q: { rate: number }) => q.rate.toFixed(2),
    },
    InnovationVoucher: {
      holderInstitutionId: (v: VoucherRow) => v.holder_institution_id,
      holderName: (v: VoucherRow) => v.holder_name,
      coverShare: (v: VoucherRow) => v.cover_share,
      expiresAt: (v: VoucherRow) => v.expires_at,
    },
  };
  // undecided requests give their slots back when their hold runs out; a minute skipped while a
  // harvest keeps the process busy is caught up by the next one, so it is not worth a warning
  const expiry = cron.schedule('* * * * *', oncePerSchedule(db, 'expire-booking-holds', () => expireStaleRequests(db, new Date()), services.log),
    { name: 'expire-booking-holds', suppressMissedWarning: true });
  // reminders, no-shows and wait-list offers every minute, then whatever notifications are due
  const jobs = Object.entries(BOOKING_JOBS).map(([name, job]) => cron.schedule('* * * * *', oncePerSchedule(db, name,
    () => job({ db, owners: services.owners, now: new Date(), log: services.log }).then(() => notifier.deliver()), services.log),
  { name, suppressMissedWarning: true }));
  return serveHubSubgraph<BookingContext>({
    name: 'booking',
    typeDefs: BOOKING_SDL,
    resolvers,
    authenticate: services.authenticate,
    listen: services.listen,
    // for a gateway in a process of its own, which relays /calendar/… here (standalone/feeds-relay.ts)
    files: calendarFeeds(db),
    context: (claims) => ({
      claims,
      events: new DataLoader(async (ids: readonly string[]) => { const found = await eventsOf(db, ids); return ids.map((id) => found.get(id) ?? []); }),
      ratings: new DataLoader(async (ids: readonly string[]) => {
        const rows = await db('booking_ratings').whereIn('booking_id', [...ids]) as Array<{ booking_id: string; rating: number; comment: string | null; rated_at: Date }>;
        const byId = new Map(rows.map((r) => [r.booking_id, { rating: r.rating, comment: r.comment, ratedAt: r.rated_at }]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      policies: new DataLoader(async (ids: readonly string[]) => { const found = await policiesOf(db, ids); return ids.map((id) => found.get(id)!); }),
    }),
  }).then((running) => ({ ...running, close: async () => { await expiry.stop(); for (const job of jobs) await job.stop(); await running.close(); } }));
}

export const bookingSubgraph: HubSubgraphModule = { name: 'booking', start: startBookingSubgraph };
