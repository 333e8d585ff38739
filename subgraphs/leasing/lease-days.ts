/**
 * A lease's days: `YYYY-MM-DD` in Asia/Shanghai, both ends included (a lease from the 1st to the
 * 3rd is 3 days). Parsed once at the edge into day numbers, so the rest counts whole days.
 */
import { badInput } from '../bad-input.ts';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Days since 1970-01-01, the calendar day a `YYYY-MM-DD` names. */
export type DayNumber = number;

export function parseLeaseDate(field: string, text: string): DayNumber {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) throw badInput(field, `a date YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return ms / DAY_MS;
}

export function formatLeaseDate(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar day it is in Shanghai at `now`. */
export function shanghaiToday(now: Date): DayNumber {
  return Math.floor((now.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** The instant a Shanghai day begins: a lease's days as time, to compare with bookings. */
export function shanghaiMidnight(day: DayNumber): Date {
  return new Date(day * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** A report's period: days `from` to `to` (YYYY-MM-DD, both included) as the instants [start, end) in Shanghai. */
export function parseDayPeriod(fromText: string, toText: string): { start: Date; end: Date } {
  const from = parseLeaseDate('from', fromText);
  const to = parseLeaseDate('to', toText);
  if (to < from) throw badInput('to', `${toText} is before from ${fromText}`);
  if (to - from > 3660) throw badInput('to', 'a period of at most ten years');
  return { start: shanghaiMidnight(from), end: shanghaiMidnight(to + 1) };
}
