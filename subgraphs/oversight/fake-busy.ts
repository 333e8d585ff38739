/**
 * 假忙碌 detection: instruments whose owners declare them busy (or block their booking calendar)
 * so that nobody else can book them, while the owner's own usage records show nothing happening.
 * The opposite mismatch — declared idle or broken while in use — is flagged too: it is not
 * hoarding, but it makes the city's status figures wrong.
 *
 * Every hour here is an opening hour: a claim of "busy" only keeps other users out during the
 * hours the instrument is offered, so those are the hours the claim is checked against, and
 * they give the shares a common denominator with 利用率 (subgraphs/usage/utilisation.ts).
 * Pure functions over the evidence a caller has already loaded; no database.
 */
import { DEFAULT_OPENING_HOURS, openIntervals, type Interval, type OpeningHours } from '../../schema/opening-hours.ts';
import { declaredStatuses, type DeclaredStatus } from '../../schema/terms.ts';
import { DEFAULT_DECLARED_HOURS_TOLERANCE } from './declared-hours.ts';

export interface InstrumentEvidence {
  instrumentId: string;
  declaredStatus: 'IDLE' | 'IN_USE' | 'MAINTENANCE' | 'RETIRED';
  /** when the current status was declared; null when the owner's system does not record it */
  declaredSince: Date | null;
  /** reported usage sessions (meters, logbooks); duplicates from several systems are expected */
  usage: Array<{ from: Date; to: Date }>;
  bookings: Array<{ from: Date; to: Date }>;
  /** stretches the owner closed in the booking calendar */
  calendarBlocked: Array<{ from: Date; to: Date }>;
  /** the instrument's own opening hours; Monday to Friday 09:00–18:00 Asia/Shanghai when absent */
  openingHours?: OpeningHours;
}

export interface FakeBusyRules {
  /** length of the window looked back over; two weeks of silence is more than a slow week */
  quietDays: number;
  /** share of the window's open hours the calendar must block to count as "blocked" */
  blockedShareThreshold: number;
  /** below this, use while declared idle/broken may be a test run or a clock error */
  minUsedHoursForIdleMismatch: number;
  /** how far the owner's declared yearly hours may exceed the recorded ones (declared-hours.ts) */
  declaredHoursTolerance: number;
}

export const DEFAULT_FAKE_BUSY_RULES: FakeBusyRules = {
  quietDays: 14,
  blockedShareThreshold: 0.8,
  minUsedHoursForIdleMismatch: 4,
  declaredHoursTolerance: DEFAULT_DECLARED_HOURS_TOLERANCE,
};

/**
 * A blocked calendar is explained when real activity fills at least this share of the blocked
 * hours; below it the block mostly keeps others out of an unused instrument.
 */
export const BLOCKED_ACTIVITY_FLOOR = 0.1;

export type FlagKind = 'DECLARED_BUSY_UNUSED' | 'CALENDAR_BLOCKED_UNUSED' | 'DECLARED_IDLE_BUT_USED' | 'DECLARED_BROKEN_BUT_USED'
  | 'DECLARED_HOURS_OVERSTATED';

export interface FakeBusyFlag {
  instrumentId: string;
  kind: FlagKind;
  windowFrom: Date;
  windowTo: Date;
  /** human-readable sentences with the numbers behind the flag, for the owner and the reviewer */
  evidence: string[];
  openHours: number;
  usedHours: number;
  blockedHours: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHANGHAI_OFFSET_MS = 8 * HOUR;

/** Sorted, non-overlapping intervals covering the same time; touching intervals are joined, empty ones dropped. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals
    .filter((i) => i.to.getTime() > i.from.getTime())
    .sort((a, b) => a.from.getTime() - b.from.getTime());
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged[merged.length - 1];
    if (last && i.from.getTime() <= last.to.getTime()) {
      if (i.to.getTime() > last.to.getTime()) last.to = i.to;
    } else {
      merged.push({ from: i.from, to: i.to });
    }
  }
  return merged;
}

/** The time covered by both `a` and `b`, merged. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const left = mergeIntervals(a);
  const right = mergeIntervals(b);
  const result: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const from = Math.max(left[i].from.getTime(), right[j].from.getTime());
    const to = Math.min(left[i].to.getTime(), right[j].to.getTime());
    if (from < to) result.push({ from: new Date(from), to: new Date(to) });
    if (left[i].to.getTime() < right[j].to.getTime()) i++;
    else j++;
  }
  return result;
}

/**
 * Hours of `intervals` inside `window` and inside `open` (usually the window's opening hours),
 * each hour counted once however many intervals report it.
 */
export function hoursWithin(intervals: readonly Interval[], window: Interval, open: readonly Interval[]): number {
  const clipped = intersectIntervals(intersectIntervals(intervals, [window]), open);
  return clipped.reduce((sum, i) => sum + (i.to.getTime() - i.from.getTime()), 0) / HOUR;
}

/** Local (Asia/Shanghai) calendar date: owners and reviewers read dates in city time. */
function localDate(date: Date): string {
  return new Date(date.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

const hoursText = (hours: number) => `${Math.round(hours * 10) / 10} h`;
const percentText = (share: number) => `${Math.round(share * 100)} %`;
const round2 = (n: number) => Math.round(n * 100) / 100;

function statusText(status: DeclaredStatus, since: Date | null): string {
  const declared = `declared ${declaredStatuses.zh[status]} (${status})`;
  return since ? `${declared} since ${localDate(since)}` : `${declared}, date of declaration not recorded`;
}

/** When the declaration was made at or before `moment`, or its date is unknown (assume it stands). */
function declaredBy(evidence: InstrumentEvidence, moment: Date): boolean {
  return evidence.declaredSince === null || evidence.declaredSince.getTime() <= moment.getTime();
}

interface WindowFacts {
  window: Interval;
  open: Interval[];
  openHours: number;
  usedHours: number;
  bookedHours: number;
  blockedHours: number;
  /** hours of the blocked time that usage or bookings actually filled */
  activeBlockedHours: number;
  offHoursSessions: number;
}

function windowFacts(evidence: InstrumentEvidence, window: Interval): WindowFacts {
  const open = openIntervals(window.from, window.to, evidence.openingHours ?? DEFAULT_OPENING_HOURS);
  const hours = (intervals: readonly Interval[]) => hoursWithin(intervals, window, open);
  const blockedOpen = intersectIntervals(evidence.calendarBlocked, open);
  const inWindow = (i: Interval) => i.from.getTime() < window.to.getTime() && i.to.getTime() > window.from.getTime();
  return {
    window,
    open,
    openHours: hours([window]),
    usedHours: hours(evidence.usage),
    bookedHours: hours(evidence.bookings),
    blockedHours: hours(evidence.calendarBlocked),
    activeBlockedHours: hoursWithin([...evidence.usage, ...evidence.bookings], window, blockedOpen),
    offHoursSessions: evidence.usage.filter((u) => inWindow(u) && hoursWithin([u], window, open) === 0).length,
  };
}

function flag(evidence: InstrumentEvidence, kind: FlagKind, facts: WindowFacts, sentences: string[]): FakeBusyFlag {
  return {
    instrumentId: evidence.instrumentId,
    kind,
    windowFrom: facts.window.from,
    windowTo: facts.window.to,
    evidence: sentences,
    openHours: round2(facts.openHours),
    usedHours: round2(facts.usedHours),
    blockedHours: round2(facts.blockedHours),
  };
}

function declaredBusyUnused(evidence: InstrumentEvidence, facts: WindowFacts, rules: FakeBusyRules): FakeBusyFlag | null {
  if (evidence.declaredStatus !== 'IN_USE' || !declaredBy(evidence, facts.window.from)) return null;
  if (facts.usedHours > 0 || facts.bookedHours > 0) return null;
  const sentences = [
    `${statusText('IN_USE', evidence.declaredSince)}; no usage session and no booking in the ${rules.quietDays} days to ${localDate(facts.window.to)}`,
    `the instrument was open ${hoursText(facts.openHours)} in that window and none of it was used or booked`,
  ];
  if (facts.offHoursSessions > 0) sentences.push(`${facts.offHoursSessions} usage session(s) fell entirely outside opening hours and were not counted`);
  return flag(evidence, 'DECLARED_BUSY_UNUSED', facts, sentences);
}

function calendarBlockedUnused(evidence: InstrumentEvidence, facts: WindowFacts, rules: FakeBusyRules): FakeBusyFlag | null {
  // A retired instrument has nothing to share; a repair declared before the window explains a
  // closed calendar by itself (one declared mid-window does not cover the weeks before it).
  const explained = evidence.declaredStatus === 'RETIRED'
    || (evidence.declaredStatus === 'MAINTENANCE' && declaredBy(evidence, facts.window.from));
  if (explained || facts.blockedHours === 0) return null;
  const blockedShare = facts.blockedHours / facts.openHours;
  if (blockedShare < rules.blockedShareThreshold) return null;
  const activeShare = facts.activeBlockedHours / facts.blockedHours;
  if (activeShare >= BLOCKED_ACTIVITY_FLOOR) return null;
  return flag(evidence, 'CALENDAR_BLOCKED_UNUSED', facts, [
    `the booking calendar blocked ${hoursText(facts.blockedHours)} of ${hoursText(facts.openHours)} open hours (${percentText(blockedShare)}) in the ${rules.quietDays} days to ${localDate(facts.window.to)}`,
    `usage and bookings filled ${hoursText(facts.activeBlockedHours)} of the blocked hours (${percentText(activeShare)}, below ${percentText(BLOCKED_ACTIVITY_FLOOR)})`,
    statusText(evidence.declaredStatus, evidence.declaredSince),
  ]);
}

/**
 * Use contradicts a declaration only after it was made, so the mismatch window starts at the
 * later of the review window and the declaration.
 */
function usedWhileDeclared(evidence: InstrumentEvidence, window: Interval, rules: FakeBusyRules): FakeBusyFlag | null {
  const status = evidence.declaredStatus;
  if (status === 'IN_USE') return null;
  const since = evidence.declaredSince;
  const from = since && since.getTime() > window.from.getTime() ? since : window.from;
  if (from.getTime() >= window.to.getTime()) return null;
  const facts = windowFacts(evidence, { from, to: window.to });
  if (facts.usedHours < rules.minUsedHoursForIdleMismatch) return null;
  const kind: FlagKind = status === 'IDLE' ? 'DECLARED_IDLE_BUT_USED' : 'DECLARED_BROKEN_BUT_USED';
  const sentences = [
    `${statusText(status, since)}; used ${hoursText(facts.usedHours)} of ${hoursText(facts.openHours)} open hours between ${localDate(from)} and ${localDate(window.to)}`,
  ];
  sentences.push(status === 'IDLE'
    ? 'the declared status is not kept up to date: users see an idle instrument that is in fact in use'
    : 'an instrument declared out of service is being used: others are kept out while the owner uses it');
  return flag(evidence, kind, facts, sentences);
}

/** The flags raised for one instrument over [now − quietDays, now). */
export function detectFakeBusy(evidence: InstrumentEvidence, now: Date, rules: FakeBusyRules = DEFAULT_FAKE_BUSY_RULES): FakeBusyFlag[] {
  const window: Interval = { from: new Date(now.getTime() - rules.quietDays * DAY), to: now };
  const facts = windowFacts(evidence, window);
  // Without open hours (a window inside a weekend or holiday) there was nothing to share.
  if (facts.openHours === 0) return [];
  const flags = [
    declaredBusyUnused(evidence, facts, rules),
    calendarBlockedUnused(evidence, facts, rules),
    usedWhileDeclared(evidence, window, rules),
  ];
  return flags.filter((f): f is FakeBusyFlag => f !== null);
}
