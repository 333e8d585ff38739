/**
 * A plausible year of use for the demo's instruments, so utilisation, idle capacity in reviews
 * and the city's statistics mean something on first start. Deterministic per instrument id.
 * Mixed like real platforms: a busy core, a long tail of light use, and some instruments that
 * are declared 在用 (IN_USE) yet never used — the fake-busy pattern oversight looks for.
 */
import { seededRandom } from './inventory-generator.ts';
import { openIntervals } from '../../schema/opening-hours.ts';
import type { UsageSession } from '../../subgraphs/usage/usage-store.ts';

export interface DemoUsageInstrument { id: string; declaredStatus: string; sharing: string }

function seedOf(id: string): number {
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** share of opening hours used: a busy fifth, most in between, a tenth unused */
function usageShare(random: () => number, instrument: DemoUsageInstrument): number {
  if (instrument.declaredStatus === 'RETIRED') return 0;
  const r = random();
  if (instrument.declaredStatus === 'IN_USE' && r < 0.12) return 0; // fake-busy: declared in use, no use at all
  if (r < 0.22) return 0.55 + random() * 0.3;
  if (r < 0.85) return 0.08 + random() * 0.4;
  return r < 0.93 ? random() * 0.05 : 0;
}

/**
 * An instrument declared 闲置 (IDLE) or 维修 (MAINTENANCE) stopped being used when its owner
 * declared it so, three to thirteen weeks ago; one in eight is still used (a status left out of
 * date, which oversight flags).
 */
function unusedFrom(random: () => number, instrument: DemoUsageInstrument, to: Date): number {
  if (instrument.declaredStatus !== 'IDLE' && instrument.declaredStatus !== 'MAINTENANCE') return Infinity;
  if (random() < 0.12) return Infinity;
  return to.getTime() - (21 + Math.floor(random() * 70)) * 86_400_000;
}

export function demoUsageSessions(instruments: readonly DemoUsageInstrument[], from: Date, to: Date): UsageSession[] {
  const days = openIntervals(from, to);
  const sessions: UsageSession[] = [];
  for (const instrument of instruments) {
    const random = seededRandom(seedOf(instrument.id));
    const share = usageShare(random, instrument);
    if (share === 0) continue;
    const external = instrument.sharing === 'OPEN' ? 0.15 + random() * 0.45 : 0;
    const stop = unusedFrom(random, instrument, to);
    for (const day of days) {
      if (day.from.getTime() >= stop) break;
      // a used day has one session of 3–9 h, so the share of days used carries the share of hours
      const hours = 3 + Math.floor(random() * 7);
      if (random() >= Math.min(1, (share * 9) / 6)) continue;
      const start = day.from.getTime() + Math.floor(random() * (9 - hours + 1)) * 3_600_000;
      // today's opening hours end at `to` (now): a session that would start after that has not happened
      if (start >= day.to.getTime()) continue;
      sessions.push({
        instrumentId: instrument.id,
        startedAt: new Date(start),
        endedAt: new Date(Math.min(start + hours * 3_600_000, day.to.getTime())),
        userKind: random() < external ? 'EXTERNAL' : 'INTERNAL',
        reportedBy: 'demo',
        evidence: random() < 0.5 ? 'LOGBOOK' : 'METER',
      });
    }
  }
  return sessions;
}
