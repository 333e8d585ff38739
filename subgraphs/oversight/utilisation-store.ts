/**
 * 利用率 per instrument, per institution and per month, and rankings of both: hours used (overlaps
 * merged, from the monthly roll-up `usage_monthly`), of which for external users, available
 * hours (availability.ts) and the share. Retired instruments are left out of rankings and of
 * institutions' figures: they have nothing left to offer.
 */
import type { Knex } from 'knex';
import { utilisation, type Utilisation } from '../usage/utilisation.ts';
import { maintenanceHoursByMonth, openHoursByMonth, ownHoursBeyondDefault, sumMonths } from './availability.ts';
import { ownOpeningHours } from '../booking/policy-store.ts';
import type { Period } from './period.ts';
import { rawRows } from './sql.ts';

export interface MonthlyUtilisation extends Utilisation { month: string }

export interface OversightFilter {
  districts?: readonly string[] | null;
  institutionTypes?: readonly string[] | null;
  institutionIds?: readonly string[] | null;
  classes?: readonly string[] | null;
  sharing?: readonly string[] | null;
}

/**
 * SQL conditions on `i` (instruments) and `n` (institutions) for a filter, with their bindings;
 * `institutions` says whether they need `n` joined (a join that costs much at 100,000 instruments).
 */
export function filterSql(filter: OversightFilter | null | undefined): { sql: string; bindings: unknown[]; institutions: boolean } {
  const parts: string[] = [];
  const bindings: unknown[] = [];
  const add = (column: string, values: readonly string[] | null | undefined) => {
    if (!values || values.length === 0) return;
    parts.push(`${column} = any(?::text[])`);
    bindings.push([...values]);
  };
  add('i.district', filter?.districts);
  add('n.type', filter?.institutionTypes);
  add('i.institution_id', filter?.institutionIds);
  add('i.instrument_class', filter?.classes);
  add('i.sharing', filter?.sharing);
  return { sql: parts.length ? parts.map((p) => `and ${p}`).join(' ') : '', bindings, institutions: Boolean(filter?.institutionTypes?.length) };
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** Each instrument's figures over the period and month by month. */
export async function instrumentUtilisation(db: Knex, instrumentIds: readonly string[], period: Period, now: Date): Promise<Map<string, { total: Utilisation; months: MonthlyUtilisation[] }>> {
  const result = new Map<string, { total: Utilisation; months: MonthlyUtilisation[] }>();
  if (instrumentIds.length === 0) return result;
  const open = openHoursByMonth(period, now);
  const ownHours = ownOpeningHours(db, instrumentIds);
  const [rows, maintenance, own] = await Promise.all([
    db('usage_monthly').whereRaw('instrument_id = any(?::text[])', [[...instrumentIds]])
      .where('month', '>=', `${period.fromMonth}-01`).where('month', '<', `${period.toMonth}-01`)
      .select('instrument_id', db.raw(`to_char(month, 'YYYY-MM') as month`), 'used_hours', 'external_hours', 'sessions') as Promise<Array<{ instrument_id: string; month: string; used_hours: number; external_hours: number; sessions: number }>>,
    maintenanceHoursByMonth(db, instrumentIds, period, now, ownHours),
    ownHours,
  ]);
  const beyond = ownHoursBeyondDefault(period, now, own);
  const used = new Map<string, { hours: number; externalHours: number; sessions: number }>();
  for (const r of rows) used.set(`${r.instrument_id}|${r.month}`, { hours: Number(r.used_hours), externalHours: Number(r.external_hours), sessions: Number(r.sessions) });
  for (const id of instrumentIds) {
    const months = period.months.map((month) => {
      const u = used.get(`${id}|${month}`) ?? { hours: 0, externalHours: 0, sessions: 0 };
      const available = Math.max(0, (open.get(month) ?? 0) + (beyond.get(id)?.get(month) ?? 0) - (maintenance.get(id)?.get(month) ?? 0));
      return { month, ...utilisation(u, available), raw: { ...u, available } };
    });
    const total = utilisation({ hours: sum(months.map((m) => m.raw.hours)), externalHours: sum(months.map((m) => m.raw.externalHours)), sessions: sum(months.map((m) => m.raw.sessions)) },
      sum(months.map((m) => m.raw.available)));
    result.set(id, { total, months: months.map(({ raw: _raw, ...m }) => m) });
  }
  return result;
}

/**
 * Each instrument's figures over the whole period, without the months: what the purchase review
 * quotes for every candidate, summed in the database rather than month by month.
 */
export async function instrumentUtilisationTotals(db: Knex, instrumentIds: readonly string[], period: Period, now: Date): Promise<Map<string, Utilisation>> {
  const result = new Map<string, Utilisation>();
  if (instrumentIds.length === 0) return result;
  const ownHours = ownOpeningHours(db, instrumentIds);
  const [rows, maintenance, own] = await Promise.all([
    rawRows<{ instrument_id: string; used: number; external: number; sessions: number }>(db,
      `select instrument_id, sum(used_hours) as used, sum(external_hours) as external, sum(sessions) as sessions from usage_monthly
       where instrument_id = any(?::text[]) and month >= ?::date and month < ?::date group by instrument_id`,
      [[...instrumentIds], `${period.fromMonth}-01`, `${period.toMonth}-01`]),
    maintenanceHoursByMonth(db, instrumentIds, period, now, ownHours),
    ownHours,
  ]);
  const openTotal = sum(openHoursByMonth(period, now).values());
  const beyond = sumMonths(ownHoursBeyondDefault(period, now, own));
  const lost = sumMonths(maintenance);
  const used = new Map(rows.map((r) => [r.instrument_id, r]));
  for (const id of instrumentIds) {
    const u = used.get(id);
    const available = Math.max(0, openTotal + (beyond.get(id) ?? 0) - (lost.get(id) ?? 0));
    result.set(id, utilisation({ hours: Number(u?.used ?? 0), externalHours: Number(u?.external ?? 0), sessions: Number(u?.sessions ?? 0) }, available));
  }
  return result;
}

export type RankingOrder = 'MOST_USED' | 'LEAST_USED';

export interface InstrumentRank { rank: number; instrumentId: string; institutionId: string; utilisation: Utilisation }
export interface InstitutionRank { rank: number; institutionId: string; instruments: number; utilisation: Utilisation }

/**
 * The common part of both rankings: each non-retired instrument of the filter with its use and
 * available hours over the period — the default opening hours, adjusted (as a small array) for
 * instruments with hours of their own and for maintenance.
 */
async function instrumentFigures(db: Knex, period: Period, now: Date, filter: OversightFilter | null | undefined) {
  const openTotal = sum(openHoursByMonth(period, now).values());
  const own = await ownOpeningHours(db, null);
  const adjustment = sumMonths(ownHoursBeyondDefault(period, now, own));
  for (const [id, lost] of sumMonths(await maintenanceHoursByMonth(db, null, period, now, own))) adjustment.set(id, (adjustment.get(id) ?? 0) - lost);
  const where = filterSql(filter);
  const cte = `with used as (
      select instrument_id, sum(used_hours) as used, sum(external_hours) as external, sum(sessions) as sessions
      from usage_monthly where month >= ?::date and month < ?::date group by instrument_id
    ), adjustment as (select * from unnest(?::text[], ?::float8[]) as a(instrument_id, hours)),
    figures as (
      select i.id, i.institution_id, coalesce(u.used, 0) as used, coalesce(u.external, 0) as external, coalesce(u.sessions, 0) as sessions,
        greatest(?::float8 + coalesce(a.hours, 0), 0) as available
      from instruments i ${where.institutions ? 'join institutions n on n.id = i.institution_id' : ''}
        left join used u on u.instrument_id = i.id left join adjustment a on a.instrument_id = i.id
      where i.declared_status <> 'RETIRED' ${where.sql}
    )`;
  const bindings = [`${period.fromMonth}-01`, `${period.toMonth}-01`, [...adjustment.keys()], [...adjustment.values()], openTotal, ...where.bindings];
  return { cte, bindings };
}

export async function rankInstruments(db: Knex, period: Period, now: Date, options: { filter?: OversightFilter | null; order: RankingOrder; first: number }): Promise<InstrumentRank[]> {
  const { cte, bindings } = await instrumentFigures(db, period, now, options.filter);
  const direction = options.order === 'MOST_USED' ? 'desc' : 'asc';
  const rows = await rawRows<{ id: string; institution_id: string; used: number; external: number; sessions: number; available: number }>(db,
    `${cte} select * from figures
     order by case when available > 0 then used / available else 0 end ${direction}, used ${direction}, id limit ?`, [...bindings, options.first]);
  return rows.map((r, index) => ({
    rank: index + 1,
    instrumentId: r.id,
    institutionId: r.institution_id,
    utilisation: utilisation({ hours: Number(r.used), externalHours: Number(r.external), sessions: Number(r.sessions) }, Number(r.available)),
  }));
}

export async function rankInstitutions(db: Knex, period: Period, now: Date, options: { filter?: OversightFilter | null; order: RankingOrder; first: number }): Promise<InstitutionRank[]> {
  const { cte, bindings } = await instrumentFigures(db, period, now, options.filter);
  const direction = options.order === 'MOST_USED' ? 'desc' : 'asc';
  const rows = await rawRows<{ institution_id: string; instruments: number; used: number; external: number; sessions: number; available: number }>(db,
    `${cte} select institution_id, count(*) as instruments, sum(used) as used, sum(external) as external, sum(sessions) as sessions, sum(available) as available
     from figures group by institution_id
     order by case when sum(available) > 0 then sum(used) / sum(available) else 0 end ${direction}, sum(used) ${direction}, institution_id limit ?`, [...bindings, options.first]);
  return rows.map((r, index) => ({
    rank: index + 1,
    institutionId: r.institution_id,
    instruments: Number(r.instruments),
    utilisation: utilisation({ hours: Number(r.used), externalHours: Number(r.external), sessions: Number(r.sessions) }, Number(r.available)),
  }));
}

/** One institution's figures: its non-retired instruments together. */
export async function institutionUtilisation(db: Knex, institutionIds: readonly string[], period: Period, now: Date): Promise<Map<string, { instruments: number; openInstruments: number; utilisation: Utilisation }>> {
  const result = new Map<string, { instruments: number; openInstruments: number; utilisation: Utilisation }>();
  if (institutionIds.length === 0) return result;
  const { cte, bindings } = await instrumentFigures(db, period, now, { institutionIds });
  const rows = await rawRows<{ institution_id: string; used: number; external: number; sessions: number; available: number }>(db,
    `${cte} select institution_id, sum(used) as used, sum(external) as external, sum(sessions) as sessions, sum(available) as available from figures group by institution_id`, bindings);
  // "instruments open to all / all instruments" counts every listed instrument, retired ones too
  const counts = await db('instruments').whereRaw('institution_id = any(?::text[])', [[...institutionIds]]).groupBy('institution_id')
    .select('institution_id', db.raw('count(*) as instruments'), db.raw(`count(*) filter (where sharing = 'OPEN') as open`)) as Array<{ institution_id: string; instruments: number | string; open: number | string }>;
  const countOf = new Map(counts.map((c) => [c.institution_id, { instruments: Number(c.instruments), open: Number(c.open) }]));
  const figures = new Map(rows.map((r) => [r.institution_id, r]));
  for (const id of institutionIds) {
    const r = figures.get(id);
    const c = countOf.get(id) ?? { instruments: 0, open: 0 };
    result.set(id, {
      instruments: c.instruments,
      openInstruments: c.open,
      utilisation: utilisation({ hours: Number(r?.used ?? 0), externalHours: Number(r?.external ?? 0), sessions: Number(r?.sessions ?? 0) }, Number(r?.available ?? 0)),
    });
  }
  return result;
}

/** Each institution's figures month by month: its non-retired instruments together. */
export async function institutionMonthlyUtilisation(db: Knex, institutionIds: readonly string[], period: Period, now: Date): Promise<Map<string, MonthlyUtilisation[]>> {
  const result = new Map<string, MonthlyUtilisation[]>();
  if (institutionIds.length === 0) return result;
  const open = openHoursByMonth(period, now);
  const [used, counts, members] = await Promise.all([
    rawRows<{ institution_id: string; month: string; used: number; external: number; sessions: number }>(db,
      `select i.institution_id, to_char(u.month, 'YYYY-MM') as month, sum(u.used_hours) as used, sum(u.external_hours) as external, sum(u.sessions) as sessions
       from usage_monthly u join instruments i on i.id = u.instrument_id
       where i.institution_id = any(?::text[]) and i.declared_status <> 'RETIRED' and u.month >= ?::date and u.month < ?::date
       group by i.institution_id, u.month`, [[...institutionIds], `${period.fromMonth}-01`, `${period.toMonth}-01`]),
    rawRows<{ institution_id: string; n: number }>(db,
      `select institution_id, count(*) as n from instruments where institution_id = any(?::text[]) and declared_status <> 'RETIRED' group by institution_id`, [[...institutionIds]]),
    db('instruments').whereRaw('institution_id = any(?::text[])', [[...institutionIds]]).whereNot('declared_status', 'RETIRED')
      .select('id', 'institution_id') as Promise<Array<{ id: string; institution_id: string }>>,
  ]);
  const own = await ownOpeningHours(db, members.map((m) => m.id));
  const maintenance = await maintenanceHoursByMonth(db, members.map((m) => m.id), period, now, own);
  const beyond = ownHoursBeyondDefault(period, now, own);
  // per institution and month: hours lost to maintenance, less hours opened beyond the default
  const lost = new Map<string, number>();
  const add = (key: string, hours: number) => lost.set(key, (lost.get(key) ?? 0) + hours);
  for (const m of members) {
    for (const [month, hours] of maintenance.get(m.id) ?? []) add(`${m.institution_id}|${month}`, hours);
    for (const [month, hours] of beyond.get(m.id) ?? []) add(`${m.institution_id}|${month}`, -hours);
  }
  const usedBy = new Map(used.map((r) => [`${r.institution_id}|${r.month}`, r]));
  const countOf = new Map(counts.map((c) => [c.institution_id, Number(c.n)]));
  for (const id of institutionIds) {
    result.set(id, period.months.map((month) => {
      const u = usedBy.get(`${id}|${month}`);
      const available = Math.max(0, (open.get(month) ?? 0) * (countOf.get(id) ?? 0) - (lost.get(`${id}|${month}`) ?? 0));
      return { month, ...utilisation({ hours: Number(u?.used ?? 0), externalHours: Number(u?.external ?? 0), sessions: Number(u?.sessions ?? 0) }, available) };
    }));
  }
  return result;
}
