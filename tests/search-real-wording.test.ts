/**
 * Search as real inventories need it: names that differ by a word, typos on either side, names
 * an export cut short, a Chinese search over English-only records and the reverse, and synonyms
 * the inventory teaches (a record's two names, an abbreviation in parentheses, one model named
 * differently by two owners) — stored, shown, and corrected by the centre. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';

interface Edge { matchedBy: string[] | null; node: { localId: string; name: string; instrumentTypes: Array<{ key: string }> } }
const SEARCH = `query ($text: String!) { instruments(filter: { text: $text }, first: 20) {
  totalCount searchUnits { text forms required } edges { matchedBy node { localId name instrumentTypes { key } } } } }`;
const SYNONYMS = `query ($status: SynonymStatus) { searchSynonyms(status: $status, first: 100) { id term synonym kind exampleInstrumentIds occurrences status decidedBy } }`;

const row = (id: string, name: string, nameEn = '', model = '', maker = ''): string[] =>
  [id, name, nameEn, model, maker, '其他仪器', '120', '2020-01-01', '深圳测试研究院', 'RESEARCH_INSTITUTE', '南山区', '开放共享', '在用', '300'];

describe.each(DATABASE_TARGETS)('search over real wording ($name)', (target) => {
  let hub: TestHub;
  const search = async (text: string) => {
    const result = await hub.gql<{ instruments: { totalCount: number; searchUnits: Array<{ text: string; forms: string[]; required: boolean }>; edges: Edge[] } }>(SEARCH, { text });
    expect(result.errors).toBeUndefined();
    return result.data!.instruments;
  };
  const ids = async (text: string) => (await search(text)).edges.map((e) => e.node.localId);

  beforeAll(async () => {
    process.env.IRHUB_SYNONYM_REFRESH_MS = '0';
    hub = await startTestHub(target);
    const first = writeSheet(hub.dataDir, 'owner-a.csv', [
      row('A1', '材料表面性能测试系统'),
      row('A2', '材料拉伸试验机'),
      row('A3', 'UV-Vis Spectrophotometaer'),
      row('A4', 'Bench Top Centrifuge'),
      row('A5', '高速冷冻离心机'),
      row('A6', 'Field Emission Scann'),
      row('A7', '果蝇行为监测系统', 'Drosophila Activity Monitor System'),
      row('A8', 'Drosophila Activity Monitor', '', 'DAM5M'),
      row('A9', '蜂群称重监测仪（BHS）'),
      row('A10', '蜂群称重监测仪'),
      row('A11', '声悬浮样品台', '', 'APL-3000X'),
      row('A12', 'Mira 9000D V5 XW OPT'),
      row('A13', '4800 Madi Mass Spect'),
      row('A14', 'Infinity 1260 HPLC w'),
    ]);
    const second = writeSheet(hub.dataDir, 'owner-b.csv', [row('B1', 'Acoustic Levitator', '', 'APL3000X')]);
    for (const [id, file] of [['ownera', first], ['ownerb', second]]) {
      const added = await hub.gql<{ addSource: { harvest: { status: string; rejected: number } } }>(ADD_SOURCE, addSourceInput(id, 'SPREADSHEET', { file }));
      expect(added.errors).toBeUndefined();
      expect(added.data!.addSource.harvest).toMatchObject({ status: 'SUCCEEDED', rejected: 0 });
    }
  });
  afterAll(async () => {
    await hub?.close();
    delete process.env.IRHUB_SYNONYM_REFRESH_MS;
  });

  it('matches most of a name, not only all of it, and not a name that shares a word or two', async () => {
    const found = await ids('材料表面性能测量系统');
    expect(found[0]).toBe('A1');
    expect(found).not.toContain('A2');
  });

  it('tolerates typos in the record and in the search', async () => {
    expect(await ids('spectrophotometer')).toContain('A3');
    expect(await ids('centrifge')).toContain('A4');
  });

  it('finds English-only records by a Chinese search and Chinese ones by an English search', async () => {
    const zh = await search('离心机');
    expect(zh.edges.map((e) => e.node.localId)).toEqual(expect.arrayContaining(['A4', 'A5']));
    const english = zh.edges.find((e) => e.node.localId === 'A4')!;
    expect(english.matchedBy!.join(' ')).toMatch(/CENTRIFUGE|centrifug/);
    expect(await ids('centrifuge')).toEqual(expect.arrayContaining(['A4', 'A5']));
  });

  it('reads a name an export cut short', async () => {
    const found = await search('场发射扫描电镜');
    const cut = found.edges.find((e) => e.node.localId === 'A6');
    expect(cut?.node.instrumentTypes.map((t) => t.key)).toContain('FE_SEM');
    expect(await ids('scanning electron microscope')).toContain('A6');
  });

  it('ranks a record whose owner wrote the searched words above one the hub knows only by its product line', async () => {
    const found = await search('FE-SEM');
    const types = (id: string) => found.edges.find((e) => e.node.localId === id)?.node.instrumentTypes.map((t) => t.key);
    expect(types('A12')).toContain('FE_SEM');
    expect(types('A6')).toContain('FE_SEM');
    const order = found.edges.map((e) => e.node.localId);
    expect(order.indexOf('A6')).toBeLessThan(order.indexOf('A12'));
  });

  it('reads a cut last word as the longer name the words before it begin, and a product line either way round with its maker', async () => {
    const massSpec = (await search('质谱仪')).edges.find((e) => e.node.localId === 'A13');
    expect(massSpec).toBeDefined();
    expect(massSpec!.node.instrumentTypes.map((t) => t.key)).not.toContain('SPECT');
    // "Infinity 1260" is Agilent's 1260 Infinity: the maker it never names finds it
    expect(await ids('Agilent 1260')).toContain('A14');
  });

  it('learns synonyms from bilingual records, parenthesised abbreviations and shared models, and shows them', async () => {
    const learned = (await hub.gql<{ searchSynonyms: Array<{ term: string; synonym: string; kind: string; exampleInstrumentIds: string[] }> }>(SYNONYMS)).data!.searchSynonyms;
    expect(learned).toEqual(expect.arrayContaining([
      expect.objectContaining({ term: '果蝇行为监测', synonym: 'drosophila activity monitor', kind: 'BILINGUAL_NAME', exampleInstrumentIds: ['ownera:A7'] }),
      expect.objectContaining({ term: '蜂群称重监测仪', synonym: 'bhs', kind: 'ABBREVIATION' }),
      expect.objectContaining({ term: '声悬浮样品台', synonym: 'acoustic levitator', kind: 'SHARED_MODEL' }),
    ]));
    // the Chinese name finds the English-only record of the same kind, and says why
    const flies = await search('果蝇行为监测');
    const english = flies.edges.find((e) => e.node.localId === 'A8');
    expect(english?.matchedBy).toEqual(expect.arrayContaining([expect.stringMatching(/"果蝇行为监测" as "drosophila activ/)]));
    expect(flies.searchUnits[0].forms).toEqual(expect.arrayContaining(['果蝇 蝇行 行为 为监 监测', 'drosophila activity monitor']));
    // the abbreviation finds the record that never wrote it
    expect(await ids('BHS')).toEqual(expect.arrayContaining(['A9', 'A10']));
    expect(await ids('声悬浮样品台')).toEqual(expect.arrayContaining(['A11', 'B1']));
  });

  it('lets the centre reject a learned synonym and add its own', async () => {
    const learned = (await hub.gql<{ searchSynonyms: Array<{ id: string; term: string }> }>(SYNONYMS)).data!.searchSynonyms;
    const levitator = learned.find((s) => s.term === '声悬浮样品台')!;
    const rejected = await hub.gql<{ decideSearchSynonym: { status: string; decidedBy: string } }>(
      'mutation ($id: ID!) { decideSearchSynonym(id: $id, status: REJECTED) { status decidedBy } }', { id: levitator.id });
    expect(rejected.data!.decideSearchSynonym).toEqual({ status: 'REJECTED', decidedBy: 'admin' });
    expect(await ids('声悬浮样品台')).not.toContain('B1');
    const added = await hub.gql('mutation { addSearchSynonym(term: "声悬浮", synonym: "acoustic levitator") { kind status } }');
    expect(added.data).toEqual({ addSearchSynonym: { kind: 'CENTRE', status: 'CONFIRMED' } });
    expect(await ids('声悬浮')).toContain('B1');
    // only the centre decides
    const anonymous = await hub.gql(`mutation ($id: ID!) { decideSearchSynonym(id: $id, status: CONFIRMED) { status } }`, { id: levitator.id }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
