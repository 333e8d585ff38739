/**
 * Opening hours and free-slot arithmetic. Business hours are kept in Asia/Shanghai (UTC+8,
 * no daylight saving), stored and compared as UTC instants.
 */
export interface Interval { from: Date; to: Date }

/** Hours of one weekday, local time: [openHour, closeHour) on the day, 0 = Sunday. */
export interface OpeningHours { days: Partial<Record<0 | 1 | 2 | 3 | 4 | 5 | 6, Array<[number, number]>>> }

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Instruments without opening hours of their own: Monday to Friday, 09:00–18:00 Asia/Shanghai. */
export const DEFAULT_OPENING_HOURS: OpeningHours = {
  days: { 1: [[9, 18]], 2: [[9, 18]], 3: [[9, 18]], 4: [[9, 18]], 5: [[9, 18]] },
};

/** The open intervals of `hours` that fall inside [from, to). */
export function openIntervals(from: Date, to: Date, hours: OpeningHours = DEFAULT_OPENING_HOURS): Interval[] {
  const result: Interval[] = [];
  const startLocalDay = Math.floor((from.getTime() + SHANGHAI_OFFSET_MS) / DAY);
  const endLocalDay = Math.floor((to.getTime() + SHANGHAI_OFFSET_MS) / DAY);
  for (let day = startLocalDay; day <= endLocalDay; day++) {
    const weekday = ((day + 4) % 7) as 0 | 1 | 2 | 3 | 4 | 5 | 6; // 1970-01-01 was a Thursday
    for (const [open, close] of hours.days[weekday] ?? []) {
      const a = day * DAY - SHANGHAI_OFFSET_MS + open * HOUR;
      const b = day * DAY - SHANGHAI_OFFSET_MS + close * HOUR;
      const lo = Math.max(a, from.getTime());
      const hi = Math.min(b, to.getTime());
      if (lo < hi) result.push({ from: new Date(lo), to: new Date(hi) });
    }
  }
  return result;
}

/** `free` minus every interval of `busy`; both may be unsorted, the result is sorted. */
export function subtractIntervals(free: readonly Interval[], busy: readonly Interval[]): Interval[] {
  const sortedBusy = [...busy].sort((a, b) => a.from.getTime() - b.from.getTime());
  const result: Interval[] = [];
  for (const slot of [...free].sort((a, b) => a.from.getTime() - b.from.getTime())) {
    let cursor = slot.from.getTime();
    const end = slot.to.getTime();
    for (const b of sortedBusy) {
      if (b.to.getTime() <= cursor || b.from.getTime() >= end) continue;
      if (b.from.getTime() > cursor) result.push({ from: new Date(cursor), to: b.from });
      cursor = Math.max(cursor, b.to.getTime());
      if (cursor >= end) break;
    }
    if (cursor < end) result.push({ from: new Date(cursor), to: new Date(end) });
  }
  return result;
}

/**
 * Start of the first free stretch of at least `minutes` inside opening hours, searching
 * from `now` (rounded up to the half hour) for `horizonDays`.
 */
export function nextFreeSlot(now: Date, busy: readonly Interval[], minutes = 60, horizonDays = 14, hours: OpeningHours = DEFAULT_OPENING_HOURS): Date | null {
  const halfHour = 30 * 60_000;
  const start = new Date(Math.ceil(now.getTime() / halfHour) * halfHour);
  const free = subtractIntervals(openIntervals(start, new Date(start.getTime() + horizonDays * DAY), hours), busy);
  const slot = free.find((f) => f.to.getTime() - f.from.getTime() >= minutes * 60_000);
  return slot ? slot.from : null;
}
