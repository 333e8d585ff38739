/**
 * How a payment is split among the owner, the service agency, the platform and the city's
 * subsidy fund. Shares are whole basis points (1/10,000) adding up to 10,000; amounts are whole
 * fen. Remainder rule (largest remainder, Hamilton's method): each part first gets the fen below
 * its exact share; the few fen left (at most three) go one each to the parts whose exact share
 * lost the most in that cut, ties going in the order owner, agency, platform, subsidy. The parts
 * therefore always add up to the total, and no part is off its exact share by a whole fen.
 */

export const SETTLEMENT_PARTS = ['owner', 'agency', 'platform', 'subsidy'] as const;
export type SettlementPart = (typeof SETTLEMENT_PARTS)[number];
export type Shares = Record<SettlementPart, number>;
export type SettlementFen = Record<SettlementPart, number> & { total: number };

export const WHOLE = 10_000;

/** Why a set of shares cannot be used, or null: each a whole number of basis points, together 10,000. */
export function sharesProblem(shares: Shares): string | null {
  for (const part of SETTLEMENT_PARTS) {
    if (!Number.isInteger(shares[part]) || shares[part] < 0 || shares[part] > WHOLE) return `${part}: a whole number of basis points from 0 to 10000, got ${shares[part]}`;
  }
  const sum = SETTLEMENT_PARTS.reduce((s, p) => s + shares[p], 0);
  return sum === WHOLE ? null : `the shares add up to ${sum} basis points, not 10000`;
}

export function splitFen(totalFen: number, shares: Shares): SettlementFen {
  if (!Number.isSafeInteger(totalFen) || totalFen < 0) throw new Error(`a settlement's total is a whole, non-negative number of fen, got ${totalFen}`);
  const problem = sharesProblem(shares);
  if (problem) throw new Error(problem);
  // exact in integers: total × share < 2^53 for any total below 9 × 10^11 fen
  const exact = SETTLEMENT_PARTS.map((part) => ({ part, floor: Math.floor((totalFen * shares[part]) / WHOLE), cut: (totalFen * shares[part]) % WHOLE }));
  let left = totalFen - exact.reduce((s, e) => s + e.floor, 0);
  const byCut = [...exact].sort((a, b) => b.cut - a.cut || SETTLEMENT_PARTS.indexOf(a.part) - SETTLEMENT_PARTS.indexOf(b.part));
  for (const e of byCut) {
    if (left === 0) break;
    e.floor += 1;
    left -= 1;
  }
  const parts = Object.fromEntries(exact.map((e) => [e.part, e.floor])) as Record<SettlementPart, number>;
  return { ...parts, total: totalFen };
}
