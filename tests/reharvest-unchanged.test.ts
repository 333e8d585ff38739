/**
 * A harvest that meets the source's rows again writes only what changed: a row found as it was keeps
 * its version (and the time a harvest last changed it), a changed row is rewritten, and a row the
 * source no longer lists is deleted however long ago it was written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';

const HARVEST = `mutation ($id: ID!) { harvestSource(id: $id, full: true) { status imported deleted error } }`;
const SHOW = `{ kept: instrument(id: "nightly:N-1") { model harvestedAt } changed: instrument(id: "nightly:N-2") { model harvestedAt }
  gone: instrument(id: "nightly:N-3") { id } instruments(filter: { sourceIds: ["nightly"] }) { totalCount } }`;
interface Shown { kept: { model: string; harvestedAt: string }; changed: { model: string; harvestedAt: string }; gone: { id: string } | null; instruments: { totalCount: number } }

const row = (id: string, name: string, model: string) => [id, name, '', model, 'Bruker', '分析仪器', '158', '2017-03-02', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300'];

describe.each(DATABASE_TARGETS)('harvesting a source again ($name)', (target) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target);
  });
  afterAll(async () => hub?.close());

  it('leaves unchanged rows as they are, rewrites changed ones and deletes the ones no longer listed', async () => {
    const file = writeSheet(hub.dataDir, 'nightly.csv', [row('N-1', 'X射线衍射仪', 'D8 ADVANCE'), row('N-2', '核磁共振波谱仪', 'AVANCE III 400'), row('N-3', '拉曼光谱仪', 'Senterra')]);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('nightly', 'SPREADSHEET', { file }));
    expect(added.errors).toBeUndefined();
    const before = (await hub.gql<Shown>(SHOW)).data!;
    expect(before.instruments.totalCount).toBe(3);

    await new Promise((resolve) => setTimeout(resolve, 20));
    writeSheet(hub.dataDir, 'nightly.csv', [row('N-1', 'X射线衍射仪', 'D8 ADVANCE'), row('N-2', '核磁共振波谱仪', 'AVANCE NEO 600')]);
    const again = (await hub.gql<{ harvestSource: { status: string; imported: number; deleted: number } }>(HARVEST, { id: 'nightly' })).data!.harvestSource;
    expect(again).toMatchObject({ status: 'SUCCEEDED', imported: 2, deleted: 1 });

    const after = (await hub.gql<Shown>(SHOW)).data!;
    expect(after.kept).toEqual(before.kept);
    expect(after.changed.model).toBe('AVANCE NEO 600');
    expect(new Date(after.changed.harvestedAt).getTime()).toBeGreaterThan(new Date(before.changed.harvestedAt).getTime());
    expect(after.gone).toBeNull();
    expect(after.instruments.totalCount).toBe(2);

    // the unchanged row is still found by what it is
    const found = await hub.gql<{ instruments: { edges: Array<{ node: { id: string } }> } }>(`{ instruments(filter: { text: "衍射仪", sourceIds: ["nightly"] }) { edges { node { id } } } }`);
    expect(found.data!.instruments.edges.map((e) => e.node.id)).toEqual(['nightly:N-1']);
  });
});
