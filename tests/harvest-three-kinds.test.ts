/**
 * The spine end to end: an SQL asset database, a REST catalogue and a spreadsheet are
 * registered, harvested and served as one graph through the gateway over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { createAssetDatabase, jsonCatalogueConfig, startJsonCatalogue, writeSheet, type JsonCatalogue } from './support/source-fixtures.ts';

interface Node { id: string; name: string; model: string | null; instrumentClass: string; district: string | null; sharing: string; declaredStatus: string; originalValue: string | null; institution: { id: string; name: string; type: string }; live: { state: string } | null }
const NODE = 'id name model instrumentClass district sharing declaredStatus originalValue institution { id name type } live { state }';

describe.each(DATABASE_TARGETS)('three connector kinds in one graph ($name)', (target) => {
  let hub: TestHub;
  let catalogue: JsonCatalogue;

  beforeAll(async () => {
    hub = await startTestHub(target);
    const sql = await createAssetDatabase(path.join(hub.dataDir, 'szu-assets'), [
      { id: 'SZU-001', name: '透射电子显微镜', model: 'JEM-2100F', maker: 'JEOL', category: '分析仪器', valueWan: 680, status: '使用中', sharing: '对外开放' },
      { id: 'SZU-002', name: '核磁共振波谱仪', model: 'AVANCE III HD 400', maker: 'Bruker', category: '分析仪器', valueWan: 420.5, status: '闲置', sharing: '校内共享' },
      { id: 'SZU-003', name: '矢量网络分析仪', model: 'N5227B', maker: 'Keysight', category: '电子测量仪器', valueWan: 260, status: '待修', sharing: '对外开放' },
    ]);
    catalogue = await startJsonCatalogue([
      { id: 'R-1', name: 'Field Emission SEM', model: 'Apreo 2', brand: 'Thermo Fisher', category: '01', owner: '深圳市计量质量检测研究院', district: '龙华区', sharing: 'open', state: 'available' },
      { id: 'R-2', name: 'Confocal Microscope', model: 'LSM 880', brand: 'Zeiss', category: '分析仪器', owner: '深圳大学', district: '南山区', sharing: 'open', state: 'rented' },
    ]);
    const sheet = writeSheet(hub.dataDir, 'small.csv', [
      ['H-1', '3.0T磁共振成像系统', 'MRI 3T', 'MAGNETOM Prisma', 'Siemens', '医学科研仪器', '1800', '2020-05-01', '北京大学深圳医院', '医疗机构', '福田区', '不共享', '在用', ''],
      ['T-1', '电感耦合等离子体质谱仪', 'ICP-MS', '7900', 'Agilent', '分析仪器', '150', '2018/3/2', '深圳市计量质量检测研究院', '检验检测机构', '龙华区', '对外开放', '闲置', '600'],
    ]);
    for (const [id, kind, config] of [['szu', 'SQL', sql], ['rentlab', 'REST', jsonCatalogueConfig(catalogue.url)], ['smallinst', 'SPREADSHEET', { file: sheet }]] as const) {
      const result = await hub.gql<{ addSource: { harvest: { status: string; imported: number; rejected: number } } }>(ADD_SOURCE, addSourceInput(id, kind, config));
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      expect(result.data!.addSource.harvest, JSON.stringify(result.data!.addSource.harvest)).toMatchObject({ status: 'SUCCEEDED', rejected: 0 });
    }
  });
  afterAll(async () => {
    await hub?.close();
    await catalogue?.close();
  });

  it('lists every source\'s instruments, each as its own type, with live state from its connector', async () => {
    const result = await hub.gql<{ instruments: { totalCount: number; edges: Array<{ node: Node & { __typename: string } }> } }>(`{ instruments(first: 50) { totalCount edges { node { __typename ${NODE} } } } }`);
    expect(result.errors).toBeUndefined();
    const nodes = new Map(result.data!.instruments.edges.map((e) => [e.node.id, e.node]));
    expect(result.data!.instruments.totalCount).toBe(7);
    expect(nodes.get('szu:SZU-001')).toMatchObject({ __typename: 'SzuInstrument', model: 'JEM-2100F', declaredStatus: 'IN_USE', originalValue: '6800000.00', live: { state: 'IN_USE' }, institution: { name: '深圳大学', type: 'UNIVERSITY' } });
    expect(nodes.get('szu:SZU-003')).toMatchObject({ declaredStatus: 'MAINTENANCE', instrumentClass: 'ELECTRONIC_MEASUREMENT' });
    expect(nodes.get('rentlab:R-2')).toMatchObject({ __typename: 'RentlabInstrument', declaredStatus: 'IN_USE', live: { state: 'UNKNOWN' } });
    expect(nodes.get('smallinst:H-1')).toMatchObject({ __typename: 'SmallinstInstrument', instrumentClass: 'MEDICAL_RESEARCH', sharing: 'CLOSED', originalValue: '18000000.00', live: { state: 'IN_USE' } });
  });

  it('merges an institution listed by several sources', async () => {
    const result = await hub.gql<{ institutions: { totalCount: number; edges: Array<{ node: { id: string; name: string; sourceIds: string[]; instrumentCount: number } }> } }>(`{ institutions { totalCount edges { node { id name sourceIds instrumentCount } } } }`);
    const byName = new Map(result.data!.institutions.edges.map((e) => [e.node.name, e.node]));
    expect(result.data!.institutions.totalCount).toBe(3);
    expect(byName.get('深圳大学')).toMatchObject({ sourceIds: ['rentlab', 'szu'], instrumentCount: 4 });
    expect(byName.get('深圳市计量质量检测研究院')).toMatchObject({ sourceIds: ['rentlab', 'smallinst'], instrumentCount: 2 });
  });

  it('filters by class, district, institution type, sharing and rate, combined', async () => {
    const q = `query ($f: InstrumentFilter) { instruments(filter: $f, first: 50) { totalCount edges { node { id } } } }`;
    const ids = async (f: object) => (await hub.gql<{ instruments: { edges: Array<{ node: { id: string } }> } }>(q, { f })).data!.instruments.edges.map((e) => e.node.id).sort();
    expect(await ids({ classes: ['ELECTRONIC_MEASUREMENT'] })).toEqual(['szu:SZU-003']);
    expect(await ids({ districts: ['龙华'] })).toEqual(['rentlab:R-1', 'smallinst:T-1']);
    expect(await ids({ institutionTypes: ['HOSPITAL'] })).toEqual(['smallinst:H-1']);
    expect(await ids({ sharing: ['OPEN'], classes: ['ANALYTICAL'], districts: ['南山区'] })).toEqual(['rentlab:R-2', 'szu:SZU-001']);
    expect(await ids({ maxExternalRate: '700' })).toEqual(['smallinst:T-1']);
    expect(await ids({ text: 'jem2100f' })).toEqual(['szu:SZU-001']);
  });

  it('pages with cursors, every instrument exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: { data?: { instruments: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } = await hub.gql(`query ($after: String) { instruments(first: 3, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
      seen.push(...result.data!.instruments.edges.map((e) => e.node.id));
      if (!result.data!.instruments.pageInfo.hasNextPage) break;
      after = result.data!.instruments.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('finds one instrument by id, and null for an unknown one', async () => {
    const result = await hub.gql<{ a: Node | null; b: Node | null }>(`{ a: instrument(id: "smallinst:T-1") { ${NODE} } b: instrument(id: "smallinst:nope") { id } }`);
    expect(result.data!.a).toMatchObject({ name: '电感耦合等离子体质谱仪', live: { state: 'IDLE' } });
    expect(result.data!.b).toBeNull();
  });

  it('rejects bad listing arguments with clear errors', async () => {
    const tooMany = await hub.gql(`{ instruments(first: 5000) { totalCount } }`);
    expect(tooMany.errors?.[0].message).toMatch(/first must be between 1 and 100/);
    const badCursor = await hub.gql(`{ instruments(after: "garbage") { totalCount } }`);
    expect(badCursor.errors?.[0].message).toMatch(/not a cursor/);
    const badDistrict = await hub.gql(`{ instruments(filter: { districts: ["火星区"] }) { totalCount } }`);
    expect(badDistrict.errors?.[0].message).toMatch(/unknown district "火星区"/);
  });
});
