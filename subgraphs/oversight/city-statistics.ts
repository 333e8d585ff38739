/**
 * 全市统计: the city's figures in one query — institutions by type, instruments and their
 * original value by class, district and value band, the sharing rate, orders, service hours,
 * satisfaction and the monthly series — for a period, optionally for some districts and
 * institution types. Hours come from the monthly roll-up (`usage_monthly`), never from the
 * sessions, so the query stays fast at 100,000 instruments.
 *
 * What counts:
 * - instruments: those listed now whose purchase date (when known) is before the period's end;
 * - service hours: use in the period's months, overlaps merged; external: by other institutions.
 *   Without a district or type filter, hours of instruments withdrawn from the hub since count too
 *   (they were served in the period); with one, an instrument's current district and owner decide;
 * - sharing rate: instruments 对外开放 (OPEN) / instruments, and external hours / service hours;
 * - orders: hub bookings COMPLETED whose slot starts in the period; satisfaction: the mean of
 *   users' ratings given in the period (null when there are none).
 */
import type { Knex } from 'knex';
import { INSTRUMENT_CLASSES, type InstrumentClassKey } from '../../schema/classes.ts';
import { INSTITUTION_TYPES } from '../../schema/terms.ts';
import { openHoursByMonth, ownHoursBeyondDefault, sumMonths } from './availability.ts';
import { ownOpeningHours } from '../booking/policy-store.ts';
import type { Period } from './period.ts';
import { rawRows } from './sql.ts';
import { filterSql, type OversightFilter } from './utilisation-store.ts';

export const VALUE_BANDS = { atLeast300k: 300_000, atLeast500k: 500_000 } as const;

export interface CityFigures {
  institutionsByType: Array<{ type: string; count: number }>;
  institutions: number;
  instruments: number;
  originalValueYuan: number;
  byClass: Array<{ key: InstrumentClassKey; zh: string; count: number; valueYuan: number }>;
  byDistrict: Array<{ district: string; count: number; valueYuan: number }>;
  valueBands: { atLeast300k: number; atLeast500k: number; valueAtLeast300kYuan: number; valueAtLeast500kYuan: number };
  openInstruments: number;
  sharingRate: { instrumentShare: number; hourShare: number };
  orders: number;
  serviceHours: number;
  externalServiceHours: number;
  /** opening hours of the instruments in service (not retired), before maintenance */
  openHours: number;
  utilisationShare: number;
  satisfaction: number | null;
  ratings: number;
  monthly: Array<{ month: string; usedHours: number; externalHours: number; orders: number }>;
}

const UNKNOWN_DISTRICT = '未注明 (not given)';
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function cityFigures(db: Knex, period: Period, now: Date, filter: OversightFilter): Promise<CityFigures> {
  const where = filterSql(filter);
  const inService = `(i.purchase_date is null or i.purchase_date < ?::date)`;
  const periodEnd = `${period.toMonth}-01`;
  const joinInstitutions = where.institutions ? 'join institutions n on n.id = i.institution_id' : '';
  // the instruments of the filter, as a semi-join (far cheaper than joining every monthly row);
  // without a filter every recorded hour of the period counts, also of instruments withdrawn since
  const ofFiltered = (column: string) => (where.sql ? `and ${column} in (select i.id from instruments i ${joinInstitutions} where true ${where.sql})` : '');

  const inventory = rawRows<{ instrument_class: string | null; district: string | null; by_class: number; by_district: number; n: number; value: string | number; v300: number; v500: number; value300: string | number; value500: string | number; open: number; active: number }>(db,
    `select i.instrument_class, coalesce(i.district, '') as district, grouping(i.instrument_class) as by_class, grouping(coalesce(i.district, '')) as by_district,
       count(*) as n, coalesce(sum(i.original_value), 0) as value,
       count(*) filter (where i.original_value >= ${VALUE_BANDS.atLeast300k}) as v300, count(*) filter (where i.original_value >= ${VALUE_BANDS.atLeast500k}) as v500,
       coalesce(sum(i.original_value) filter (where i.original_value >= ${VALUE_BANDS.atLeast300k}), 0) as value300,
       coalesce(sum(i.original_value) filter (where i.original_value >= ${VALUE_BANDS.atLeast500k}), 0) as value500,
       count(*) filter (where i.sharing = 'OPEN') as open, count(*) filter (where i.declared_status <> 'RETIRED') as active
     from instruments i ${joinInstitutions}
     where ${inService} ${where.sql}
     group by grouping sets ((i.instrument_class), (coalesce(i.district, '')), ())`, [periodEnd, ...where.bindings]);
  // institutions with at least one counted instrument (`n` is the outer row inside the subquery)
  const institutions = rawRows<{ type: string; count: number }>(db,
    `select n.type, count(*) as count from institutions n
     where exists (select 1 from instruments i where i.institution_id = n.id and ${inService} ${where.sql}) group by n.type`, [periodEnd, ...where.bindings]);
  const usage = rawRows<{ month: string; used: number; external: number }>(db,
    `select to_char(u.month, 'YYYY-MM') as month, sum(u.used_hours) as used, sum(u.external_hours) as external
     from usage_monthly u where u.month >= ?::date and u.month < ?::date ${ofFiltered('u.instrument_id')} group by u.month`,
  [`${period.fromMonth}-01`, periodEnd, ...where.bindings]);
  const orders = rawRows<{ month: string; orders: number }>(db,
    `select to_char(lower(b.period) at time zone 'Asia/Shanghai', 'YYYY-MM') as month, count(*) as orders
     from bookings b where b.status = 'COMPLETED' and lower(b.period) >= ?::timestamptz and lower(b.period) < ?::timestamptz
       ${ofFiltered('b.instrument_id')} group by 1`,
  [period.from.toISOString(), period.to.toISOString(), ...where.bindings]);
  const ratings = rawRows<{ mean: number | null; count: number }>(db,
    `select avg(r.rating)::float8 as mean, count(*) as count from booking_ratings r
     where r.rated_at >= ?::timestamptz and r.rated_at < ?::timestamptz ${ofFiltered('r.instrument_id')}`,
  [period.from.toISOString(), period.to.toISOString(), ...where.bindings]);

  // instruments in service that keep opening hours of their own (a handful): their difference from the default
  const own = await ownOpeningHours(db, null);
  const ownInService = own.size === 0 ? Promise.resolve([]) : rawRows<{ id: string }>(db,
    `select i.id from instruments i ${joinInstitutions} where i.id = any(?::text[]) and ${inService} and i.declared_status <> 'RETIRED' ${where.sql}`,
    [[...own.keys()], periodEnd, ...where.bindings]);

  const [inventoryRows, institutionRows, usageRows, orderRows, ratingRows, ownRows] = await Promise.all([inventory, institutions, usage, orders, ratings, ownInService]);

  const total = inventoryRows.find((r) => Number(r.by_class) === 1 && Number(r.by_district) === 1);
  const classRows = inventoryRows.filter((r) => Number(r.by_class) === 0);
  const districtRows = inventoryRows.filter((r) => Number(r.by_district) === 0 && Number(r.by_class) === 1);
  const byClass = INSTRUMENT_CLASSES.map((c) => {
    const row = classRows.find((r) => r.instrument_class === c.key);
    return { key: c.key, zh: c.zh, count: Number(row?.n ?? 0), valueYuan: Number(row?.value ?? 0) };
  }).filter((c) => c.count > 0).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const byDistrict = districtRows.map((r) => ({ district: r.district || UNKNOWN_DISTRICT, count: Number(r.n), valueYuan: Number(r.value) }))
    .sort((a, b) => b.count - a.count || a.district.localeCompare(b.district));
  const typeOrder = (type: string) => { const i = (INSTITUTION_TYPES as readonly string[]).indexOf(type); return i < 0 ? INSTITUTION_TYPES.length : i; };
  const institutionsByType = institutionRows.map((r) => ({ type: r.type, count: Number(r.count) }))
    .sort((a, b) => typeOrder(a.type) - typeOrder(b.type) || a.type.localeCompare(b.type));

  const usedBy = new Map(usageRows.map((r) => [r.month, { used: Number(r.used), external: Number(r.external) }]));
  const ordersBy = new Map(orderRows.map((r) => [r.month, Number(r.orders)]));
  const monthly = period.months.map((month) => ({
    month,
    usedHours: round1(usedBy.get(month)?.used ?? 0),
    externalHours: round1(usedBy.get(month)?.external ?? 0),
    orders: ordersBy.get(month) ?? 0,
  }));
  const serviceHours = [...usedBy.values()].reduce((s, u) => s + u.used, 0);
  const externalServiceHours = [...usedBy.values()].reduce((s, u) => s + u.external, 0);
  const instruments = Number(total?.n ?? 0);
  const openInstruments = Number(total?.open ?? 0);
  const beyond = sumMonths(ownHoursBeyondDefault(period, now, new Map(ownRows.map((r) => [r.id, own.get(r.id)!]))));
  const openHours = [...openHoursByMonth(period, now).values()].reduce((a, b) => a + b, 0) * Number(total?.active ?? 0)
    + [...beyond.values()].reduce((a, b) => a + b, 0);
  const rating = ratingRows[0] ?? { mean: null, count: 0 };
  return {
    institutionsByType,
    institutions: institutionsByType.reduce((s, r) => s + r.count, 0),
    instruments,
    originalValueYuan: Number(total?.value ?? 0),
    byClass,
    byDistrict,
    valueBands: {
      atLeast300k: Number(total?.v300 ?? 0), atLeast500k: Number(total?.v500 ?? 0),
      valueAtLeast300kYuan: Number(total?.value300 ?? 0), valueAtLeast500kYuan: Number(total?.value500 ?? 0),
    },
    openInstruments,
    sharingRate: {
      instrumentShare: instruments > 0 ? Math.round((openInstruments / instruments) * 1000) / 1000 : 0,
      hourShare: serviceHours > 0 ? Math.round((externalServiceHours / serviceHours) * 1000) / 1000 : 0,
    },
    orders: [...ordersBy.values()].reduce((a, b) => a + b, 0),
    serviceHours: round1(serviceHours),
    externalServiceHours: round1(externalServiceHours),
    openHours: round1(openHours),
    utilisationShare: openHours > 0 ? Math.round((serviceHours / openHours) * 1000) / 1000 : 0,
    satisfaction: rating.mean === null || Number(rating.count) === 0 ? null : Math.round(Number(rating.mean) * 100) / 100,
    ratings: Number(rating.count),
    monthly,
  };
}
