/**
 * The harvest writes each instrument's search vector itself (search-document.ts) instead of having
 * the database parse its terms. What it writes must be what the database's own parse gave — the
 * same lexemes, positions and weights, so matching and ts_rank are unchanged — and a term the
 * parser would split ("0.1", "al2o3、hfo2") must be split alike on the query side. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { DEMO_INSTITUTIONS } from '../connectors/demo/demo-institutions.ts';
import { generateInventory } from '../connectors/demo/inventory-generator.ts';
import { searchDocument } from '../subgraphs/catalog/search/search-document.ts';

const SIMPLE_TERM = /^(?:[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]+)$/;

describe.each(DATABASE_TARGETS)('search vector ($name)', (target) => {
  let hub: TestHub;
  beforeAll(async () => { hub = await startTestHub(target); });
  afterAll(async () => hub?.close());

  it('writes the vector the database would have parsed from the same terms', async () => {
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    const documents = [...generateInventory({ seed: 11, count: 1500, institutions: DEMO_INSTITUTIONS, idPrefix: 'V-' })].map((r) => searchDocument({
      name: String(r.name), nameEn: text(r.name_en), model: text(r.model), manufacturer: text(r.manufacturer), ownerCategory: text(r.category), specs: text(r.specs), functions: text(r.functions),
    }));
    const simple = documents.filter((d) => `${d.nameTerms} ${d.detailTerms}`.trim().split(' ').every((t) => SIMPLE_TERM.test(t)));
    expect(simple.length, 'documents whose every term is one lexeme').toBeGreaterThan(500);
    const { rows } = await hub.database.db.raw(`select count(*)::int as differ from json_to_recordset(?::json) as d(vector text, name_terms text, detail_terms text)
      where d.vector::tsvector is distinct from (setweight(to_tsvector('simple', d.name_terms), 'A') || setweight(to_tsvector('simple', d.detail_terms), 'C'))`,
    [JSON.stringify(simple.map((d) => ({ vector: d.vector, name_terms: d.nameTerms, detail_terms: d.detailTerms })))]) as { rows: Array<{ differ: number }> };
    expect(rows[0].differ).toBe(0);
  });

  it('finds a record by a term the parser would split, written the same way in the search', async () => {
    const file = writeSheet(hub.dataDir, 'vector.csv', [
      ['P1', '原子层沉积系统', '', 'ALD-0.1', '', '其他仪器', '120', '2020-01-01', '深圳测试研究院', 'RESEARCH_INSTITUTE', '南山区', '开放共享', '在用', '300'],
      ['P2', '磁控溅射镀膜仪', '', 'MS-200', '', '其他仪器', '120', '2020-01-01', '深圳测试研究院', 'RESEARCH_INSTITUTE', '南山区', '开放共享', '在用', '300'],
    ]);
    const added = await hub.gql<{ addSource: { harvest: { status: string } } }>(ADD_SOURCE, addSourceInput('vector', 'SPREADSHEET', { file }));
    expect(added.errors).toBeUndefined();
    const found = await hub.gql<{ instruments: { edges: Array<{ node: { localId: string } }> } }>(
      'query ($text: String!) { instruments(filter: { text: $text }, first: 5) { edges { node { localId } } } }', { text: 'ALD-0.1' });
    expect(found.errors).toBeUndefined();
    expect(found.data!.instruments.edges.map((e) => e.node.localId)[0]).toBe('P1');
  });
});
