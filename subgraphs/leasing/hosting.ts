/**
 * 托管: a service agency (a market operator, or an institution's testing centre) runs other
 * owners' instruments for them. An agency is an institution; its staff are users of that
 * institution. A hosting links one instrument to one agency from when the owner hands it over
 * until the owner (or the city) ends it, and only while it lasts may the agency act on that
 * instrument: never on the owner's other instruments.
 */
import type { Knex } from 'knex';
import type { HubClaims } from '../auth/hub-claims.ts';
import { BookingRuleError } from '../booking/booking-lifecycle.ts';

export interface AgencyRow { id: string; name: string; created_at: Date }
export interface HostingRow { id: string; instrument_id: string; agency_id: string; owner_institution_id: string; unified_rate_fen: string | null; started_at: Date; started_by: string; ended_at: Date | null; ended_by: string | null }

type Db = Knex | Knex.Transaction;

/** The agency hosting each of `instrumentIds` now (absent: the owner runs it). */
export async function hostingsOf(db: Db, instrumentIds: readonly string[]): Promise<Map<string, HostingRow>> {
  const rows = await db('hostings').whereIn('instrument_id', [...instrumentIds]).whereNull('ended_at') as HostingRow[];
  return new Map(rows.map((r) => [r.instrument_id, r]));
}

export async function hostingAgencyOf(db: Db, instrumentId: string): Promise<string | null> {
  return (await hostingsOf(db, [instrumentId])).get(instrumentId)?.agency_id ?? null;
}

/** The instruments an agency hosts now, as a subquery (`whereIn('instrument_id', …)`). */
export function hostedInstrumentsOf(db: Db, agencyId: string): Knex.QueryBuilder {
  return db('hostings').where({ agency_id: agencyId }).whereNull('ended_at').select('instrument_id');
}

/** Whether the caller is staff of the agency that hosts the instrument now. */
export function isHostingStaff(claims: HubClaims, hostingAgencyId: string | null): boolean {
  return claims.role === 'INSTITUTION_STAFF' && hostingAgencyId !== null && claims.institutionId === hostingAgencyId;
}

export async function registerAgency(db: Knex, input: { institutionId: string; name: string }, by: string, now: Date): Promise<AgencyRow> {
  const name = input.name.trim();
  if (!name || name.length > 200) throw new BookingRuleError('BAD_USER_INPUT', 'name: 1 to 200 characters');
  if (!input.institutionId.trim()) throw new BookingRuleError('BAD_USER_INPUT', 'institutionId: the institution whose staff act for the agency');
  const [row] = await db('service_agencies').insert({ id: input.institutionId, name, created_by: by, created_at: now })
    .onConflict('id').merge(['name']).returning('*') as AgencyRow[];
  return row;
}

export async function agencies(db: Db, ids?: readonly string[]): Promise<AgencyRow[]> {
  const query = db('service_agencies').orderBy('id');
  if (ids) query.whereIn('id', [...ids]);
  return await query as AgencyRow[];
}

/** The owner's staff (or the city) hand an instrument to an agency; one agency at a time. */
export async function hostInstrument(db: Knex, claims: HubClaims, instrumentId: string, agencyId: string, now: Date): Promise<HostingRow> {
  return db.transaction(async (trx) => {
    const instrument = await trx('instruments').where({ id: instrumentId }).first('institution_id') as { institution_id: string } | undefined;
    if (!instrument) throw new BookingRuleError('UNKNOWN_INSTRUMENT', `instrumentId: no instrument ${instrumentId}`);
    if (claims.role !== 'ADMIN' && !(claims.role === 'INSTITUTION_STAFF' && claims.institutionId === instrument.institution_id)) {
      throw new BookingRuleError('FORBIDDEN', `only staff of ${instrumentId}'s owner hand it to an agency`);
    }
    if (!(await trx('service_agencies').where({ id: agencyId }).first('id'))) throw new BookingRuleError('UNKNOWN_AGENCY', `agencyId: no service agency ${agencyId}`);
    if (agencyId === instrument.institution_id) throw new BookingRuleError('BAD_USER_INPUT', 'agencyId: an owner does not host its own instrument');
    const current = (await hostingsOf(trx, [instrumentId])).get(instrumentId);
    if (current) throw new BookingRuleError('ALREADY_HOSTED', `${instrumentId} is hosted by ${current.agency_id} since ${current.started_at.toISOString()}; end that hosting first`);
    const [row] = await trx('hostings').insert({ instrument_id: instrumentId, agency_id: agencyId, owner_institution_id: instrument.institution_id, started_at: now, started_by: claims.sub })
      .returning('*') as HostingRow[];
    return row;
  });
}

/** The owner takes its instrument back (or the city ends the hosting); the agency loses all say over it. */
export async function endHosting(db: Knex, claims: HubClaims, instrumentId: string, now: Date): Promise<HostingRow> {
  const current = (await hostingsOf(db, [instrumentId])).get(instrumentId);
  if (!current) throw new BookingRuleError('NOT_HOSTED', `instrumentId: ${instrumentId} is not hosted by any agency`);
  const mayEnd = claims.role === 'ADMIN' || (claims.role === 'INSTITUTION_STAFF' && (claims.institutionId === current.owner_institution_id || claims.institutionId === current.agency_id));
  if (!mayEnd) throw new BookingRuleError('FORBIDDEN', `only the owner, the agency or the city end the hosting of ${instrumentId}`);
  const [row] = await db('hostings').where({ id: current.id }).whereNull('ended_at').update({ ended_at: now, ended_by: claims.sub }).returning('*') as HostingRow[];
  return row;
}

/** 统一定价: the hourly price the platform sets for a hosted instrument (agencies' charges are judged against it). */
export async function setUnifiedRate(db: Knex, instrumentId: string, rateFen: number): Promise<HostingRow> {
  const current = (await hostingsOf(db, [instrumentId])).get(instrumentId);
  if (!current) throw new BookingRuleError('NOT_HOSTED', `instrumentId: ${instrumentId} is not hosted; the platform prices hosted instruments only`);
  const [row] = await db('hostings').where({ id: current.id }).update({ unified_rate_fen: rateFen }).returning('*') as HostingRow[];
  return row;
}

/** Instruments an agency hosts now, by id, a page at a time. */
export async function hostedInstrumentIds(db: Db, agencyId: string, first: number, afterId: string | null): Promise<{ ids: string[]; total: number }> {
  const query = db('hostings').where({ agency_id: agencyId }).whereNull('ended_at');
  const total = Number(((await query.clone().count('* as n')) as Array<{ n: string | number }>)[0].n);
  const page = query.clone().orderBy('instrument_id').limit(first).select('instrument_id');
  if (afterId) page.where('instrument_id', '>', afterId);
  return { ids: (await page as Array<{ instrument_id: string }>).map((r) => r.instrument_id), total };
}
