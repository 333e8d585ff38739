/**
 * An owner's booking rules for one instrument, and the checks a requested slot must pass.
 * Instruments without rules of their own take the defaults below.
 */
import { DEFAULT_OPENING_HOURS, openIntervals, type OpeningHours } from '../../schema/opening-hours.ts';
import { BookingRuleError } from './booking-lifecycle.ts';

export interface BookingPolicy {
  /** confirm requests at once instead of waiting for the owner's staff */
  autoApprove: boolean;
  maxHours: number;
  minNoticeHours: number;
  /** cancelling at least this long before the start is free */
  freeCancelHours: number;
  openingHours: OpeningHours;
  /** 创新券 may pay for bookings of this instrument */
  voucherEligible: boolean;
  /** a confirmed booking not started this many minutes after its start is a no-show, and its slot is released */
  noShowMinutes: number;
  /** users with this many no-shows at the owner's instruments wait for approval even when autoApprove; null: never */
  approvalAfterNoShows: number | null;
}

export const DEFAULT_BOOKING_POLICY: BookingPolicy = {
  autoApprove: false,
  maxHours: 8,
  minNoticeHours: 1,
  freeCancelHours: 24,
  openingHours: DEFAULT_OPENING_HOURS,
  voucherEligible: true,
  noShowMinutes: 15,
  approvalAfterNoShows: null,
};

/** how long a REQUESTED booking holds its slot while the owner decides */
export const HOLD_HOURS = 48;

const HOUR = 3_600_000;
const fmt = (d: Date) => d.toISOString().replace('.000Z', 'Z');

export function checkSlot(policy: BookingPolicy, from: Date, to: Date, now: Date): void {
  if (!(to.getTime() > from.getTime())) throw new BookingRuleError('BAD_PERIOD', `to (${fmt(to)}) must be after from (${fmt(from)})`);
  if (from.getTime() < now.getTime()) throw new BookingRuleError('IN_THE_PAST', `from (${fmt(from)}) is in the past`);
  if (from.getTime() < now.getTime() + policy.minNoticeHours * HOUR) {
    throw new BookingRuleError('TOO_SOON', `this instrument needs ${policy.minNoticeHours} h notice; the slot starts ${fmt(from)}`);
  }
  const hours = (to.getTime() - from.getTime()) / HOUR;
  if (hours > policy.maxHours) throw new BookingRuleError('TOO_LONG', `${hours.toFixed(2)} h is longer than this instrument's maximum of ${policy.maxHours} h per booking`);
  const open = openIntervals(from, to, policy.openingHours);
  const inside = open.length === 1 && open[0].from.getTime() === from.getTime() && open[0].to.getTime() === to.getTime();
  if (!inside) {
    throw new BookingRuleError('OUTSIDE_OPENING_HOURS', `${fmt(from)}–${fmt(to)} is not inside the instrument's opening hours (${describeOpeningHours(policy.openingHours)}, Asia/Shanghai)`);
  }
}

export function holdUntil(now: Date, start: Date): Date {
  return new Date(Math.min(now.getTime() + HOLD_HOURS * HOUR, start.getTime()));
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function describeOpeningHours(hours: OpeningHours): string {
  return Object.entries(hours.days)
    .map(([day, spans]) => `${DAY_NAMES[Number(day)]} ${(spans ?? []).map(([a, b]) => `${String(a).padStart(2, '0')}:00–${String(b).padStart(2, '0')}:00`).join(', ')}`)
    .join('; ');
}

export interface OpeningSpan { weekday: number; open: number; close: number }

/** Opening hours from owner-given spans; throws naming the span that is wrong. */
export function openingHoursFrom(spans: readonly OpeningSpan[]): OpeningHours {
  if (spans.length === 0) throw new BookingRuleError('BAD_USER_INPUT', 'openingHours: give at least one span, or leave the field out');
  const days: OpeningHours['days'] = {};
  for (const [i, span] of spans.entries()) {
    if (!Number.isInteger(span.weekday) || span.weekday < 1 || span.weekday > 7) throw new BookingRuleError('BAD_USER_INPUT', `openingHours[${i}].weekday: 1 (Monday) to 7 (Sunday), got ${span.weekday}`);
    if (!(span.open >= 0 && span.close <= 24 && span.open < span.close)) throw new BookingRuleError('BAD_USER_INPUT', `openingHours[${i}]: open ${span.open} and close ${span.close} must satisfy 0 ≤ open < close ≤ 24`);
    const day = (span.weekday % 7) as 0 | 1 | 2 | 3 | 4 | 5 | 6;
    const list = days[day] ?? [];
    if (list.some(([a, b]) => span.open < b && a < span.close)) throw new BookingRuleError('BAD_USER_INPUT', `openingHours[${i}] overlaps another span of weekday ${span.weekday}`);
    days[day] = [...list, [span.open, span.close] as [number, number]].sort((x, y) => x[0] - y[0]);
  }
  return { days };
}
