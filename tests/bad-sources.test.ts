/**
 * Bad input at the edges of the registry: each gets an error naming the source and the
 * cause, good rows still import, and nothing already indexed is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import path from 'node:path';
import { serveConnector, type ServedConnector } from '../connectors/sdk/serve-connector.ts';
import { createSpreadsheetAdapter } from '../connectors/spreadsheet/spreadsheet-connector.ts';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub, REMOTE_CREDENTIAL } from './support/test-hub.ts';
import { createAssetDatabase, jsonCatalogueConfig, SHEET_HEADER, startJsonCatalogue, writeSheet, type JsonCatalogue } from './support/source-fixtures.ts';

const HARVEST = `mutation ($id: ID!, $full: Boolean) { harvestSource(id: $id, full: $full) { status mode imported rejected deleted error rejectedRows { ref field reason } } }`;
const COUNT = `query ($ids: [String!]) { instruments(filter: { sourceIds: $ids }) { totalCount } }`;

interface Run { status: string; imported: number; rejected: number; deleted: number; error: string | null; rejectedRows: Array<{ ref: string; field: string; reason: string }> }

describe.each(DATABASE_TARGETS)('bad sources ($name)', (target) => {
  let hub: TestHub;
  let catalogue: JsonCatalogue;
  let breaking: ServedConnector | undefined;
  const count = async (id: string) => (await hub.gql<{ instruments: { totalCount: number } }>(COUNT, { ids: [id] })).data!.instruments.totalCount;
  const sourceIds = async () => (await hub.gql<{ sources: Array<{ id: string }> }>('{ sources { id } }')).data!.sources.map((s) => s.id);

  beforeAll(async () => {
    hub = await startTestHub(target);
    catalogue = await startJsonCatalogue([
      { id: 'R-1', name: 'Field Emission SEM', model: 'Apreo 2', brand: 'Thermo Fisher', category: '分析仪器', owner: '某租赁公司', district: '宝安区', sharing: 'open', state: 'available' },
      { id: 'R-2', name: 'X-ray Diffractometer', model: 'SmartLab', brand: 'Rigaku', category: '分析仪器', owner: '某租赁公司', district: '宝安区', sharing: 'open', state: 'available' },
    ]);
  });
  afterAll(async () => {
    await hub?.close();
    await catalogue?.close();
    await breaking?.close();
  });

  it('refuses a mapping that names a column the table does not have, storing nothing', async () => {
    const config = await createAssetDatabase(path.join(hub.dataDir, 'assets'), [
      { id: 'A-1', name: '透射电子显微镜', model: 'JEM-2100F', maker: 'JEOL', category: '分析仪器', valueWan: 680, status: '闲置', sharing: '对外开放' },
    ]);
    const broken = { ...config, fields: { ...(config.fields as object), model: '规格型号x' } };
    const result = await hub.gql(ADD_SOURCE, addSourceInput('assets', 'SQL', broken));
    expect(result.errors?.[0].message).toMatch(/source assets/);
    expect(result.errors?.[0].message).toMatch(/规格型号x/);
    expect(result.errors?.[0].message).toMatch(/资产设备/);
    expect(await sourceIds()).not.toContain('assets');
  });

  it('keeps the index when a REST source becomes unreachable or answers malformed JSON', async () => {
    const added = await hub.gql<{ addSource: { harvest: Run } }>(ADD_SOURCE, addSourceInput('rental', 'REST', jsonCatalogueConfig(catalogue.url)));
    expect(added.data!.addSource.harvest).toMatchObject({ status: 'SUCCEEDED', imported: 2 });

    catalogue.respond = { raw: '{"data": {"items": [ {"id": "R-1", ', status: 200 };
    const malformed = (await hub.gql<{ harvestSource: Run }>(HARVEST, { id: 'rental', full: true })).data!.harvestSource;
    expect(malformed.status).toBe('FAILED');
    expect(malformed.error).toMatch(/source rental/);
    expect(malformed.error).toMatch(/JSON/i);
    expect(await count('rental')).toBe(2);

    await catalogue.close();
    const unreachable = (await hub.gql<{ harvestSource: Run }>(HARVEST, { id: 'rental', full: true })).data!.harvestSource;
    expect(unreachable.status).toBe('FAILED');
    expect(unreachable.error).toMatch(/source rental/);
    expect(unreachable.error).toMatch(/unreachable|ECONNREFUSED|fetch failed/i);
    expect(await count('rental')).toBe(2);
  });

  it('imports the good rows of a spreadsheet and reports each bad one by row and field', async () => {
    const file = writeSheet(hub.dataDir, 'mixed.csv', [
      ['M-1', 'X射线衍射仪', 'X-ray Diffractometer', 'D8 ADVANCE', 'Bruker', '分析仪器', '158', '2017-03-02', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300'],
      ['M-2', '', '', 'SU8010', 'Hitachi', '分析仪器', '200', '2016-01-01', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300'],
      ['M-3', '神秘仪器', '', 'X1', 'Acme', '魔法仪器', '10', '2016-01-01', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300'],
      ['M-4', '紫外可见分光光度计', '', 'UV-3600', 'Shimadzu', '分析仪器', '三十', '2016-01-01', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300'],
      ['M-5', '气相色谱仪', '', '7890B', 'Agilent', '分析仪器', '40', '2016-02-30', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300'],
    ]);
    const added = await hub.gql<{ addSource: { harvest: Run } }>(ADD_SOURCE, addSourceInput('mixed', 'SPREADSHEET', { file }));
    const run = added.data!.addSource.harvest;
    // a class the hub does not know is no reason to reject a row (tests/spreadsheet-import-real.test.ts)
    expect(run).toMatchObject({ status: 'SUCCEEDED', imported: 2, rejected: 3 });
    const problems = run.rejectedRows.map((r) => `${r.ref}|${r.field}`);
    expect(problems).toEqual([
      expect.stringMatching(/row 3\|name$/), expect.stringMatching(/row 5\|original_value_wan$/), expect.stringMatching(/row 6\|purchase_date$/),
    ]);

    // the owner re-exports with the good row now broken: its indexed version is kept, not lost
    writeSheet(hub.dataDir, 'mixed.csv', [
      ['M-1', 'X射线衍射仪', 'X-ray Diffractometer', 'D8 ADVANCE', 'Bruker', '分析仪器', '158', 'yesterday', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300'],
      ['M-6', '傅里叶变换红外光谱仪', '', 'Nicolet iS50', 'Thermo Fisher', '分析仪器', '80', '2021-09-09', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '200'],
    ]);
    const again = (await hub.gql<{ harvestSource: Run }>(HARVEST, { id: 'mixed', full: true })).data!.harvestSource;
    expect(again).toMatchObject({ status: 'SUCCEEDED', imported: 1, rejected: 1, deleted: 1 });
    const kept = await hub.gql<{ instrument: { model: string } | null }>(`{ instrument(id: "mixed:M-1") { model } }`);
    expect(kept.data!.instrument).toEqual({ model: 'D8 ADVANCE' });
    expect(await count('mixed')).toBe(2);
  });

  it('reports a bad row wherever it stands in a long XLSX, each once, while pages are served as the file is read', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('仪器');
    sheet.addRow(SHEET_HEADER);
    const row = (id: string) => [id, '气相色谱仪', 'Gas Chromatograph', '7890B', 'Agilent', '分析仪器', '40', '2016-02-01', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300'];
    // 2,600 instruments, so three pages of the harvest; the same id again in the second page and in the last row
    for (let n = 1; n <= 2600; n++) sheet.addRow(row(`L-${n}`));
    sheet.spliceRows(1502, 0, row('L-7'));
    sheet.addRow(row('L-2600'));
    const file = path.join(hub.dataDir, 'long.xlsx');
    await workbook.xlsx.writeFile(file);
    const added = await hub.gql<{ addSource: { harvest: Run } }>(ADD_SOURCE, addSourceInput('long', 'SPREADSHEET', { file }));
    expect(added.errors).toBeUndefined();
    const run = added.data!.addSource.harvest;
    expect(run).toMatchObject({ status: 'SUCCEEDED', imported: 2600, rejected: 2 });
    expect(run.rejectedRows).toEqual([
      { ref: 'long.xlsx row 1502', field: 'local_id', reason: 'duplicate 仪器编号 "L-7", first used in row 8' },
      { ref: 'long.xlsx row 2603', field: 'local_id', reason: 'duplicate 仪器编号 "L-2600", first used in row 2602' },
    ]);
    expect(await count('long')).toBe(2600);
  });

  it('fails the harvest of a file that breaks off, naming the file, and keeps what was indexed', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('仪器');
    sheet.addRow(SHEET_HEADER);
    for (let n = 1; n <= 1500; n++) sheet.addRow([`T-${n}`, '离心机', 'Centrifuge', 'Avanti J-26', 'Beckman', '分析仪器', '40', '2016-02-01', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '300']);
    const file = path.join(hub.dataDir, 'cut.xlsx');
    await workbook.xlsx.writeFile(file);
    const added = await hub.gql<{ addSource: { harvest: Run } }>(ADD_SOURCE, addSourceInput('cut', 'SPREADSHEET', { file }));
    expect(added.data!.addSource.harvest).toMatchObject({ status: 'SUCCEEDED', imported: 1500 });
    // a copy that stopped half-way: the zip's directory and the sheet's end are missing
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const again = (await hub.gql<{ harvestSource: Run }>(HARVEST, { id: 'cut', full: true })).data!.harvestSource;
    expect(again.status).toBe('FAILED');
    expect(again.error).toContain('cut.xlsx is not a whole XLSX file: the end of its zip is missing');
    expect(await count('cut')).toBe(1500);
  });

  it('refuses a second source with an id already registered', async () => {
    const file = writeSheet(hub.dataDir, 'other.csv', [['O-1', '离子色谱仪', '', 'ICS-6000', 'Thermo Fisher', '分析仪器', '50', '2020-01-01', '某检测机构', '检验检测机构', '南山区', '对外开放', '闲置', '100']]);
    const result = await hub.gql(ADD_SOURCE, addSourceInput('mixed', 'SPREADSHEET', { file }));
    expect(result.errors?.[0].message).toMatch(/source mixed is already registered/);
    expect(await count('mixed')).toBe(2);
  });

  it('leaves out a source whose subgraph breaks composition, naming it, and keeps serving the rest', async () => {
    const before = await count('mixed');
    const file = writeSheet(hub.dataDir, 'breaking.csv', [['B-1', '拉曼光谱仪', '', 'LabRAM HR Evolution', 'Horiba', '分析仪器', '120', '2020-01-01', '某大学', '高等院校', '南山区', '对外开放', '闲置', '100']]);
    // its owner redefines a shared hub type in an incompatible way
    breaking = await serveConnector({
      credential: REMOTE_CREDENTIAL,
      sourceId: 'breaking',
      adapter: createSpreadsheetAdapter('breaking', { file }),
      extraTypeDefs: 'type Institution @key(fields: "id") { id: ID! name: Int }',
    });
    const result = await hub.gql<{ addSource: { source: { inSupergraph: boolean; compositionError: string | null } } }>(ADD_SOURCE, addSourceInput('breaking', 'REMOTE', { url: breaking.url }));
    expect(result.errors).toBeUndefined();
    expect(result.data!.addSource.source.inSupergraph).toBe(false);
    expect(result.data!.addSource.source.compositionError).toMatch(/source breaking/);
    expect(result.data!.addSource.source.compositionError).toMatch(/Institution\.name/);
    const listed = await hub.gql<{ instruments: { totalCount: number } }>(`{ instruments { totalCount } }`);
    expect(listed.errors).toBeUndefined();
    expect(await count('breaking')).toBe(0);
    expect(await count('mixed')).toBe(before);
    const supergraph = await hub.gql<{ supergraph: { lastError: string | null; sourceIds: string[] } }>('{ supergraph { lastError sourceIds } }');
    expect(supergraph.data!.supergraph.lastError).toMatch(/source breaking/);
    expect(supergraph.data!.supergraph.sourceIds).not.toContain('breaking');
  });

  it('answers registry calls without the admin token with an authentication error', async () => {
    const anonymous = await hub.gql('{ sources { id } }', {}, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await hub.gql('{ sources { id } }', {}, 'not-the-token');
    expect(forged.errors?.[0].message).toMatch(/bearer token is not valid/);
  });
});
