/**
 * Search finds an instrument however its owner named it — Chinese, English, abbreviation or
 * model — and ranks exact model and type matches first. Runs on the demo inventory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './support/test-hub.ts';

interface Hit { score: number | null; node: { id: string; name: string; model: string | null; instrumentTypes: Array<{ key: string }> } }
const SEARCH = `query ($text: String!, $first: Int) { instruments(filter: { text: $text }, first: $first) {
  totalCount recognizedTypes { key } edges { score node { id name model instrumentTypes { key } } } } }`;

describe('search ranking', () => {
  let hub: TestHub;
  const search = async (text: string, first = 20) => {
    const result = await hub.gql<{ instruments: { totalCount: number; recognizedTypes: Array<{ key: string }>; edges: Hit[] } }>(SEARCH, { text, first });
    expect(result.errors).toBeUndefined();
    return result.data!.instruments;
  };
  const types = (hit: Hit) => hit.node.instrumentTypes.map((t) => t.key);

  beforeAll(async () => {
    hub = await startTestHub({ name: 'pglite' }, { demo: true });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('finds the same instruments by Chinese name, English name and abbreviation', async () => {
    const zh = await search('场发射扫描电镜');
    const en = await search('Field Emission Scanning Electron Microscope');
    const abbreviation = await search('FE-SEM');
    const runTogether = await search('fesem');
    expect(zh.recognizedTypes).toEqual([{ key: 'FE_SEM' }]);
    expect(zh.totalCount).toBeGreaterThan(10);
    for (const result of [en, abbreviation, runTogether]) {
      expect(result.totalCount).toBe(zh.totalCount);
      expect(result.edges.every((e) => types(e).includes('FE_SEM'))).toBe(true);
    }
    // owners who wrote English or a maker-and-model name are found by the Chinese query too
    const allFeSem = await search('场发射扫描电镜', 100);
    expect(allFeSem.edges.some((e) => !/[\u4e00-\u9fff]/.test(e.node.name))).toBe(true);
  });

  it('puts an exact model first, written with or without the hyphen', async () => {
    for (const text of ['JEM-2100F', 'JEM2100F', 'jem 2100f']) {
      const result = await search(text);
      expect(result.edges[0].node.model, text).toBe('JEM-2100F');
      expect(result.edges.filter((e) => e.node.model === 'JEM-2100F').length).toBe(result.totalCount);
    }
  });

  it('is not flooded by names that merely contain the letters of an abbreviation', async () => {
    const result = await search('MRI', 100);
    expect(result.totalCount).toBeGreaterThan(0);
    expect(result.edges.every((e) => types(e).includes('MRI'))).toBe(true);
  });

  it('keeps imaging and spectroscopy apart where they share a word', async () => {
    const imaging = await search('核磁共振成像', 100);
    const spectroscopy = await search('核磁共振波谱仪', 100);
    expect(imaging.edges.every((e) => types(e).includes('MRI'))).toBe(true);
    expect(spectroscopy.edges.every((e) => types(e).includes('NMR'))).toBe(true);
  });

  it('orders by a score that explains the order: a type above a partial word', async () => {
    const result = await search('Zeiss 扫描电镜', 50);
    const scores = result.edges.map((e) => e.score!);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(types(result.edges[0])).toContain('SEM');
  });

  it('counts facets for the current query, consistent with the filtered totals', async () => {
    const result = await hub.gql<{ instruments: { totalCount: number; facets: Record<string, Array<{ value: string; count: number }>> } }>(
      `{ instruments(filter: { text: "液相色谱", sharing: [OPEN] }) { totalCount facets { classes { value count } districts { value count } institutionTypes { value count } institutions { value label count } sharing { value count } } } }`);
    const { totalCount, facets } = result.data!.instruments;
    expect(totalCount).toBeGreaterThan(0);
    expect(facets.sharing).toEqual([{ value: 'OPEN', count: totalCount }]);
    for (const facet of ['classes', 'districts', 'institutionTypes']) expect(facets[facet].reduce((n, f) => n + f.count, 0)).toBe(totalCount);
    const nanshan = facets.districts.find((d) => d.value === '南山区')!;
    const narrowed = await hub.gql<{ instruments: { totalCount: number } }>(`{ instruments(filter: { text: "液相色谱", sharing: [OPEN], districts: ["南山区"] }) { totalCount } }`);
    expect(narrowed.data!.instruments.totalCount).toBe(nanshan.count);
  });

  it('keeps instruments within a distance and sorts them nearest first', async () => {
    const near = { lat: 22.755, lng: 113.93, km: 5 }; // Guangming
    const result = await hub.gql<{ instruments: { totalCount: number; edges: Array<{ distanceKm: number; node: { district: string } }> } }>(
      'query ($near: NearInput) { instruments(filter: { near: $near }, sort: DISTANCE, first: 50) { totalCount edges { distanceKm node { district } } } }', { near });
    const edges = result.data!.instruments.edges;
    expect(result.data!.instruments.totalCount).toBeGreaterThan(0);
    expect(edges.every((e) => e.distanceKm <= 5 && e.node.district === '光明区')).toBe(true);
    expect(edges.map((e) => e.distanceKm)).toEqual([...edges.map((e) => e.distanceKm)].sort((a, b) => a - b));
    const bad = await hub.gql('{ instruments(filter: { near: { lat: 95, lng: 0, km: 5 } }) { totalCount } }');
    expect(bad.errors?.[0].message).toMatch(/filter.near: lat 95 is not a latitude/);
  });

  it('answers bad search input with clear errors', async () => {
    const long = await hub.gql('query ($t: String) { instruments(filter: { text: $t }) { totalCount } }', { t: 'x'.repeat(10_000) });
    expect(long.errors?.[0].message).toMatch(/10000 characters; at most 200/);
    const empty = await hub.gql('{ instruments(filter: { text: "   " }) { totalCount } }');
    expect(empty.errors).toBeUndefined();
    const unknownClass = await hub.gql('{ instruments(filter: { classes: [TELEPATHY] }) { totalCount } }');
    expect(unknownClass.errors?.[0].message).toMatch(/TELEPATHY/);
    const window = await hub.gql('{ instruments(filter: { availableFrom: "2026-12-02T10:00:00+08:00", availableTo: "2026-12-01T10:00:00+08:00" }) { totalCount } }');
    expect(window.errors?.[0].message).toMatch(/filter.availableTo: must be after filter.availableFrom/);
    const distanceWithoutPoint = await hub.gql('{ instruments(sort: DISTANCE) { totalCount } }');
    expect(distanceWithoutPoint.errors?.[0].message).toMatch(/sort: DISTANCE needs filter.near/);
  });
});
