/**
 * Settlement reports: the settlements of one agency, or of one owner, in a period, line by line
 * with their totals, for the agency's and the owner's accounts and the city's. An institution's
 * staff read their own institution's (as agency or as owner); the city reads any.
 */
import type { Knex } from 'knex';
import type { HubClaims } from '../auth/hub-claims.ts';
import { badInput } from '../bad-input.ts';
import { BookingRuleError } from '../booking/booking-lifecycle.ts';
import { parseDayPeriod } from './lease-days.ts';
import { settleCompletedBookings, normalizeSettlement, type SettlementRow } from './settlements.ts';
import { SETTLEMENT_PARTS } from './settlement-split.ts';

export interface SettlementReportInput { agencyId?: string | null; ownerInstitutionId?: string | null; from: string; to: string }

export interface SettlementReportLine extends SettlementRow { instrument_name: string }

export interface SettlementReport {
  input: SettlementReportInput;
  lines: SettlementReportLine[];
  totals: Record<'total_fen' | 'owner_fen' | 'agency_fen' | 'platform_fen' | 'subsidy_fen' | 'voucher_fen', number>;
}

export const MAX_REPORT_LINES = 100_000;

export async function settlementReport(db: Knex, claims: HubClaims, input: SettlementReportInput): Promise<SettlementReport> {
  if (Boolean(input.agencyId) === Boolean(input.ownerInstitutionId)) throw badInput('agencyId', 'give an agencyId or an ownerInstitutionId (one of them)');
  const institution = input.agencyId ?? input.ownerInstitutionId!;
  const mayRead = claims.role === 'ADMIN' || claims.role === 'REVIEWER' || (claims.role === 'INSTITUTION_STAFF' && claims.institutionId === institution);
  if (!mayRead) throw new BookingRuleError('FORBIDDEN', `${claims.sub} reads the settlements of their own institution only`);
  const { start, end } = parseDayPeriod(input.from, input.to);
  // a booking completed before settlement existed for it is settled as of its completion first
  await settleCompletedBookings(db);
  const rows = await db('settlements as s').leftJoin('instruments as i', 'i.id', 's.instrument_id')
    .where(input.agencyId ? { 's.agency_id': input.agencyId } : { 's.owner_institution_id': input.ownerInstitutionId })
    .where('s.settled_at', '>=', start).where('s.settled_at', '<', end)
    .orderBy([{ column: 's.settled_at' }, { column: 's.id' }]).limit(MAX_REPORT_LINES + 1)
    .select('s.*', db.raw('coalesce(i.name, s.instrument_id) as instrument_name')) as SettlementReportLine[];
  if (rows.length > MAX_REPORT_LINES) throw badInput('to', `more than ${MAX_REPORT_LINES.toLocaleString('en-US')} settlements; ask for a shorter period`);
  const lines = rows.map((r) => ({ ...normalizeSettlement(r), instrument_name: r.instrument_name }));
  const totals = { total_fen: 0, owner_fen: 0, agency_fen: 0, platform_fen: 0, subsidy_fen: 0, voucher_fen: 0 };
  for (const line of lines) {
    totals.total_fen += line.total_fen;
    totals.voucher_fen += line.voucher_fen;
    for (const part of SETTLEMENT_PARTS) totals[`${part}_fen`] += line[`${part}_fen`];
  }
  return { input, lines, totals };
}
