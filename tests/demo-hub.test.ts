/**
 * The demo that `npm start` brings up: three real sources, one of each kind, harvested into
 * a realistic inventory distributed like the Shenzhen platform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INSTITUTIONS } from '../connectors/demo/demo-institutions.ts';
import { demoInventory, generateInventory } from '../connectors/demo/inventory-generator.ts';
import { normalizeRecord } from '../connectors/sdk/canonical.ts';
import { startTestHub, type TestHub } from './support/test-hub.ts';

describe('demo inventory', () => {
  it('is deterministic', () => {
    const a = [...generateInventory({ seed: 5, count: 50, institutions: DEMO_INSTITUTIONS })];
    const b = [...generateInventory({ seed: 5, count: 50, institutions: DEMO_INSTITUTIONS })];
    expect(a).toEqual(b);
    expect([...generateInventory({ seed: 6, count: 50, institutions: DEMO_INSTITUTIONS })]).not.toEqual(a);
  });

  it('follows the platform\'s class mix, about half in Nanshan, every row valid', () => {
    const rows = [...generateInventory({ seed: 1, count: 20_000, institutions: DEMO_INSTITUTIONS.filter((i) => i.source === 'sheet') })];
    const share = (predicate: (r: (typeof rows)[0]) => boolean) => rows.filter(predicate).length / rows.length;
    expect(share((r) => r.category === '分析仪器')).toBeCloseTo(0.37, 1);
    expect(share((r) => r.category === '工艺实验设备')).toBeCloseTo(0.11, 1);
    expect(share((r) => r.category === '其他仪器')).toBeCloseTo(0.2, 1);
    const all = Object.values(demoInventory(DEMO_INSTITUTIONS)).flat();
    expect(all.filter((r) => r.district === '南山区').length / all.length).toBeGreaterThan(0.45);
    expect(all.filter((r) => r.district === '南山区').length / all.length).toBeLessThan(0.6);
    const invalid = all.map((r, n) => normalizeRecord({ ref: `row ${n}`, values: r })).filter((r) => !r.ok);
    expect(invalid).toEqual([]);
  });
});

describe('demo hub', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ name: 'pglite' }, { demo: true });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('harvests three sources of three kinds into at least 2,000 instruments of at least 20 institutions', async () => {
    const result = await hub.gql<{ sources: Array<{ id: string; kind: string; instrumentCount: number; lastRun: { status: string; rejected: number } }>; instruments: { totalCount: number }; institutions: { totalCount: number } }>(
      '{ sources { id kind instrumentCount lastRun { status rejected } } instruments { totalCount } institutions { totalCount } }');
    expect(result.data!.sources.map((s) => [s.id, s.kind, s.lastRun.status, s.lastRun.rejected])).toEqual([
      ['rentlab', 'REST', 'SUCCEEDED', 0], ['smallinst', 'SPREADSHEET', 'SUCCEEDED', 0], ['szu', 'SQL', 'SUCCEEDED', 0],
    ]);
    expect(result.data!.instruments.totalCount).toBeGreaterThanOrEqual(2000);
    expect(result.data!.institutions.totalCount).toBeGreaterThanOrEqual(20);
  });

  it('answers live state from each owner\'s system', async () => {
    const result = await hub.gql<Record<string, { live: { state: string; busy: unknown[] } }>>(
      '{ a: instrument(id: "szu:SZU-000001") { live { state busy { from } } } b: instrument(id: "rentlab:RL-000001") { live { state busy { from } } } c: instrument(id: "smallinst:SI-000001") { live { state busy { from } } } }');
    expect(result.errors).toBeUndefined();
    for (const key of ['a', 'b', 'c']) expect(['IDLE', 'IN_USE', 'MAINTENANCE', 'RETIRED']).toContain(result.data![key].live.state);
  });

  it('shows the rental company as a lessor, with a lease settled, and a service agency hosting two owners\' instruments', async () => {
    const token = async (userId: string) => (await hub.userTokens.issue(userId, 1)).token;
    const lessor = await hub.gql<{ lessorLeases: Array<{ status: string; instrument: { id: string; leaseTerms: { dailyRate: string } | null }; settlement: { total: string; toOwner: string } | null }> }>(
      '{ lessorLeases { status instrument { id leaseTerms { dailyRate } } settlement { total toOwner } } }', {}, await token('zhou.min'));
    expect(lessor.errors).toBeUndefined();
    expect(lessor.data?.lessorLeases.map((l) => l.status).sort()).toEqual(['CLOSED', 'REQUESTED']);
    const closed = lessor.data!.lessorLeases.find((l) => l.status === 'CLOSED')!;
    expect(closed.instrument.leaseTerms).not.toBeNull();
    expect(closed.settlement?.toOwner).toBe(closed.settlement?.total);
    const agencies = await hub.gql<{ serviceAgencies: Array<{ name: string; hostedInstruments: { totalCount: number; edges: Array<{ node: { institution: { name: string }; managedBy: { name: string } } }> } }> }>(
      '{ serviceAgencies { name hostedInstruments { totalCount edges { node { institution { name } managedBy { name } } } } } }', {}, await token('sun.li'));
    expect(agencies.errors).toBeUndefined();
    const [agency] = agencies.data!.serviceAgencies;
    expect(new Set(agency.hostedInstruments.edges.map((e) => e.node.institution.name))).toEqual(new Set(['深圳大学', '南方科技大学']));
    expect(agency.hostedInstruments.edges.every((e) => e.node.managedBy.name === agency.name)).toBe(true);
  });
});
