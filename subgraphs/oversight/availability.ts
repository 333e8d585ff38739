/**
 * 可用机时: the hours an instrument was offered in a month — its opening hours (its owner's own,
 * set with its booking policy, else Monday to Friday 09:00–18:00 Asia/Shanghai) minus the opening
 * hours it spent under maintenance, as reported by its owner or declared (维修) when the nightly
 * job looked. The current month counts up to now only, later months not at all.
 */
import type { Knex } from 'knex';
import { DEFAULT_OPENING_HOURS, openIntervals, type Interval, type OpeningHours } from '../../schema/opening-hours.ts';
import { hoursWithin, mergeIntervals } from './fake-busy.ts';
import { addMonths, monthStart } from '../usage/usage-months.ts';
import { availableHours } from '../usage/utilisation.ts';
import { elapsedEnd, type Period } from './period.ts';

export function monthWindow(month: string, now: Date): Interval {
  const from = monthStart(month);
  const to = elapsedEnd(monthStart(addMonths(month, 1)), now);
  return { from, to: to.getTime() > from.getTime() ? to : from };
}

/** Opening hours of each month of the period, before maintenance. */
export function openHoursByMonth(period: Period, now: Date, hours: OpeningHours = DEFAULT_OPENING_HOURS): Map<string, number> {
  return new Map(period.months.map((m) => {
    const w = monthWindow(m, now);
    return [m, availableHours(w.from, w.to, hours)];
  }));
}

/**
 * How many opening hours over the period each instrument with hours of its own has beyond the
 * default (negative when fewer): the correction to "default hours × instruments".
 */
export function ownHoursBeyondDefault(period: Period, now: Date, own: ReadonlyMap<string, OpeningHours>): Map<string, Map<string, number>> {
  const standard = openHoursByMonth(period, now);
  return new Map([...own].map(([id, hours]) => [id, new Map([...openHoursByMonth(period, now, hours)].map(([m, h]) => [m, h - (standard.get(m) ?? 0)]))]));
}

/**
 * Opening hours lost to maintenance, per instrument and month of the period, within each
 * instrument's own opening hours (`own`, else the default). Only instruments with maintenance
 * appear; `instrumentIds` null means every instrument (the table is small: one row per repair,
 * not per hour).
 */
export async function maintenanceHoursByMonth(db: Knex, instrumentIds: readonly string[] | null, period: Period, now: Date,
  ownHours: ReadonlyMap<string, OpeningHours> | Promise<ReadonlyMap<string, OpeningHours>>): Promise<Map<string, Map<string, number>>> {
  const query = db('maintenance_periods').where('starts_at', '<', elapsedEnd(period.to, now))
    .where((q) => q.whereNull('ends_at').orWhere('ends_at', '>', period.from))
    .select('instrument_id', 'starts_at', 'ends_at');
  if (instrumentIds) query.whereRaw('instrument_id = any(?::text[])', [[...instrumentIds]]);
  // the own hours may still be on their way: both reads go to the database at once
  const [rows, own] = await Promise.all([query as Promise<Array<{ instrument_id: string; starts_at: Date; ends_at: Date | null }>>, ownHours]);
  const spans = new Map<string, Interval[]>();
  for (const r of rows) {
    const list = spans.get(r.instrument_id) ?? [];
    list.push({ from: new Date(r.starts_at), to: r.ends_at ? new Date(r.ends_at) : now });
    spans.set(r.instrument_id, list);
  }
  const result = new Map<string, Map<string, number>>();
  for (const [id, list] of spans) {
    const merged = mergeIntervals(list);
    const months = new Map<string, number>();
    for (const m of period.months) {
      const w = monthWindow(m, now);
      if (w.to.getTime() <= w.from.getTime()) continue;
      const hours = hoursWithin(merged, w, openIntervals(w.from, w.to, own.get(id)));
      if (hours > 0) months.set(m, hours);
    }
    if (months.size > 0) result.set(id, months);
  }
  return result;
}

/** Each instrument's hours per month (maintenance, own hours beyond the default) summed over the period. */
export function sumMonths(byMonth: ReadonlyMap<string, ReadonlyMap<string, number>>): Map<string, number> {
  return new Map([...byMonth].map(([id, months]) => [id, [...months.values()].reduce((a, b) => a + b, 0)]));
}
