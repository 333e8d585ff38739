/**
 * The city's evaluation of service agencies for a period (考核): instruments brought into
 * sharing, hours served and the share of them for other institutions, lease days, users'
 * ratings and complaints (ratings of 1 or 2), what was charged, and the charges against the
 * platform's unified prices. Figures come from the settlements (what was actually done and paid)
 * and the hostings, never from what an agency declares.
 */
import type { Knex } from 'knex';
import { parseDayPeriod } from './lease-days.ts';
import { settleCompletedBookings } from './settlements.ts';

export interface AgencyEvaluation {
  agencyId: string;
  from: string;
  to: string;
  hostedInstruments: number;
  owners: number;
  bookings: number;
  leases: number;
  hoursServed: number;
  externalHours: number;
  externalShare: number | null;
  leaseDays: number;
  ratings: number;
  averageRating: number | null;
  complaints: number;
  chargedFen: number;
  toAgencyFen: number;
  unifiedPriced: number;
  aboveUnified: number;
  /** what was charged per hour over the unified price, weighted by hours; 1 = at the unified price */
  chargeToUnified: number | null;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function evaluateAgencies(db: Knex, from: string, to: string, agencyIds: readonly string[]): Promise<AgencyEvaluation[]> {
  const { start, end } = parseDayPeriod(from, to);
  await settleCompletedBookings(db);
  const hosted = await db('hostings').whereIn('agency_id', [...agencyIds]).where('started_at', '<', end)
    .where((q) => { q.whereNull('ended_at').orWhere('ended_at', '>', start); })
    .groupBy('agency_id').select('agency_id', db.raw('count(distinct instrument_id) as instruments'), db.raw('count(distinct owner_institution_id) as owners')) as Array<{ agency_id: string; instruments: string | number; owners: string | number }>;
  const settled = await db('settlements').whereIn('agency_id', [...agencyIds]).where('settled_at', '>=', start).where('settled_at', '<', end)
    .groupBy('agency_id').select('agency_id',
      db.raw(`count(*) filter (where kind = 'BOOKING') as bookings`), db.raw(`count(*) filter (where kind = 'LEASE') as leases`),
      db.raw('coalesce(sum(served_hours), 0) as hours'), db.raw('coalesce(sum(served_hours) filter (where external), 0) as external_hours'),
      db.raw('coalesce(sum(lease_days), 0) as lease_days'), db.raw('coalesce(sum(total_fen), 0) as charged'), db.raw('coalesce(sum(agency_fen), 0) as to_agency'),
      db.raw('count(*) filter (where unified_rate_fen is not null) as unified_priced'), db.raw('count(*) filter (where rate_fen > unified_rate_fen) as above_unified'),
      db.raw('sum(rate_fen * served_hours) filter (where unified_rate_fen > 0) as charged_at_rate'), db.raw('sum(unified_rate_fen * served_hours) filter (where unified_rate_fen > 0) as at_unified')) as Array<Record<string, string | number | null> & { agency_id: string }>;
  const rated = await db('settlements as s').join('booking_ratings as r', (j) => { j.on('r.booking_id', 's.ref_id').andOnVal('s.kind', 'BOOKING'); })
    .whereIn('s.agency_id', [...agencyIds]).where('s.settled_at', '>=', start).where('s.settled_at', '<', end)
    .groupBy('s.agency_id').select('s.agency_id', db.raw('count(*) as ratings'), db.raw('avg(r.rating) as average'), db.raw('count(*) filter (where r.rating <= 2) as complaints')) as Array<{ agency_id: string; ratings: string | number; average: string | number | null; complaints: string | number }>;
  return agencyIds.map((agencyId) => {
    const h = hosted.find((r) => r.agency_id === agencyId);
    const s = settled.find((r) => r.agency_id === agencyId) ?? {} as Record<string, string | number | null>;
    const r = rated.find((x) => x.agency_id === agencyId);
    const n = (key: string) => Number(s[key] ?? 0);
    const hours = n('hours');
    return {
      agencyId, from, to,
      hostedInstruments: Number(h?.instruments ?? 0), owners: Number(h?.owners ?? 0),
      bookings: n('bookings'), leases: n('leases'),
      hoursServed: round(hours, 2), externalHours: round(n('external_hours'), 2), externalShare: hours > 0 ? round(n('external_hours') / hours, 4) : null,
      leaseDays: n('lease_days'),
      ratings: Number(r?.ratings ?? 0), averageRating: r?.average == null ? null : round(Number(r.average), 2), complaints: Number(r?.complaints ?? 0),
      chargedFen: n('charged'), toAgencyFen: n('to_agency'),
      unifiedPriced: n('unified_priced'), aboveUnified: n('above_unified'),
      chargeToUnified: n('at_unified') > 0 ? round(n('charged_at_rate') / n('at_unified'), 4) : null,
    };
  });
}
