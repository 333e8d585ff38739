/**
 * The leasing subgraph: requestLease of API.md and the lease workflow, lessors' terms, service
 * agencies and their hostings, and the settlement of completed bookings and closed leases.
 * Resolvers check who is asking and wire the rules (lease-workflow.ts, hosting.ts,
 * settlements.ts…) to the data.
 */
import { readFileSync } from 'node:fs';
import DataLoader from 'dataloader';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { FEDERATION_LINK } from '../../connectors/sdk/serve-connector.ts';
import { dateTimeScalar, decimalScalar } from '../../schema/scalars.ts';
import { inventoryDefinitions } from '../../schema/sdl-definitions.ts';
import { requireRole, type HubClaims } from '../auth/hub-claims.ts';
import { badInput } from '../bad-input.ts';
import { BookingRuleError } from '../booking/booking-lifecycle.ts';
import { withBookingErrors } from '../booking/booking-errors.ts';
import { formatYuan } from '../booking/pricing.ts';
import { serveHubSubgraph, type HubContext, type HubServices, type HubSubgraphModule } from '../serve-hub-subgraph.ts';
import { agencies, endHosting, hostedInstrumentsOf, hostingsOf, hostInstrument, isHostingStaff, registerAgency, setUnifiedRate, type AgencyRow, type HostingRow } from './hosting.ts';
import type { LeaseAction, LeaseStatus } from './lease-lifecycle.ts';
import { fenOf, type LeaseQuote, type LeaseTerms } from './lease-quote.ts';
import { leaseEventsOf, leaseTermsOf, listLeases, loadLeases, type LeaseEventRow, type LeaseRow } from './lease-store.ts';
import { applyLeaseAction, leaseActorFor, requestLease, setLeaseTerms, type LeaseRequestInput, type LeaseStepInput, type LeaseTermsInput } from './lease-workflow.ts';
import { addSettlementRule, settlementRules, type SettlementRule, type SettlementRuleInput } from './settlement-rules.ts';
import { settleCompletedBookings, settlementsOf, type SettlementRow } from './settlements.ts';
import { settlementReport, type SettlementReport, type SettlementReportInput, type SettlementReportLine } from './settlement-report.ts';
import { evaluateAgencies, type AgencyEvaluation } from './agency-evaluation.ts';

export const LEASING_SDL = `${FEDERATION_LINK}
${inventoryDefinitions(['Decimal'])}
${readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')}`;

interface LeasingContext extends HubContext {
  events: DataLoader<string, LeaseEventRow[]>;
  terms: DataLoader<string, LeaseTerms | null>;
  hostings: DataLoader<string, HostingRow | null>;
  agencies: DataLoader<string, AgencyRow | null>;
}

const signedIn = (claims: HubClaims | null, action: string): HubClaims => requireRole(claims, ['USER', 'INSTITUTION_STAFF', 'REVIEWER', 'ADMIN'], action);
const staffOrAdmin = (claims: HubClaims | null, action: string): HubClaims => requireRole(claims, ['INSTITUTION_STAFF', 'ADMIN'], action);
const admin = (claims: HubClaims | null, action: string): HubClaims => requireRole(claims, ['ADMIN'], action);
const yuan = (fen: number | null) => (fen === null ? null : formatYuan(fen));

function pageSize(first: number, max: number): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput('first', `between 1 and ${max}, got ${first}`);
  return first;
}

function settlementView(s: SettlementRow) {
  return {
    total: formatYuan(s.total_fen), toOwner: formatYuan(s.owner_fen), toAgency: formatYuan(s.agency_fen), toPlatform: formatYuan(s.platform_fen),
    subsidy: formatYuan(s.subsidy_fen), basis: s.basis, voucherPaid: formatYuan(s.voucher_fen), shares: s.rule.shares, settledAt: s.settled_at,
  };
}

function termsView(t: LeaseTerms) {
  return {
    dailyRate: formatYuan(t.dailyRateFen), deposit: yuan(t.depositFen), minDays: t.minDays, maxDays: t.maxDays, delivery: t.delivery,
    deliveryFee: formatYuan(t.deliveryFeeFen), installationFee: formatYuan(t.installationFeeFen), lateDailyRate: formatYuan(t.lateDailyRateFen), voucherEligible: t.voucherEligible,
  };
}

function startLeasingSubgraph(services: HubServices) {
  const { db } = services;
  const now = () => new Date();
  // a lease is seen by those who may act on it: its lessee, the lessor's staff (owner or hosting agency), the city
  const visibleLease = async (lease: LeaseRow | undefined, claims: HubClaims | null): Promise<LeaseRow | null> =>
    (lease && claims && leaseActorFor(claims, lease, (await hostingsOf(db, [lease.instrument_id])).get(lease.instrument_id)?.agency_id ?? null) ? lease : null);
  const step = (action: LeaseAction) => (_root: unknown, args: LeaseStepInput & { id: string; reason?: string | null }, context: LeasingContext) =>
    withBookingErrors(() => applyLeaseAction(db, signedIn(context.claims, `${action.toLowerCase()} a lease`), args.id, action, { ...args, note: args.note ?? args.reason ?? null }, now()));
  /** The owner's staff, the hosting agency's staff, or the city: who may see an instrument's hostings and settlements. */
  const mayManage = (claims: HubClaims, ownerInstitutionId: string, hosting: HostingRow | null | undefined) =>
    claims.role === 'ADMIN' || (claims.role === 'INSTITUTION_STAFF' && claims.institutionId === ownerInstitutionId) || isHostingStaff(claims, hosting?.agency_id ?? null);

  const resolvers: GraphQLResolverMap<LeasingContext> = {
    DateTime: dateTimeScalar,
    Decimal: decimalScalar,
    Instrument: {
      leaseTerms: async (ref: { id: string }, _args: unknown, context: LeasingContext) => {
        const terms = await context.terms.load(ref.id);
        return terms ? termsView(terms) : null;
      },
      managedBy: async (ref: { id: string }, _args: unknown, context: LeasingContext) => {
        const hosting = await context.hostings.load(ref.id);
        return hosting ? context.agencies.load(hosting.agency_id) : null;
      },
      unifiedRate: async (ref: { id: string }, _args: unknown, context: LeasingContext) => {
        const hosting = await context.hostings.load(ref.id);
        return hosting?.unified_rate_fen == null ? null : formatYuan(Number(hosting.unified_rate_fen));
      },
    },
    Query: {
      serviceAgencies: (_root, args: { first: number; after?: string | null }) => withBookingErrors(async () => {
        const query = db('service_agencies').orderBy('id').limit(pageSize(args.first, 200));
        if (args.after) query.where('id', '>', args.after);
        return await query as AgencyRow[];
      }),
      lease: async (_root, args: { id: string }, context: LeasingContext) => visibleLease((await loadLeases(db, [args.id])).get(args.id), context.claims),
      myLeases: (_root, args: { status?: LeaseStatus | null; first: number }, context: LeasingContext) => withBookingErrors(async () => {
        const claims = signedIn(context.claims, 'listing your leases');
        return listLeases(db, (q) => { q.where('l.lessee_id', claims.sub); if (args.status) q.where('l.status', args.status); }, pageSize(args.first, 500));
      }),
      lessorLeases: (_root, args: { status?: LeaseStatus | null; first: number }, context: LeasingContext) => withBookingErrors(async () => {
        const claims = staffOrAdmin(context.claims, "listing a lessor's leases");
        return listLeases(db, (q) => {
          if (args.status) q.where('l.status', args.status);
          if (claims.role === 'ADMIN') return;
          const institution = claims.institutionId ?? '';
          q.where((w) => {
            w.where('l.lessor_institution_id', institution)
              .orWhereIn('l.instrument_id', hostedInstrumentsOf(db, institution));
          });
        }, pageSize(args.first, 500));
      }),
      hostings: (_root, args: { instrumentId: string }, context: LeasingContext) => withBookingErrors(async () => {
        const claims = staffOrAdmin(context.claims, "reading an instrument's hostings");
        const rows = await db('hostings').where({ instrument_id: args.instrumentId }).orderBy('started_at', 'desc') as HostingRow[];
        const current = rows.find((r) => r.ended_at === null);
        const instrument = await db('instruments').where({ id: args.instrumentId }).first('institution_id') as { institution_id: string } | undefined;
        if (!instrument) throw badInput('instrumentId', `no instrument ${args.instrumentId}`);
        if (!mayManage(claims, instrument.institution_id, current)) throw new BookingRuleError('FORBIDDEN', `only the owner, its agency or the city see the hostings of ${args.instrumentId}`);
        return rows;
      }),
      settlementReport: (_root, args: SettlementReportInput, context: LeasingContext) => withBookingErrors(() =>
        settlementReport(db, signedIn(context.claims, 'reading a settlement report'), args)),
      agencyEvaluations: (_root, args: { from: string; to: string; agencyId?: string | null }, context: LeasingContext) => withBookingErrors(async () => {
        const claims = signedIn(context.claims, 'reading agency evaluations');
        const city = claims.role === 'ADMIN' || claims.role === 'REVIEWER';
        if (!city && !(claims.role === 'INSTITUTION_STAFF' && args.agencyId && claims.institutionId === args.agencyId)) {
          throw new BookingRuleError('FORBIDDEN', 'the city reads every agency\'s evaluation; an agency\'s staff their own (agencyId)');
        }
        const ids = args.agencyId ? [args.agencyId] : (await agencies(db)).map((a) => a.id);
        return evaluateAgencies(db, args.from, args.to, ids);
      }),
      settlementRules: (_root, _args: unknown, context: LeasingContext) => { admin(context.claims, 'reading settlement rules'); return settlementRules(db); },
    },
    Mutation: {
      requestLease: (_root, args: { input: LeaseRequestInput }, context: LeasingContext) => withBookingErrors(() => requestLease(db, signedIn(context.claims, 'leasing'), args.input, now())),
      quoteLease: step('QUOTE'),
      confirmLease: step('CONFIRM'),
      rejectLease: step('REJECT'),
      cancelLease: step('CANCEL'),
      deliverLease: step('DELIVER'),
      returnLease: step('RETURN'),
      closeLease: step('CLOSE'),
      setLeaseTerms: (_root, args: { instrumentId: string; input: LeaseTermsInput }, context: LeasingContext) => withBookingErrors(async () =>
        termsView(await setLeaseTerms(db, staffOrAdmin(context.claims, 'setting lease terms'), args.instrumentId, args.input, now()))),
      registerServiceAgency: (_root, args: { institutionId: string; name: string }, context: LeasingContext) => withBookingErrors(() =>
        registerAgency(db, args, admin(context.claims, 'registering a service agency').sub, now())),
      hostInstrument: (_root, args: { instrumentId: string; agencyId: string }, context: LeasingContext) => withBookingErrors(() =>
        hostInstrument(db, staffOrAdmin(context.claims, 'handing an instrument to an agency'), args.instrumentId, args.agencyId, now())),
      endHosting: (_root, args: { instrumentId: string }, context: LeasingContext) => withBookingErrors(() =>
        endHosting(db, staffOrAdmin(context.claims, 'ending a hosting'), args.instrumentId, now())),
      setUnifiedRate: (_root, args: { instrumentId: string; rate: string }, context: LeasingContext) => withBookingErrors(() => {
        admin(context.claims, 'setting a unified price');
        const fen = fenOf(args.rate);
        if (fen < 0) throw badInput('rate', `must not be negative, got ${args.rate}`);
        return setUnifiedRate(db, args.instrumentId, fen);
      }),
      addSettlementRule: (_root, args: { input: SettlementRuleInput }, context: LeasingContext) => withBookingErrors(() =>
        addSettlementRule(db, admin(context.claims, 'setting a settlement rule'), args.input, now())),
    },
    Lease: {
      instrument: (l: LeaseRow) => ({ __typename: 'Instrument', id: l.instrument_id }),
      startDate: (l: LeaseRow) => l.start_date,
      endDate: (l: LeaseRow) => l.end_date,
      quote: (l: LeaseRow): LeaseQuote => l.quote,
      lesseeId: (l: LeaseRow) => l.lessee_id,
      lesseeInstitutionId: (l: LeaseRow) => l.lessee_institution_id,
      lessorInstitutionId: (l: LeaseRow) => l.lessor_institution_id,
      depositHeld: (l: LeaseRow) => yuan(l.deposit_held_fen),
      depositReturned: (l: LeaseRow) => yuan(l.deposit_returned_fen),
      depositKept: (l: LeaseRow) => yuan(l.deposit_kept_fen),
      returnedOn: (l: LeaseRow) => l.returned_on,
      lateDays: (l: LeaseRow) => l.late_days,
      lateCharge: (l: LeaseRow) => yuan(l.late_charge_fen),
      settlement: async (l: LeaseRow) => { const s = (await settlementsOf(db, 'LEASE', [l.id])).get(l.id); return s ? settlementView(s) : null; },
      history: (l: LeaseRow, _args: unknown, context: LeasingContext) => context.events.load(l.id),
      createdAt: (l: LeaseRow) => l.created_at,
    },
    LeaseEvent: {
      from: (e: LeaseEventRow) => e.from_status,
      to: (e: LeaseEventRow) => e.to_status,
      by: (e: LeaseEventRow) => e.actor_id,
      byRole: (e: LeaseEventRow) => e.actor_role,
    },
    ServiceAgency: {
      __resolveReference: (ref: { id: string }, context: LeasingContext) => context.agencies.load(ref.id),
      hostedCount: async (a: AgencyRow) => Number(((await db('hostings').where({ agency_id: a.id }).whereNull('ended_at').count('* as n')) as Array<{ n: string | number }>)[0].n),
    },
    Hosting: {
      instrument: (h: HostingRow) => ({ __typename: 'Instrument', id: h.instrument_id }),
      agency: (h: HostingRow, _args: unknown, context: LeasingContext) => context.agencies.load(h.agency_id),
      ownerInstitutionId: (h: HostingRow) => h.owner_institution_id,
      unifiedRate: (h: HostingRow) => (h.unified_rate_fen == null ? null : formatYuan(Number(h.unified_rate_fen))),
      startedAt: (h: HostingRow) => h.started_at,
      startedBy: (h: HostingRow) => h.started_by,
      endedAt: (h: HostingRow) => h.ended_at,
      endedBy: (h: HostingRow) => h.ended_by,
    },
    SettlementReport: {
      from: (r: SettlementReport) => r.input.from,
      to: (r: SettlementReport) => r.input.to,
      agencyId: (r: SettlementReport) => r.input.agencyId ?? null,
      ownerInstitutionId: (r: SettlementReport) => r.input.ownerInstitutionId ?? null,
      totals: (r: SettlementReport) => ({
        count: r.lines.length, total: formatYuan(r.totals.total_fen), toOwner: formatYuan(r.totals.owner_fen), toAgency: formatYuan(r.totals.agency_fen),
        toPlatform: formatYuan(r.totals.platform_fen), subsidy: formatYuan(r.totals.subsidy_fen), voucherPaid: formatYuan(r.totals.voucher_fen),
      }),
    },
    SettlementLine: {
      refId: (l: SettlementReportLine) => l.ref_id,
      instrument: (l: SettlementReportLine) => ({ __typename: 'Instrument', id: l.instrument_id }),
      instrumentName: (l: SettlementReportLine) => l.instrument_name,
      ownerInstitutionId: (l: SettlementReportLine) => l.owner_institution_id,
      agencyId: (l: SettlementReportLine) => l.agency_id,
      payerInstitutionId: (l: SettlementReportLine) => l.payer_institution_id,
      settlement: (l: SettlementReportLine) => settlementView(l),
    },
    AgencyEvaluation: {
      agency: (e: AgencyEvaluation, _args: unknown, context: LeasingContext) => context.agencies.load(e.agencyId),
      charged: (e: AgencyEvaluation) => formatYuan(e.chargedFen),
      toAgency: (e: AgencyEvaluation) => formatYuan(e.toAgencyFen),
    },
    SettlementRule: {
      effectiveFrom: (r: SettlementRule) => r.effectiveFrom,
    },
    Booking: {
      __resolveReference: (ref: { id: string }) => ref,
      // the booking subgraph showed the booking to this caller; checked again here, as this subgraph can be asked directly
      settlement: (ref: { id: string }, _args: unknown, context: LeasingContext) => withBookingErrors(async () => {
        const claims = context.claims;
        const booking = await db('bookings').where({ id: ref.id }).first('instrument_id', 'owner_institution_id', 'booker_id', 'status') as { instrument_id: string; owner_institution_id: string; booker_id: string; status: string } | undefined;
        if (!booking || !claims || booking.status !== 'COMPLETED') return null;
        if (claims.sub !== booking.booker_id && !mayManage(claims, booking.owner_institution_id, await context.hostings.load(booking.instrument_id))) return null;
        await settleCompletedBookings(db, [ref.id]);
        const s = (await settlementsOf(db, 'BOOKING', [ref.id])).get(ref.id);
        return s ? settlementView(s) : null;
      }),
    },
  };
  return serveHubSubgraph<LeasingContext>({
    name: 'leasing',
    typeDefs: LEASING_SDL,
    resolvers,
    authenticate: services.authenticate,
    listen: services.listen,
    context: (claims) => ({
      claims,
      events: new DataLoader(async (ids: readonly string[]) => { const found = await leaseEventsOf(db, ids); return ids.map((id) => found.get(id) ?? []); }),
      terms: new DataLoader(async (ids: readonly string[]) => { const found = await leaseTermsOf(db, ids); return ids.map((id) => found.get(id) ?? null); }),
      hostings: new DataLoader(async (ids: readonly string[]) => { const found = await hostingsOf(db, ids); return ids.map((id) => found.get(id) ?? null); }),
      agencies: new DataLoader(async (ids: readonly string[]) => { const found = new Map((await agencies(db, ids)).map((a) => [a.id, a])); return ids.map((id) => found.get(id) ?? null); }),
    }),
  });
}

export const leasingSubgraph: HubSubgraphModule = { name: 'leasing', start: startLeasingSubgraph };
