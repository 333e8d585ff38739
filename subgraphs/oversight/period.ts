/**
 * Reporting periods as the city names them: a year ("2026"), a quarter ("2026-Q3"), a month
 * ("2026-09") or a range of months ("2026-01..2026-06", both ends included). Periods are whole
 * calendar months in Asia/Shanghai, so every figure comes from the monthly roll-up.
 */
import { addMonths, monthStart } from '../usage/usage-months.ts';
import { lastTwelveMonths } from '../usage/utilisation.ts';

export interface Period {
  label: string;
  /** first month, "YYYY-MM" */
  fromMonth: string;
  /** the month after the last, "YYYY-MM" (exclusive) */
  toMonth: string;
  from: Date;
  to: Date;
  months: string[];
}

export const MAX_PERIOD_MONTHS = 120;

export class PeriodError extends Error {}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function period(label: string, fromMonth: string, toMonth: string): Period {
  const months: string[] = [];
  for (let m = fromMonth; m < toMonth; m = addMonths(m, 1)) months.push(m);
  if (months.length === 0) throw new PeriodError(`period "${label}": ends before it starts`);
  if (months.length > MAX_PERIOD_MONTHS) throw new PeriodError(`period "${label}": at most ${MAX_PERIOD_MONTHS} months, got ${months.length}`);
  return { label, fromMonth, toMonth, from: monthStart(fromMonth), to: monthStart(toMonth), months };
}

/** The period a text names; without one, the last twelve full months before `now`. */
export function parsePeriod(text: string | null | undefined, now: Date): Period {
  const value = text?.trim() ?? '';
  if (value === '') {
    const window = lastTwelveMonths(now);
    return period(`${window.fromMonth} – ${addMonths(window.toMonth, -1)}`, window.fromMonth, window.toMonth);
  }
  let match = /^(\d{4})$/.exec(value);
  if (match) return period(value, `${match[1]}-01`, `${Number(match[1]) + 1}-01`);
  match = /^(\d{4})-?Q([1-4])$/i.exec(value);
  if (match) {
    const first = `${match[1]}-${String((Number(match[2]) - 1) * 3 + 1).padStart(2, '0')}`;
    return period(`${match[1]}-Q${match[2]}`, first, addMonths(first, 3));
  }
  if (MONTH.test(value)) return period(value, value, addMonths(value, 1));
  const range = value.split('..').map((part) => part.trim());
  if (range.length === 2 && MONTH.test(range[0]) && MONTH.test(range[1])) {
    return period(`${range[0]} – ${range[1]}`, range[0], addMonths(range[1], 1));
  }
  throw new PeriodError(`period "${value}": expected a year (2026), a quarter (2026-Q3), a month (2026-09) or a range of months (2026-01..2026-06)`);
}

/** The current month so far counts up to `now`; later months not at all. */
export function elapsedEnd(to: Date, now: Date): Date {
  return to.getTime() < now.getTime() ? to : now;
}
