/**
 * 购置登记: every purchase checked with a budget at or above the consultation threshold is a
 * registration the centre lists per year, so it can show that each large purchase was checked
 * before it was made; smaller ones are not registered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { userToken } from './support/oversight-fixtures.ts';

const THIS_YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
const LIST = `query ($year: Int!, $first: Int, $after: String) { purchaseRegistrations(year: $year, first: $first, after: $after) {
  year totalCount totalBudget byRequirement { requirement count budget } nodes { id requirement purchase { name budget } reviewStatus } endCursor } }`;

interface Page {
  year: number; totalCount: number; totalBudget: string; byRequirement: Array<{ requirement: string; count: number; budget: string }>;
  nodes: Array<{ id: string; requirement: string; purchase: { name: string; budget: string }; reviewStatus: string }>; endCursor: string | null;
}

describe.each(DATABASE_TARGETS)('purchase registrations ($name)', (target) => {
  let hub: TestHub;
  let reviewer: string;
  let user: string;
  const list = async (variables: Record<string, unknown>, token?: string) => {
    const response = await hub.gql<{ purchaseRegistrations: Page }>(LIST, variables, token);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!.purchaseRegistrations;
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
    reviewer = await userToken(hub, 'centre.reviewer', '深圳市科技创新局', 'REVIEWER');
    user = await userToken(hub, 'buyer', '深圳大学', 'USER');
    for (const [name, budget] of [['场发射扫描电镜', '3500000'], ['台式扫描电镜', '800000'], ['X射线衍射仪', '1000000']]) {
      const checked = await hub.gql(`query ($input: PlannedPurchaseInput!) { procurementCheck(input: $input) { id } }`, { input: { name, budget } }, user);
      expect(checked.errors, JSON.stringify(checked.errors)).toBeUndefined();
    }
    // a purchase registered last year
    const [last] = await hub.database.db('procurement_checks').where({ purchase_name: '场发射扫描电镜' }).select('result');
    await hub.database.db('procurement_checks').insert({
      id: 'pc_last_year', checked_at: new Date(Date.UTC(THIS_YEAR - 1, 5, 1)), checked_by: 'buyer', purchase_name: '透射电镜', budget: '6000000.00',
      requirement: 'MUNICIPAL_APPROVAL', duplicate_risk: 'NONE', purchase: JSON.stringify({ name: '透射电镜', budget: 6000000 }),
      result: JSON.stringify({ ...(typeof last.result === 'string' ? JSON.parse(last.result) : last.result), checkedAt: new Date(Date.UTC(THIS_YEAR - 1, 5, 1)).toISOString() }),
    });
  });
  afterAll(async () => hub?.close());

  it('lists the checks at or above the consultation threshold of a year, oldest first, with totals', async () => {
    const page = await list({ year: THIS_YEAR }, reviewer);
    expect(page.nodes.map((n) => [n.purchase.name, n.requirement, n.reviewStatus])).toEqual([
      ['场发射扫描电镜', 'MUNICIPAL_APPROVAL', 'PENDING'],
      ['X射线衍射仪', 'CONSULTATION', 'PENDING'],
    ]);
    expect([page.totalCount, page.totalBudget]).toEqual([2, '4500000.00']);
    expect(page.byRequirement).toEqual([
      { requirement: 'CONSULTATION', count: 1, budget: '1000000.00' },
      { requirement: 'MUNICIPAL_APPROVAL', count: 1, budget: '3500000.00' },
    ]);
    expect(page.endCursor).toBeNull();
    const lastYear = await list({ year: THIS_YEAR - 1 }, reviewer);
    expect(lastYear.nodes.map((n) => n.id)).toEqual(['pc_last_year']);
  });

  it('pages through a year, and is for the centre only', async () => {
    const first = await list({ year: THIS_YEAR, first: 1 }, reviewer);
    expect(first.nodes.map((n) => n.purchase.name)).toEqual(['场发射扫描电镜']);
    const second = await list({ year: THIS_YEAR, first: 1, after: first.endCursor }, reviewer);
    expect(second.nodes.map((n) => n.purchase.name)).toEqual(['X射线衍射仪']);
    const refused = await hub.gql(LIST, { year: THIS_YEAR }, user);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const badCursor = await hub.gql(LIST, { year: THIS_YEAR, after: 'nope' }, reviewer);
    expect(badCursor.errors?.[0].message).toContain('not a cursor of purchaseRegistrations');
  });
});
