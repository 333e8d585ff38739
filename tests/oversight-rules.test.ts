import { describe, expect, it } from 'vitest';
import { openIntervals } from '../schema/opening-hours.ts';
import {
  DEFAULT_FAKE_BUSY_RULES, detectFakeBusy, hoursWithin, mergeIntervals,
  type FlagKind, type InstrumentEvidence,
} from '../subgraphs/oversight/fake-busy.ts';
import { institutionSharingRate, sharingStars } from '../subgraphs/oversight/sharing-rating.ts';

const at = (iso: string) => new Date(iso);
/** A stretch of Shanghai local time on one day, e.g. span('2026-11-18', '10:00', '12:00'). */
const span = (day: string, from: string, to: string) => ({ from: at(`${day}T${from}:00+08:00`), to: at(`${day}T${to}:00+08:00`) });

// Tuesday 2026-11-24 10:00 Shanghai. The 14-day window starts Tuesday 2026-11-10 10:00 and holds
// 8 h (Tue 10–18) + 3 × 9 h (Wed–Fri) + 5 × 9 h (next week) + 9 h (Mon 23rd) + 1 h (Tue 24th 09–10) = 90 open hours.
const NOW = at('2026-11-24T10:00:00+08:00');
const WINDOW = { from: at('2026-11-10T10:00:00+08:00'), to: NOW };
const OPEN_HOURS = 90;

function instrument(overrides: Partial<InstrumentEvidence>): InstrumentEvidence {
  return {
    instrumentId: 'szu:SZU-2019-00017',
    declaredStatus: 'IN_USE',
    declaredSince: at('2026-10-01T09:00:00+08:00'),
    usage: [],
    bookings: [],
    calendarBlocked: [],
    ...overrides,
  };
}

const kinds = (e: InstrumentEvidence): FlagKind[] => detectFakeBusy(e, NOW).map((f) => f.kind);

describe('interval helpers', () => {
  it('counts the window as 90 open hours, Mon–Fri 09:00–18:00 Asia/Shanghai', () => {
    const open = openIntervals(WINDOW.from, WINDOW.to);
    expect(hoursWithin([WINDOW], WINDOW, open)).toBe(OPEN_HOURS);
  });

  it('merges overlapping and touching intervals before counting', () => {
    const merged = mergeIntervals([
      span('2026-11-18', '13:00', '15:00'),
      span('2026-11-18', '10:00', '12:00'),
      span('2026-11-18', '11:00', '12:30'),
      span('2026-11-18', '12:30', '13:00'),
      span('2026-11-19', '10:00', '10:00'), // empty: dropped
    ]);
    expect(merged).toEqual([span('2026-11-18', '10:00', '15:00')]);
  });

  it('counts only hours inside both the window and opening hours', () => {
    const open = openIntervals(WINDOW.from, WINDOW.to);
    // Monday 17:00–20:00: one open hour; Saturday: none; before the window: none
    const usage = [span('2026-11-16', '17:00', '20:00'), span('2026-11-14', '10:00', '16:00'), span('2026-11-09', '10:00', '16:00')];
    expect(hoursWithin(usage, WINDOW, open)).toBe(1);
    // the window starts at 10:00 on Tuesday the 10th, so 09:00–12:00 that day counts 2 h
    expect(hoursWithin([span('2026-11-10', '09:00', '12:00')], WINDOW, open)).toBe(2);
  });
});

describe('DECLARED_BUSY_UNUSED', () => {
  it('fires for an instrument declared 在用 for the whole window with no usage and no booking', () => {
    const flags = detectFakeBusy(instrument({}), NOW);
    expect(flags).toHaveLength(1);
    const [flag] = flags;
    expect(flag).toMatchObject({ kind: 'DECLARED_BUSY_UNUSED', windowFrom: WINDOW.from, windowTo: NOW, openHours: 90, usedHours: 0, blockedHours: 0 });
    expect(flag.evidence[0]).toBe('declared 在用 (IN_USE) since 2026-10-01; no usage session and no booking in the 14 days to 2026-11-24');
    expect(flag.evidence.join(' ')).toContain('90 h');
  });

  it('fires when the date of the declaration is unknown', () => {
    expect(kinds(instrument({ declaredSince: null }))).toEqual(['DECLARED_BUSY_UNUSED']);
  });

  it('is cleared by one 2-hour usage session in opening hours', () => {
    expect(kinds(instrument({ usage: [span('2026-11-18', '10:00', '12:00')] }))).toEqual([]);
  });

  it('is cleared by one booking in opening hours', () => {
    expect(kinds(instrument({ bookings: [span('2026-11-23', '14:00', '15:00')] }))).toEqual([]);
  });

  it('is not raised when the status was declared inside the window', () => {
    expect(kinds(instrument({ declaredSince: at('2026-11-20T09:00:00+08:00') }))).toEqual([]);
  });

  it('still fires when the only session was outside opening hours, and says so', () => {
    const [flag] = detectFakeBusy(instrument({ usage: [span('2026-11-14', '10:00', '16:00')] }), NOW);
    expect(flag.kind).toBe('DECLARED_BUSY_UNUSED');
    expect(flag.evidence.join(' ')).toContain('1 usage session(s) fell entirely outside opening hours');
  });

  it('only looks back quietDays', () => {
    // used 20 days ago: outside the default 14-day window, inside a 21-day one
    const e = instrument({ usage: [span('2026-11-04', '10:00', '12:00')] });
    expect(kinds(e)).toEqual(['DECLARED_BUSY_UNUSED']);
    expect(detectFakeBusy(e, NOW, { ...DEFAULT_FAKE_BUSY_RULES, quietDays: 21 })).toEqual([]);
  });
});

describe('CALENDAR_BLOCKED_UNUSED', () => {
  // Blocked from the window start to Friday 20th 18:00: 8 + 27 + 45 = 80 of 90 open hours (89 %).
  const blocked80 = [{ from: WINDOW.from, to: at('2026-11-20T18:00:00+08:00') }];
  // To Thursday 19th 18:00: 71 of 90 (78.9 %), just under the 80 % threshold (72 h).
  const blocked71 = [{ from: WINDOW.from, to: at('2026-11-19T18:00:00+08:00') }];
  const usedToday = [{ from: at('2026-11-24T09:00:00+08:00'), to: NOW }]; // 1 h, outside the blocked time

  it('fires when ≥ 80 % of open hours are blocked and nothing happened in them', () => {
    const flags = detectFakeBusy(instrument({ calendarBlocked: blocked80, usage: usedToday }), NOW);
    expect(flags.map((f) => f.kind)).toEqual(['CALENDAR_BLOCKED_UNUSED']);
    expect(flags[0]).toMatchObject({ openHours: 90, blockedHours: 80, usedHours: 1 });
    expect(flags[0].evidence[0]).toBe('the booking calendar blocked 80 h of 90 h open hours (89 %) in the 14 days to 2026-11-24');
  });

  it('does not fire just under the threshold', () => {
    expect(kinds(instrument({ calendarBlocked: blocked71, usage: usedToday }))).toEqual([]);
  });

  it('fires while activity fills under 10 % of the blocked hours, not at 10 %', () => {
    const wholeWindow = [WINDOW]; // 90 blocked hours: 9 h is the 10 % line
    const eightHours = [span('2026-11-11', '09:00', '17:00')];
    const nineHours = [span('2026-11-11', '09:00', '18:00')];
    expect(kinds(instrument({ calendarBlocked: wholeWindow, usage: eightHours }))).toEqual(['CALENDAR_BLOCKED_UNUSED']);
    expect(kinds(instrument({ calendarBlocked: wholeWindow, usage: nineHours }))).toEqual([]);
    // bookings count as activity too: 8 h used + 1 h booked reaches the line
    expect(kinds(instrument({ calendarBlocked: wholeWindow, usage: eightHours, bookings: [span('2026-11-12', '09:00', '10:00')] }))).toEqual([]);
  });

  it('is explained by a repair declared before the window, or by retirement', () => {
    expect(kinds(instrument({ declaredStatus: 'MAINTENANCE', calendarBlocked: [WINDOW] }))).toEqual([]);
    expect(kinds(instrument({ declaredStatus: 'RETIRED', declaredSince: null, calendarBlocked: [WINDOW] }))).toEqual([]);
    // a repair declared yesterday does not explain the two weeks before it
    expect(kinds(instrument({ declaredStatus: 'MAINTENANCE', declaredSince: at('2026-11-23T09:00:00+08:00'), calendarBlocked: [WINDOW] })))
      .toEqual(['CALENDAR_BLOCKED_UNUSED']);
  });
});

describe('DECLARED_IDLE_BUT_USED', () => {
  const idle = (usage: InstrumentEvidence['usage'], declaredSince: Date | null = at('2026-09-01T09:00:00+08:00')) =>
    instrument({ declaredStatus: 'IDLE', declaredSince, usage });

  it('fires when declared 闲置 yet used ≥ 4 h in the window', () => {
    const [flag] = detectFakeBusy(idle([span('2026-11-17', '09:00', '11:00'), span('2026-11-18', '14:00', '16:00')]), NOW);
    expect(flag).toMatchObject({ kind: 'DECLARED_IDLE_BUT_USED', usedHours: 4, openHours: 90 });
    expect(flag.evidence[0]).toBe('declared 闲置 (IDLE) since 2026-09-01; used 4 h of 90 h open hours between 2026-11-10 and 2026-11-24');
  });

  it('does not fire at 3.5 h', () => {
    expect(kinds(idle([span('2026-11-17', '09:00', '12:30')]))).toEqual([]);
  });

  it('counts overlapping duplicate reports once', () => {
    // a meter and a logbook each report the same 3-hour session, and a third system half of it:
    // 3 h of use, not 7.5 h, so no flag
    const session = span('2026-11-17', '09:00', '12:00');
    expect(kinds(idle([session, { ...session }, span('2026-11-17', '10:30', '12:00')]))).toEqual([]);
    const [flag] = detectFakeBusy(idle([session, session, span('2026-11-18', '09:00', '10:00')]), NOW);
    expect(flag.usedHours).toBe(4);
  });

  it('ignores use before the status was declared', () => {
    const e = idle([span('2026-11-17', '09:00', '17:00')], at('2026-11-20T09:00:00+08:00'));
    expect(kinds(e)).toEqual([]);
    const later = idle([span('2026-11-20', '09:00', '17:00')], at('2026-11-20T09:00:00+08:00'));
    const [flag] = detectFakeBusy(later, NOW);
    expect(flag).toMatchObject({ kind: 'DECLARED_IDLE_BUT_USED', windowFrom: at('2026-11-20T09:00:00+08:00'), usedHours: 8, openHours: 19 });
  });
});

describe('DECLARED_BROKEN_BUT_USED', () => {
  const fiveHours = [span('2026-11-19', '09:00', '14:00')];

  it('fires when declared 维修 or 报废 yet used ≥ 4 h', () => {
    expect(kinds(instrument({ declaredStatus: 'MAINTENANCE', usage: fiveHours }))).toEqual(['DECLARED_BROKEN_BUT_USED']);
    const [retired] = detectFakeBusy(instrument({ declaredStatus: 'RETIRED', usage: fiveHours }), NOW);
    expect(retired.kind).toBe('DECLARED_BROKEN_BUT_USED');
    expect(retired.evidence[0]).toContain('declared 报废 (RETIRED) since 2026-10-01; used 5 h');
  });

  it('does not fire below 4 h or when unused; a retired, unused instrument is never flagged', () => {
    expect(kinds(instrument({ declaredStatus: 'MAINTENANCE', usage: [span('2026-11-19', '09:00', '12:00')] }))).toEqual([]);
    expect(kinds(instrument({ declaredStatus: 'MAINTENANCE' }))).toEqual([]);
    expect(kinds(instrument({ declaredStatus: 'RETIRED' }))).toEqual([]);
    expect(kinds(instrument({ declaredStatus: 'RETIRED', declaredSince: null }))).toEqual([]);
  });
});

describe('共享评级 sharing stars', () => {
  it('works the formula: full external share and a mean rating of 4', () => {
    // share 300/1000 = 0.3 → 70 × min(1, 1) = 70; mean 4 → (4 − 1)/4 = 0.75 → 22.5; 92.5 → 1 + floor(4.625) = 5
    const r = sharingStars({ externalHours: 300, availableHours: 1000, ratings: [5, 4, 4, 3], sharing: 'OPEN' });
    expect(r.score).toBe(92.5);
    expect(r.stars).toBe(5);
    expect(r.explanation).toContain('mean rating 4 of 5 from 4 rating(s)');
  });

  it('takes satisfaction as 0.5 when nobody rated', () => {
    // share 0.15 → 70 × 0.5 = 35; satisfaction 0.5 → 15; 50 → 1 + floor(2.5) = 3
    const r = sharingStars({ externalHours: 150, availableHours: 1000, ratings: [], sharing: 'OPEN' });
    expect(r.score).toBe(50);
    expect(r.stars).toBe(3);
    expect(r.explanation).toContain('no ratings');
  });

  it('rates low external use and poor ratings 1 star', () => {
    // share 0.06 → 70 × 0.2 = 14; mean 1.5 → 0.125 → 3.75; 17.75 → 17.8 → 1 + floor(0.89) = 1
    const r = sharingStars({ externalHours: 60, availableHours: 1000, ratings: [1, 2], sharing: 'INTERNAL' });
    expect(r.score).toBe(17.8);
    expect(r.stars).toBe(1);
  });

  it('caps external points at 30 % and stars at 5', () => {
    // share 0.6 → still 70; mean 5 → 30; 100 → 1 + 5 = 6, capped at 5
    const r = sharingStars({ externalHours: 600, availableHours: 1000, ratings: [5], sharing: 'OPEN' });
    expect(r).toMatchObject({ score: 100, stars: 5 });
  });

  it('steps at multiples of 20', () => {
    // share 0.09 → 70 × 0.3 = 21; mean 3 → 0.5 → 15; 36 → 2 stars. share 0.12 → 28 + 15 = 43 → 3 stars
    expect(sharingStars({ externalHours: 90, availableHours: 1000, ratings: [3], sharing: 'OPEN' })).toMatchObject({ score: 36, stars: 2 });
    expect(sharingStars({ externalHours: 120, availableHours: 1000, ratings: [3], sharing: 'OPEN' })).toMatchObject({ score: 43, stars: 3 });
  });

  it('gives a CLOSED instrument 1 star whatever its score', () => {
    const r = sharingStars({ externalHours: 300, availableHours: 1000, ratings: [5, 4, 4, 3], sharing: 'CLOSED' });
    expect(r).toMatchObject({ stars: 1, score: 92.5 });
    expect(r.explanation).toContain('CLOSED');
  });

  it('treats no available hours as no external share', () => {
    expect(sharingStars({ externalHours: 10, availableHours: 0, ratings: [], sharing: 'OPEN' })).toMatchObject({ score: 15, stars: 1 });
  });

  it('computes an institution sharing rate, 0 on empty denominators', () => {
    expect(institutionSharingRate({ openInstruments: 3, instruments: 4, externalHours: 25, totalHours: 100 })).toEqual({ instrumentShare: 0.75, hourShare: 0.25 });
    expect(institutionSharingRate({ openInstruments: 0, instruments: 0, externalHours: 0, totalHours: 0 })).toEqual({ instrumentShare: 0, hourShare: 0 });
  });
});
