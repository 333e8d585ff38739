/** The remainder rule of settlement-split.ts: the parts always add up to the total, none off its exact share by a whole fen. */
import { describe, expect, it } from 'vitest';
import { splitFen, sharesProblem, SETTLEMENT_PARTS, WHOLE, type Shares } from '../subgraphs/leasing/settlement-split.ts';

describe('settlement split', () => {
  it('gives the fen left over to the parts cut most, ties in the order owner, agency, platform, subsidy', () => {
    expect(splitFen(319_999, { owner: 5000, agency: 3000, platform: 1000, subsidy: 1000 })).toEqual({ total: 319_999, owner: 159_999, agency: 96_000, platform: 32_000, subsidy: 32_000 });
    expect(splitFen(1, { owner: 2500, agency: 2500, platform: 2500, subsidy: 2500 })).toEqual({ total: 1, owner: 1, agency: 0, platform: 0, subsidy: 0 });
    expect(splitFen(3, { owner: 2500, agency: 2500, platform: 2500, subsidy: 2500 })).toEqual({ total: 3, owner: 1, agency: 1, platform: 1, subsidy: 0 });
    expect(splitFen(0, { owner: 10000, agency: 0, platform: 0, subsidy: 0 })).toEqual({ total: 0, owner: 0, agency: 0, platform: 0, subsidy: 0 });
  });

  it('adds up for many totals and shares', () => {
    let seed = 7;
    const next = () => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed; };
    for (let n = 0; n < 2000; n++) {
      const cuts = [next() % WHOLE, next() % WHOLE, next() % WHOLE].sort((a, b) => a - b);
      const shares: Shares = { owner: cuts[0], agency: cuts[1] - cuts[0], platform: cuts[2] - cuts[1], subsidy: WHOLE - cuts[2] };
      const total = next() % 100_000_000;
      const split = splitFen(total, shares);
      expect(SETTLEMENT_PARTS.reduce((s, p) => s + split[p], 0)).toBe(total);
      for (const part of SETTLEMENT_PARTS) expect(Math.abs(split[part] - (total * shares[part]) / WHOLE)).toBeLessThan(1);
    }
  });

  it('refuses shares that are not whole basis points adding up to 10,000', () => {
    expect(sharesProblem({ owner: 5000, agency: 3000, platform: 1000, subsidy: 999 })).toContain('9999');
    expect(sharesProblem({ owner: 5000.5, agency: 2999.5, platform: 1000, subsidy: 1000 })).toContain('owner');
    expect(() => splitFen(-1, { owner: 10000, agency: 0, platform: 0, subsidy: 0 })).toThrow('non-negative');
  });
});
