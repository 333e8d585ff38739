/**
 * Counts that stay fast at a million instruments without lying: filter-only totals and facets
 * come from `instrument_counts`, which the database keeps through harvests that add, change and
 * delete rows and through a source's removal; a text, price or distance search counts up to a
 * bound and says when its count is only a lower bound; ranking from a bounded set of candidates
 * shows the same scores as ranking every match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { CANDIDATES_PER_WAY, rankTextMatches } from '../subgraphs/catalog/search/ranking.ts';
import { COUNT_BOUND } from '../subgraphs/catalog/listing.ts';
import { allUnitsTsquery, parseTextQuery, SCORE_WEIGHTS } from '../subgraphs/catalog/search/text-query.ts';
import type { Knex } from 'knex';

interface Facet { value: string; count: number }
interface Listing { totalCount: number; totalCountExact: boolean; facets: { classes: Facet[]; districts: Facet[]; sharing: Facet[]; institutionTypes: Facet[] } }
const LIST = `query ($f: InstrumentFilter) { instruments(filter: $f, first: 5) { totalCount totalCountExact
  facets { classes { value count } districts { value count } sharing { value count } institutionTypes { value count } } } }`;

const byValue = (facets: Facet[]) => Object.fromEntries(facets.map((f) => [f.value, f.count]));

describe.each(DATABASE_TARGETS)('search counting ($name)', (target) => {
  let hub: TestHub;
  const list = async (filter: Record<string, unknown>) => {
    const result = await hub.gql<{ instruments: Listing }>(LIST, { f: filter });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!.instruments;
  };
  /** the truth, counted over the instruments themselves */
  const truth = async (where: (q: ReturnType<TestHub['database']['db']>) => void, column: string) => {
    const q = hub.database.db('instruments as i').join('institutions as inst', 'inst.id', 'i.institution_id');
    where(q);
    const rows = await q.select({ value: column }).count({ count: '*' }).groupBy(column) as Array<{ value: string | null; count: number | string }>;
    return Object.fromEntries(rows.filter((r) => r.value !== null).map((r) => [r.value, Number(r.count)]));
  };
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    hub = await startTestHub(target, { demo: true });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('counts filter-only listings and their facets exactly, as the instruments themselves say', async () => {
    const filters: Array<[Record<string, unknown>, (q: ReturnType<TestHub['database']['db']>) => void]> = [
      [{}, () => {}],
      [{ classes: ['ANALYTICAL'], districts: ['南山区'] }, (q) => q.where('i.instrument_class', 'ANALYTICAL').where('i.district', '南山区')],
      [{ sharing: ['OPEN'], institutionTypes: ['HOSPITAL', 'UNIVERSITY'] }, (q) => q.where('i.sharing', 'OPEN').whereIn('inst.type', ['HOSPITAL', 'UNIVERSITY'])],
      [{ declaredStatuses: ['IDLE'], classes: ['ANALYTICAL', 'MEDICAL_RESEARCH'] }, (q) => q.where('i.declared_status', 'IDLE').whereIn('i.instrument_class', ['ANALYTICAL', 'MEDICAL_RESEARCH'])],
    ];
    for (const [filter, where] of filters) {
      const listed = await list(filter);
      const classes = await truth(where, 'i.instrument_class');
      expect(listed.totalCountExact).toBe(true);
      expect(listed.totalCount).toBe(sum(classes));
      expect(listed.totalCount).toBeGreaterThan(0);
      expect(byValue(listed.facets.classes)).toEqual(classes);
      expect(byValue(listed.facets.districts)).toEqual(await truth(where, 'i.district'));
      expect(byValue(listed.facets.sharing)).toEqual(await truth(where, 'i.sharing'));
      expect(byValue(listed.facets.institutionTypes)).toEqual(await truth(where, 'inst.type'));
    }
  });

  it('keeps the counts right through harvests that add, change and delete, and through removing the source', async () => {
    const row = (id: string, status: string, district = '福田区') => [id, '透射电子显微镜', 'TEM', 'JEM-F200', 'JEOL', '分析仪器', '900', '2021-01-01', '计数测试研究院', '科研院所', district, '对外开放', status, '500'];
    const file = writeSheet(hub.dataDir, 'counting.csv', [row('C-1', '闲置'), row('C-2', '闲置'), row('C-3', '在用'), row('C-4', '在用', '南山区')]);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('counting', 'SPREADSHEET', { file }));
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    const counted = async () => {
      const listed = await list({ sourceIds: ['counting'] });
      return { total: listed.totalCount, statuses: byValue((await hub.gql<{ instruments: { facets: { districts: Facet[] } } }>(
        `{ instruments(filter: { sourceIds: ["counting"], declaredStatuses: [IDLE] }) { totalCount facets { districts { value count } } } }`)).data!.instruments.facets.districts) };
    };
    expect(await counted()).toEqual({ total: 4, statuses: { 福田区: 2 } });
    // C-1 goes into use, C-4 becomes idle and moves, C-2 leaves the source, C-5 arrives
    writeSheet(hub.dataDir, 'counting.csv', [row('C-1', '在用'), row('C-3', '在用'), row('C-4', '闲置', '宝安区'), row('C-5', '闲置')]);
    const run = await hub.gql<{ harvestSource: { status: string; deleted: number } }>('mutation { harvestSource(id: "counting", full: true) { status deleted } }');
    expect(run.data?.harvestSource).toEqual({ status: 'SUCCEEDED', deleted: 1 });
    expect(await counted()).toEqual({ total: 4, statuses: { 宝安区: 1, 福田区: 1 } });
    const [{ n }] = await hub.database.db('instruments').where('source_id', 'counting').count({ n: '*' }) as Array<{ n: number | string }>;
    expect(Number(n)).toBe(4);
    const removed = await hub.gql('mutation { removeSource(id: "counting") }');
    expect(removed.errors, JSON.stringify(removed.errors)).toBeUndefined();
    const left = await hub.database.db('instrument_counts').where('source_id', 'counting').sum({ n: 'instruments' }) as Array<{ n: number | string | null }>;
    expect(Number(left[0].n ?? 0)).toBe(0);
  });

  it('says when a count is only a lower bound, and is exact below the bound', async () => {
    const broad = await list({ maxExternalRate: '1000000' });
    const [{ n }] = await hub.database.db('instruments').where('external_rate', '<=', 1000000).count({ n: '*' }) as Array<{ n: number | string }>;
    expect(Number(n)).toBeGreaterThan(COUNT_BOUND);
    expect(broad).toMatchObject({ totalCount: COUNT_BOUND, totalCountExact: false });
    const narrow = await list({ maxExternalRate: '150', classes: ['ANALYTICAL'] });
    const [{ m }] = await hub.database.db('instruments').where('external_rate', '<=', 150).where('instrument_class', 'ANALYTICAL').count({ m: '*' }) as Array<{ m: number | string }>;
    expect(narrow).toMatchObject({ totalCount: Number(m), totalCountExact: true });
    const text = await list({ text: '透射电镜' });
    expect(text.totalCountExact).toBe(true);
  });

  it('ranks a bounded set of candidates with the scores of ranking every match', async () => {
    const { db } = hub.database;
    const sources = (await hub.registry.status()).map((s) => s.source.id);
    for (const query of ['核磁共振波谱仪', 'MRI', 'X射线衍射仪', '液相色谱']) {
      const text = parseTextQuery(query);
      // the demo holds 15 NMR spectrometers: five candidates per way stand for a thousand among 17,000
      const everything = await rankTextMatches(db, text, {}, sources, 0, 5, 100_000);
      const bounded = await rankTextMatches(db, text, {}, sources, 0, 5, 5);
      expect(everything.exact).toBe(true);
      expect(everything.matched).toBeGreaterThan(5);
      expect(bounded.exact).toBe(false);
      expect(bounded.matched).toBeGreaterThanOrEqual(5);
      expect(bounded.matched).toBeLessThan(everything.matched);
      // the same ranking but for its tie-break: what a record is (its model, its type) and how much
      // of the text it says score alike. Text rank (SCORE_WEIGHTS.text × ts_rank) puts members of a
      // type whose owners wrote its words themselves above the rest; among many such, the bounded
      // set holds some of them, not necessarily those whose words repeat the most
      for (const [i, score] of bounded.scores.entries()) {
        expect(everything.scores[i] - score).toBeGreaterThanOrEqual(-1e-9);
        expect(everything.scores[i] - score).toBeLessThan(SCORE_WEIGHTS.text);
      }
      const saidByOwner = (q: Knex.QueryBuilder) => q.whereRaw("search_vector @@ to_tsquery('simple', ?)", [allUnitsTsquery(text, true)]).whereRaw('type_keys && ?::text[]', [text.typeKeys]);
      if (await saidByOwner(db('instruments').first('id'))) expect(await saidByOwner(db('instruments').where('id', bounded.ids[0]).first('id'))).toBeDefined();
      const matches = new Set((await rankTextMatches(db, text, {}, sources, 0, 100_000, 100_000)).ids);
      expect(bounded.ids.every((id) => matches.has(id))).toBe(true);
    }
  });

  it('counts a type exactly when its members outnumber the candidates, and bounds a count by words alone', async () => {
    const districts = ['南山区', '福田区', '宝安区'];
    const rows = Array.from({ length: 1100 }, (_, n) => [`B-${n}`, '透射电子显微镜', 'TEM', `Talos F${200 + (n % 7)}X`, 'Qwertzlab', '分析仪器', '800', '2022-01-01',
      `批量研究院${n % 4}`, '科研院所', districts[n % 3], n % 5 ? '对外开放' : '不共享', n % 2 ? '闲置' : '在用', '600']);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('bulk', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'bulk.csv', rows) }));
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    const sources = (await hub.registry.status()).map((s) => s.source.id);
    for (const filter of [{ text: '透射电镜' }, { text: 'Transmission Electron Microscope', districts: ['南山区'], sharing: ['OPEN'] }, { text: 'TEM', declaredStatuses: ['IDLE'] }]) {
      const listed = await list(filter);
      const everything = await rankTextMatches(hub.database.db, parseTextQuery(filter.text), filter, sources, 0, 1, 100_000);
      expect(everything.matched).toBeGreaterThan(CANDIDATES_PER_WAY);
      expect(listed).toMatchObject({ totalCount: everything.matched, totalCountExact: true });
    }
    expect((await rankTextMatches(hub.database.db, parseTextQuery('透射电镜'), {}, sources, 0, 20)).exact).toBe(false);
    // a maker's name names no type: past the bound the count is a lower bound, and says so
    expect(await list({ text: 'Qwertzlab' })).toMatchObject({ totalCount: COUNT_BOUND, totalCountExact: false });
    await hub.gql('mutation { removeSource(id: "bulk") }');
  });
});
