/**
 * 利用率: how much of the hours an instrument was open for it was really used. Opening hours
 * are the instrument's own, else Monday to Friday 09:00–18:00 Asia/Shanghai.
 */
import { addMonths, monthOf, monthStart } from './usage-months.ts';
import { DEFAULT_OPENING_HOURS, openIntervals, type OpeningHours } from '../../schema/opening-hours.ts';

export interface Utilisation {
  hoursUsed: number;
  /** of hoursUsed, for users of other institutions */
  externalHours: number;
  availableHours: number;
  /** hoursUsed / availableHours, 0 when nothing was available */
  share: number;
  /** reported sessions in the window; 0 means the owner reported no use at all */
  sessions: number;
}

export function availableHours(from: Date, to: Date, hours: OpeningHours = DEFAULT_OPENING_HOURS): number {
  return openIntervals(from, to, hours).reduce((sum, i) => sum + (i.to.getTime() - i.from.getTime()) / 3_600_000, 0);
}

export function utilisation(used: { hours: number; externalHours: number; sessions: number }, available: number): Utilisation {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    hoursUsed: round(used.hours),
    externalHours: round(used.externalHours),
    availableHours: round(available),
    share: available > 0 ? Math.round((used.hours / available) * 1000) / 1000 : 0,
    sessions: used.sessions,
  };
}

/**
 * The window reviews look back over: the twelve full calendar months before the current one
 * (Asia/Shanghai), so figures match the monthly roll-up and do not move during the day.
 */
export function lastTwelveMonths(now: Date): { from: Date; to: Date; fromMonth: string; toMonth: string } {
  const toMonth = monthOf(now);
  const fromMonth = addMonths(toMonth, -12);
  return { from: monthStart(fromMonth), to: monthStart(toMonth), fromMonth, toMonth };
}
