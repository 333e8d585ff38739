/**
 * What owners' exports hold reaches the index exactly: backslashes, quotes, braces, tabs and line
 * breaks, a line that is only "\.", half a character from a broken export. A server database takes
 * the rows by COPY, the embedded one as JSON: both must give back what was read, on the first
 * harvest (inserts) and on the next (updates of the same rows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { startJsonCatalogue, jsonCatalogueConfig, type JsonCatalogue } from './support/source-fixtures.ts';

const AWKWARD_NAME = String.raw`探针台 C:\lab\new "X-1" {a,b} 50%`;
const REMARK = 'line one\n\\.\nline\tthree \\N done';

interface Read { name: string; model: string | null; specs: string | null; extra: Array<{ key: string; value: string }> }
const READ = '{ name model specs extra { key value } }';

function sheet(dir: string, remark: string): string {
  const file = path.join(dir, 'awkward.csv');
  const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
  const rows = [
    ['仪器编号', '仪器名称', '规格型号', '所属单位', '主要技术指标', '备注'],
    ['A-1', AWKWARD_NAME, String.raw`\.`, '深圳大学', String.raw`分辨率 \ 0.1 nm; 电压 {200,300} kV`, remark],
  ];
  writeFileSync(file, `${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`);
  return file;
}

describe.each(DATABASE_TARGETS)('awkward text through the harvest ($name)', (target) => {
  let hub: TestHub;
  let catalogue: JsonCatalogue;
  let file: string;

  beforeAll(async () => {
    hub = await startTestHub(target);
    file = sheet(hub.dataDir, REMARK);
    catalogue = await startJsonCatalogue([{ id: 'R-1', name: 'Probe\ud800 station', model: 'PS-1', brand: 'Cascade', owner: '深圳大学' }]);
    for (const [id, kind, config] of [['awk', 'SPREADSHEET', { file }], ['broken', 'REST', jsonCatalogueConfig(catalogue.url)]] as const) {
      const added = await hub.gql<{ addSource: { harvest: { status: string; imported: number; error: string | null } } }>(ADD_SOURCE, addSourceInput(id, kind, config));
      expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
      expect(added.data!.addSource.harvest).toMatchObject({ status: 'SUCCEEDED', imported: 1 });
    }
  });
  afterAll(async () => {
    await hub?.close();
    await catalogue?.close();
  });

  async function read(id: string): Promise<Read> {
    const result = await hub.gql<{ instrument: Read }>(`{ instrument(id: "${id}") ${READ} }`);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!.instrument;
  }

  it('keeps backslashes, quotes, braces and line breaks as written', async () => {
    const instrument = await read('awk:A-1');
    expect(instrument.name).toBe(AWKWARD_NAME);
    expect(instrument.model).toBe('\\.');
    expect(instrument.specs).toBe(String.raw`分辨率 \ 0.1 nm; 电压 {200,300} kV`);
    expect(instrument.extra).toEqual([{ key: '备注', value: REMARK }]);
  });

  it('keeps half a character as the replacement character', async () => {
    expect((await read('broken:R-1')).name).toBe('Probe\ufffd station');
  });

  it('updates the same rows on the next harvest, and they are still found', async () => {
    sheet(hub.dataDir, `${REMARK}\tagain`);
    const run = await hub.registry.harvest('awk', { full: true });
    expect(run).toMatchObject({ status: 'SUCCEEDED', imported: 1, deleted: 0 });
    expect((await read('awk:A-1')).extra).toEqual([{ key: '备注', value: `${REMARK}\tagain` }]);
    const found = await hub.gql<{ instruments: { totalCount: number; edges: Array<{ node: { id: string } }> } }>('{ instruments(filter: { text: "探针台" }, first: 5) { totalCount edges { node { id } } } }');
    expect(found.errors, JSON.stringify(found.errors)).toBeUndefined();
    expect(found.data!.instruments.edges.map((e) => e.node.id)).toContain('awk:A-1');
    expect(found.data!.instruments.totalCount).toBe(found.data!.instruments.edges.length);
  });
});
