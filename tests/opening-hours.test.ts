import { describe, expect, it } from 'vitest';
import { nextFreeSlot, openIntervals, subtractIntervals } from '../schema/opening-hours.ts';

const at = (iso: string) => new Date(iso);

describe('opening hours (Asia/Shanghai)', () => {
  it('opens Monday to Friday 09:00–18:00 local time', () => {
    // 2026-11-23 is a Monday; 09:00 Shanghai = 01:00 UTC
    const week = openIntervals(at('2026-11-23T00:00:00+08:00'), at('2026-11-30T00:00:00+08:00'));
    expect(week).toHaveLength(5);
    expect(week[0]).toEqual({ from: at('2026-11-23T01:00:00Z'), to: at('2026-11-23T10:00:00Z') });
  });

  it('subtracts busy intervals', () => {
    const free = subtractIntervals([{ from: at('2026-11-23T01:00:00Z'), to: at('2026-11-23T10:00:00Z') }], [
      { from: at('2026-11-23T02:00:00Z'), to: at('2026-11-23T03:00:00Z') },
      { from: at('2026-11-23T00:00:00Z'), to: at('2026-11-23T01:30:00Z') },
    ]);
    expect(free.map((f) => [f.from.toISOString(), f.to.toISOString()])).toEqual([
      ['2026-11-23T01:30:00.000Z', '2026-11-23T02:00:00.000Z'],
      ['2026-11-23T03:00:00.000Z', '2026-11-23T10:00:00.000Z'],
    ]);
  });

  it('finds the next free hour, skipping the weekend and busy time', () => {
    const friday1730 = at('2026-11-27T17:30:00+08:00');
    expect(nextFreeSlot(friday1730, [])).toEqual(at('2026-11-30T09:00:00+08:00'));
    const busyMonday = [{ from: at('2026-11-30T09:00:00+08:00'), to: at('2026-11-30T12:00:00+08:00') }];
    expect(nextFreeSlot(friday1730, busyMonday)).toEqual(at('2026-11-30T12:00:00+08:00'));
  });
});
