/**
 * Months as usage is reported and reviewed: calendar months in Asia/Shanghai (UTC+8, no
 * daylight saving), written "YYYY-MM".
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export function monthOf(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7);
}

/** The instant a "YYYY-MM" month starts in Shanghai. */
export function monthStart(month: string): Date {
  return new Date(Date.parse(`${month}-01T00:00:00+08:00`));
}

export function addMonths(month: string, count: number): string {
  const [year, m] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every month [from, to) touches; a session ending exactly at midnight does not touch the next. */
export function monthsTouched(from: Date, to: Date): string[] {
  const last = monthOf(new Date(to.getTime() - 1));
  const months: string[] = [];
  for (let m = monthOf(from); m <= last; m = addMonths(m, 1)) months.push(m);
  return months;
}
