/**
 * Availability search: an instrument qualifies when its opening hours inside the window,
 * minus the owner's own calendar (read through its connector), leave at least one free hour.
 * Candidates are checked in result order, many at a time, only as far as the page needs.
 */
import { openIntervals, subtractIntervals, type Interval } from '../../../schema/opening-hours.ts';

export const MAX_WINDOW_DAYS = 31;
export const MIN_FREE_MINUTES = 60;
const CONCURRENCY = 16;

/** the owner's busy intervals for one instrument; throws when the owner's system cannot say */
export type OwnerCalendar = (instrumentId: string, from: Date, to: Date) => Promise<Interval[]>;

/** start of the first free stretch of MIN_FREE_MINUTES inside opening hours and the window, or null */
export function firstFreeSlot(window: Interval, busy: readonly Interval[]): Date | null {
  const free = subtractIntervals(openIntervals(window.from, window.to), busy);
  return free.find((f) => f.to.getTime() - f.from.getTime() >= MIN_FREE_MINUTES * 60_000)?.from ?? null;
}

/**
 * Free slots of `ids`, checked `CONCURRENCY` at a time, in order, until `wanted` are found.
 * An instrument whose owner's calendar cannot be read is left out: free time cannot be promised.
 */
export async function findAvailable(ids: readonly string[], window: Interval, calendar: OwnerCalendar, wanted: number): Promise<Map<string, Date>> {
  const found = new Map<string, Date>();
  for (let i = 0; i < ids.length && found.size < wanted; i += CONCURRENCY) {
    const chunk = ids.slice(i, i + CONCURRENCY);
    const slots = await Promise.all(chunk.map(async (id) => {
      try {
        return firstFreeSlot(window, await calendar(id, window.from, window.to));
      } catch {
        return null;
      }
    }));
    chunk.forEach((id, n) => {
      const slot = slots[n];
      if (slot && found.size < wanted) found.set(id, slot);
    });
  }
  return found;
}
