/**
 * Real inventories import as they are, through a real hub: no class column, owners' own
 * categories, national class codes and names at every level, the national platform's upload
 * template, and a CSV saved by Chinese Excel in GBK. No row is rejected for its class; the graph
 * serves classCode, classInferred and ownerCategory for instruments of every source kind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { csvCell } from '../connectors/spreadsheet/csv.ts';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { createAssetDatabase, jsonCatalogueConfig, startJsonCatalogue, type JsonCatalogue } from './support/source-fixtures.ts';

interface Run { status: string; imported: number; rejected: number; rejectedRows: Array<{ ref: string; field: string; reason: string }> }
interface Classified { id: string; name: string; instrumentClass: string; classCode: string | null; classInferred: boolean; ownerCategory: string | null }

const CLASSIFIED = `query ($ids: [String!]) { instruments(filter: { sourceIds: $ids }, first: 50, sort: ID) {
  edges { node { id name instrumentClass classCode classInferred ownerCategory } } } }`;

function csv(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return `${rows.map((r) => r.map((c) => csvCell(c)).join(',')).join('\r\n')}\r\n`;
}

/** The national upload template's headers, as the platform's sheet has them (connectors/spreadsheet/template). */
const NATIONAL_HEADERS = readFileSync(new URL('../connectors/spreadsheet/template/national-upload-headers.csv', import.meta.url), 'utf8')
  .trim().split(/\r?\n/).slice(1).map((line) => line.split(',').slice(2).join(','));

describe.each(DATABASE_TARGETS)('importing real inventories ($name)', (target) => {
  let hub: TestHub;
  let catalogue: JsonCatalogue | undefined;

  const add = async (id: string, kind: Parameters<typeof addSourceInput>[1], config: Record<string, unknown>): Promise<Run> => {
    const result = await hub.gql<{ addSource: { harvest: Run } }>(ADD_SOURCE, addSourceInput(id, kind, config));
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.addSource.harvest;
  };
  const classified = async (sourceId: string): Promise<Record<string, Omit<Classified, 'id' | 'name'>>> => {
    const result = await hub.gql<{ instruments: { edges: Array<{ node: Classified }> } }>(CLASSIFIED, { ids: [sourceId] });
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return Object.fromEntries(result.data.instruments.edges.map(({ node: { id, name: _name, ...rest } }) => [id.slice(sourceId.length + 1), rest]));
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
  });
  afterAll(async () => {
    await hub?.close();
    await catalogue?.close();
  });

  it('accepts a file without a class column, inferring each class from what the instrument is', async () => {
    const file = path.join(hub.dataDir, 'no-class.csv');
    writeFileSync(file, csv([
      ['local_id', 'name', 'model', 'institution'],
      ['E-1', 'Field Emission SEM', 'Sigma 300', 'Example University, Physics'],
      ['E-2', 'Gas Chromatograph', '7890B', 'Example University, Chemistry'],
      ['E-3', 'Coffee grinder', '', 'Example University, Estates'],
    ]));
    const run = await add('noclass', 'SPREADSHEET', { file });
    expect(run).toMatchObject({ status: 'SUCCEEDED', imported: 3, rejected: 0 });
    expect(await classified('noclass')).toEqual({
      'E-1': { instrumentClass: 'ANALYTICAL', classCode: '010102', classInferred: true, ownerCategory: null },
      'E-2': { instrumentClass: 'ANALYTICAL', classCode: expect.stringMatching(/^0105/), classInferred: true, ownerCategory: null },
      'E-3': { instrumentClass: 'OTHER', classCode: '990000', classInferred: true, ownerCategory: null },
    });
  });

  it('accepts owners\' own categories, keeping them as written and inferring the class', async () => {
    const file = path.join(hub.dataDir, 'own-categories.csv');
    writeFileSync(file, csv([
      ['仪器编号', '仪器名称', '英文名称', '所属单位', '类别（原始）'],
      ['C-1', '场发射扫描电镜', '', '某研究院', '电镜平台'],
      ['C-2', '仪器 2', 'Nuclear Magnetic Resonance Spectrometer', '某研究院', 'Spectroscopy / NMR'],
      ['C-3', '离心机', '', '某研究院', ''],
      ['C-4', 'Lab bench', '', '某研究院', 'Furniture & fittings'],
    ]));
    const run = await add('owncat', 'SPREADSHEET', { file });
    expect(run).toMatchObject({ status: 'SUCCEEDED', imported: 4, rejected: 0 });
    expect(await classified('owncat')).toEqual({
      'C-1': { instrumentClass: 'ANALYTICAL', classCode: '010102', classInferred: true, ownerCategory: '电镜平台' },
      'C-2': { instrumentClass: 'ANALYTICAL', classCode: '010601', classInferred: true, ownerCategory: 'Spectroscopy / NMR' },
      // no type of the thesaurus, but a national third-level name: 011023 离心机
      'C-3': { instrumentClass: 'ANALYTICAL', classCode: '011023', classInferred: true, ownerCategory: null },
      'C-4': { instrumentClass: 'OTHER', classCode: '990000', classInferred: true, ownerCategory: 'Furniture & fittings' },
    });
  });

  it('places national codes and names of every level in their top class, keeping the most specific code', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('仪器');
    sheet.addRow(['仪器编号', '仪器名称', '所属单位', '仪器分类编码', '分类']);
    sheet.addRow(['N-1', '某分析仪器', '某大学', '010000', '']);
    sheet.addRow(['N-2', '某电子光学仪器', '某大学', '010100', '']);
    sheet.addRow(['N-3', '某电镜', '某大学', '010102', '']);
    // a code typed as a number loses its leading zero
    sheet.addRow(['N-4', '某天文仪器', '某大学', 80100, '']);
    sheet.addRow(['N-5', '某仪器', '某大学', '', '分析仪器']);
    sheet.addRow(['N-6', '某仪器', '某大学', '', '电子光学仪器']);
    sheet.addRow(['N-7', '某仪器', '某大学', '', '扫描电镜']);
    sheet.addRow(['N-8', '某仪器', '某大学', '140000', '超快激光平台']);
    sheet.addRow(['N-9', '某仪器', '某大学', '999999', '']);
    const file = path.join(hub.dataDir, 'national.xlsx');
    await workbook.xlsx.writeFile(file);
    const run = await add('national', 'SPREADSHEET', { file });
    expect(run).toMatchObject({ status: 'SUCCEEDED', imported: 9, rejected: 0 });
    expect(await classified('national')).toEqual({
      'N-1': { instrumentClass: 'ANALYTICAL', classCode: '010000', classInferred: false, ownerCategory: null },
      'N-2': { instrumentClass: 'ANALYTICAL', classCode: '010100', classInferred: false, ownerCategory: null },
      'N-3': { instrumentClass: 'ANALYTICAL', classCode: '010102', classInferred: false, ownerCategory: null },
      'N-4': { instrumentClass: 'ASTRONOMICAL', classCode: '080100', classInferred: false, ownerCategory: null },
      'N-5': { instrumentClass: 'ANALYTICAL', classCode: '010000', classInferred: false, ownerCategory: '分析仪器' },
      'N-6': { instrumentClass: 'ANALYTICAL', classCode: '010100', classInferred: false, ownerCategory: '电子光学仪器' },
      'N-7': { instrumentClass: 'ANALYTICAL', classCode: '010102', classInferred: false, ownerCategory: '扫描电镜' },
      'N-8': { instrumentClass: 'LASER', classCode: '140000', classInferred: false, ownerCategory: '超快激光平台' },
      // a code the national list does not have is the owner's own category
      'N-9': { instrumentClass: 'OTHER', classCode: '990000', classInferred: true, ownerCategory: '999999' },
    });
  });

  it('imports the national upload template as it is, as CSV and as XLSX', async () => {
    expect(NATIONAL_HEADERS).toHaveLength(40);
    const value: Record<string, string> = {
      仪器编号: 'NRII-001', 仪器设备名称: '场发射扫描电子显微镜', 英文名称: 'Field Emission Scanning Electron Microscope',
      仪器分类编码: '010102', 原值: '286.50', 产地国别: '日本', 生产制造商: 'Hitachi', 建账日期: '2019-06-18', 规格型号: 'SU8010',
      主要技术指标: '分辨率1.0 nm', 主要功能: '形貌观察', 年运行机时: '1200', 联系人: '李老师', 电话: '0755-26530000', 电子邮箱: 'sem@example.edu.cn',
    };
    const row = NATIONAL_HEADERS.map((header) => Object.entries(value).find(([start]) => header.startsWith(start))?.[1] ?? '');
    const csvFile = path.join(hub.dataDir, 'nrii.csv');
    writeFileSync(csvFile, `\uFEFF${csv([NATIONAL_HEADERS, row])}`);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('大型科研仪器');
    sheet.addRow(NATIONAL_HEADERS);
    sheet.addRow(row);
    const xlsxFile = path.join(hub.dataDir, 'nrii.xlsx');
    await workbook.xlsx.writeFile(xlsxFile);

    for (const [id, file] of [['nriicsv', csvFile], ['nriixlsx', xlsxFile]]) {
      expect(await add(id, 'SPREADSHEET', { file, defaults: { institution: '某大学' } })).toMatchObject({ status: 'SUCCEEDED', imported: 1, rejected: 0 });
      const result = await hub.gql<{ instrument: Record<string, unknown> }>(`query ($id: ID!) { instrument(id: $id) {
        name nameEn model manufacturer country originalValue purchaseDate specs functions contact { name phone email }
        instrumentClass classCode classInferred institution { name } extra { key value } } }`, { id: `${id}:NRII-001` });
      expect(result.data!.instrument).toEqual({
        name: '场发射扫描电子显微镜', nameEn: 'Field Emission Scanning Electron Microscope', model: 'SU8010', manufacturer: 'Hitachi',
        country: '日本', originalValue: '2865000.00', purchaseDate: '2019-06-18', specs: '分辨率1.0 nm', functions: '形貌观察',
        contact: { name: '李老师', phone: '0755-26530000', email: 'sem@example.edu.cn' },
        instrumentClass: 'ANALYTICAL', classCode: '010102', classInferred: false, institution: { name: '某大学' },
        extra: [{ key: '年运行机时（小时）', value: '1200' }],
      });
    }
  });

  it('reads a CSV saved by Chinese Excel in GBK like one in UTF-8', async () => {
    const rows = [
      ['仪器编号', '仪器名称', '规格型号', '生产厂商', '仪器分类编码', '原值（万元）', '所属单位', '类别'],
      ['G-1', '透射电子显微镜', 'JEM-2100F', '日本电子', '010101', '680', '深圳某研究院（南山）', '电镜'],
      ['G-2', '高效液相色谱仪', 'LC-20A', '岛津', '', '35.5', '深圳某研究院（南山）', '色谱类'],
    ];
    const file = path.join(hub.dataDir, 'gbk.csv');
    writeFileSync(file, iconv.encode(csv(rows), 'gbk'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file))).toThrow();
    expect(await add('gbk', 'SPREADSHEET', { file })).toMatchObject({ status: 'SUCCEEDED', imported: 2, rejected: 0 });
    const result = await hub.gql<{ instruments: { edges: Array<{ node: Record<string, unknown> }> } }>(`{ instruments(filter: { sourceIds: ["gbk"] }, sort: ID) {
      edges { node { id name model manufacturer originalValue institution { name } classCode classInferred ownerCategory } } } }`);
    expect(result.data!.instruments.edges.map((e) => e.node)).toEqual([
      { id: 'gbk:G-1', name: '透射电子显微镜', model: 'JEM-2100F', manufacturer: '日本电子', originalValue: '6800000.00', institution: { name: '深圳某研究院（南山）' }, classCode: '010101', classInferred: false, ownerCategory: '电镜' },
      { id: 'gbk:G-2', name: '高效液相色谱仪', model: 'LC-20A', manufacturer: '岛津', originalValue: '355000.00', institution: { name: '深圳某研究院（南山）' }, classCode: '010502', classInferred: true, ownerCategory: '色谱类' },
    ]);
  });

  it('serves the class fields for SQL and REST sources too', async () => {
    const sql = await createAssetDatabase(path.join(hub.dataDir, 'assets'), [
      { id: 'A-1', name: '透射电子显微镜', model: 'JEM-2100F', maker: 'JEOL', category: '电镜类', valueWan: 680, status: '闲置', sharing: '对外开放' },
      { id: 'A-2', name: '矢量网络分析仪', model: 'N5227B', maker: 'Keysight', category: '040000', valueWan: 260, status: '在用', sharing: '对外开放' },
    ]);
    expect(await add('assets', 'SQL', { ...sql, defaults: { institution: '某大学' } })).toMatchObject({ status: 'SUCCEEDED', imported: 2, rejected: 0 });
    expect(await classified('assets')).toEqual({
      'A-1': { instrumentClass: 'ANALYTICAL', classCode: '010101', classInferred: true, ownerCategory: '电镜类' },
      'A-2': { instrumentClass: 'ELECTRONIC_MEASUREMENT', classCode: '040000', classInferred: false, ownerCategory: '040000' },
    });

    catalogue = await startJsonCatalogue([
      { id: 'R-1', name: 'Confocal Microscope', model: 'LSM 880', brand: 'Zeiss', category: 'Imaging', owner: '某租赁公司', district: '宝安区', sharing: 'open', state: 'available' },
      { id: 'R-2', name: 'Ultracentrifuge', model: 'Optima XPN', brand: 'Beckman', owner: '某租赁公司', district: '宝安区', sharing: 'open', state: 'available' },
    ]);
    expect(await add('rental', 'REST', jsonCatalogueConfig(catalogue.url))).toMatchObject({ status: 'SUCCEEDED', imported: 2, rejected: 0 });
    expect(await classified('rental')).toEqual({
      'R-1': { instrumentClass: 'ANALYTICAL', classCode: '010802', classInferred: true, ownerCategory: 'Imaging' },
      'R-2': { instrumentClass: 'OTHER', classCode: '990000', classInferred: true, ownerCategory: null },
    });
  });
});
