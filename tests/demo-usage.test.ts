/**
 * The demo's year of use (connectors/demo/demo-usage.ts) is plausible for oversight: a busy
 * core and a long tail, some instruments declared 在用 that are never used (fake-busy), and
 * instruments declared 闲置 or 维修 that stopped being used weeks ago — except a few whose status
 * is out of date.
 */
import { describe, expect, it } from 'vitest';
import { demoUsageSessions, type DemoUsageInstrument } from '../connectors/demo/demo-usage.ts';
import { detectFakeBusy } from '../subgraphs/oversight/fake-busy.ts';

const DAY = 86_400_000;
const now = new Date('2026-11-25T10:00:00+08:00');
const from = new Date(now.getTime() - 365 * DAY);

type Status = 'IDLE' | 'IN_USE' | 'MAINTENANCE' | 'RETIRED';

function instruments(status: Status, count: number): Array<DemoUsageInstrument & { declaredStatus: Status }> {
  return Array.from({ length: count }, (_, i) => ({ id: `demo:${status}-${i}`, declaredStatus: status, sharing: i % 3 === 0 ? 'CLOSED' : 'OPEN' }));
}

describe('demo usage', () => {
  const all = [...instruments('IN_USE', 400), ...instruments('IDLE', 400), ...instruments('MAINTENANCE', 100), ...instruments('RETIRED', 20)];
  const sessions = demoUsageSessions(all, from, now);
  const byInstrument = new Map<string, Array<{ from: Date; to: Date }>>();
  for (const s of sessions) byInstrument.set(s.instrumentId, [...(byInstrument.get(s.instrumentId) ?? []), { from: s.startedAt, to: s.endedAt }]);
  const flagged = (status: Status) => all.filter((i) => i.declaredStatus === status)
    .filter((i) => detectFakeBusy({ instrumentId: i.id, declaredStatus: i.declaredStatus, declaredSince: null, usage: byInstrument.get(i.id) ?? [], bookings: [], calendarBlocked: [] }, now).length > 0).length;

  it('is deterministic, never uses retired instruments, and has no session before it starts (a start in opening hours)', () => {
    expect(demoUsageSessions(all.slice(0, 50), from, now)).toEqual(demoUsageSessions(all.slice(0, 50), from, now));
    expect(sessions.some((s) => s.instrumentId.includes('RETIRED'))).toBe(false);
    expect(sessions.every((s) => s.endedAt.getTime() > s.startedAt.getTime() && s.endedAt.getTime() <= now.getTime())).toBe(true);
  });

  it('has some fake-busy instruments and a few out-of-date idle or repair declarations, not a flood', () => {
    const busyUnused = flagged('IN_USE') / 400;
    expect(busyUnused).toBeGreaterThan(0.08);
    expect(busyUnused).toBeLessThan(0.4);
    const idleUsed = flagged('IDLE') / 400;
    expect(idleUsed).toBeGreaterThan(0.02);
    expect(idleUsed).toBeLessThan(0.2);
    expect(flagged('MAINTENANCE')).toBeLessThan(25);
  });
});
