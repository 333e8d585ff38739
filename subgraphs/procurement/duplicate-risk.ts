/**
 * The overall verdict of a duplicate-purchase review (查重评议). A purchase is a likely duplicate
 * when an instrument that can do the same work already exists and could be shared: open to
 * other institutions (or owned by the buyer itself) and with idle capacity. The same
 * capability held but fully used, or not shared, still deserves a conversation (MEDIUM); only
 * related instruments make it LOW.
 */
import { SUBSTITUTE_MATCHES, type CapabilityMatch } from './capability-match.ts';

export type DuplicateRisk = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';

/** below this share of available hours used over the last year, an instrument has idle capacity */
export const IDLE_SHARE = 0.5;

export interface RiskCandidate {
  match: CapabilityMatch;
  sharing: 'OPEN' | 'INTERNAL' | 'CLOSED';
  ownedByBuyer: boolean;
  usageShare: number;
}

export function canBeShared(c: Pick<RiskCandidate, 'sharing' | 'ownedByBuyer'>): boolean {
  return c.sharing === 'OPEN' || c.ownedByBuyer;
}

export function assessDuplicateRisk(candidates: readonly RiskCandidate[]): { risk: DuplicateRisk; reasons: string[] } {
  const substitutes = candidates.filter((c) => SUBSTITUTE_MATCHES.includes(c.match));
  if (substitutes.length === 0) {
    if (candidates.length === 0) return { risk: 'NONE', reasons: ['no instrument in the region provides this capability'] };
    return { risk: 'LOW', reasons: [`no instrument of the same type; ${candidates.length} related instrument(s) may cover part of the need`] };
  }
  const shareable = substitutes.filter(canBeShared);
  const idle = shareable.filter((c) => c.usageShare < IDLE_SHARE);
  const reasons = [`${substitutes.length} instrument(s) in the region provide the same capability`];
  if (idle.length > 0) {
    reasons.push(`${idle.length} of them can be shared and used less than ${IDLE_SHARE * 100} % of their available hours in the last 12 months`);
    if (substitutes.some((c) => c.ownedByBuyer)) reasons.push('the buyer already owns one');
    return { risk: 'HIGH', reasons };
  }
  reasons.push(shareable.length > 0
    ? `the ${shareable.length} shareable one(s) are busy (≥ ${IDLE_SHARE * 100} % of available hours used)`
    : 'none of them is open to other institutions (校内共享 or 不共享); ask the owners');
  return { risk: 'MEDIUM', reasons };
}
