/**
 * Real connector sources for tests: a CSV in the template layout, an owner's SQL asset
 * database in PGlite with Chinese column names, and a JSON catalogue on a local HTTP server.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export const SHEET_HEADER = ['仪器编号', '仪器名称', '英文名称', '规格型号', '生产厂商', '分类', '原值（万元）', '购置日期', '所属单位', '单位类型', '所在区', '共享方式', '运行状态', '对外收费（元/小时）'];

export function writeSheet(dir: string, name: string, rows: string[][]): string {
  const file = path.join(dir, name);
  const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  writeFileSync(file, `\uFEFF${[SHEET_HEADER, ...rows].map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`);
  return file;
}

export interface AssetRow {
  id: string; name: string; model: string; maker: string; category: string; valueWan: number; status: string; sharing: string;
}

/** An owner's asset database: Chinese table and column names, its own status words. */
export async function createAssetDatabase(dataDir: string, rows: AssetRow[]): Promise<Record<string, unknown>> {
  const db = await PGlite.create(dataDir);
  await db.exec(`create table 资产设备 (资产编号 text primary key, 设备名称 text not null, 型号 text, 厂家 text, 分类名称 text,
    原值万元 numeric(12,2), 使用状态 text, 共享状态 text, 更新时间 timestamptz not null default now());
    create table 预约记录 (预约编号 text primary key, 资产编号 text not null, 开始时间 timestamptz not null, 结束时间 timestamptz not null, 预约人 text, 用途 text, 状态 text not null);`);
  for (const r of rows) {
    await db.query('insert into 资产设备 (资产编号, 设备名称, 型号, 厂家, 分类名称, 原值万元, 使用状态, 共享状态) values ($1,$2,$3,$4,$5,$6,$7,$8)',
      [r.id, r.name, r.model, r.maker, r.category, r.valueWan, r.status, r.sharing]);
  }
  await db.close();
  return {
    connection: { client: 'pglite', dataDir },
    table: '资产设备',
    fields: { local_id: '资产编号', name: '设备名称', model: '型号', manufacturer: '厂家', category: '分类名称', original_value_wan: '原值万元', status: '使用状态', sharing: '共享状态', updated_at: '更新时间' },
    values: { status: { 使用中: 'IN_USE', 待修: 'MAINTENANCE' } },
    defaults: { institution: '深圳大学', institutionType: 'UNIVERSITY', district: '南山区' },
    calendar: { table: '预约记录', instrumentColumn: '资产编号', fromColumn: '开始时间', toColumn: '结束时间', refColumn: '预约编号', holderColumn: '预约人', purposeColumn: '用途', statusColumn: '状态', activeValues: ['已确认'] },
  };
}

export interface JsonCatalogue {
  url: string;
  /** what the next list request answers: the items, or a raw body to simulate a broken API */
  respond: { items: object[] } | { raw: string; status: number };
  close(): Promise<void>;
}

/** A rental company's JSON catalogue, one page per request of `page`. */
export async function startJsonCatalogue(items: object[]): Promise<JsonCatalogue> {
  const state: JsonCatalogue = { url: '', respond: { items }, close: async () => {} };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if ('raw' in state.respond) {
      response.writeHead(state.respond.status, { 'content-type': 'application/json' });
      response.end(state.respond.raw);
      return;
    }
    const page = Number(url.searchParams.get('page') ?? 1);
    const size = Number(url.searchParams.get('pageSize') ?? 50);
    const slice = state.respond.items.slice((page - 1) * size, page * size);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ data: { items: slice, total: state.respond.items.length } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}

export function jsonCatalogueConfig(url: string): Record<string, unknown> {
  return {
    baseUrl: url,
    list: { path: '/equipment', itemsPath: 'data.items', paging: { type: 'page', pageParam: 'page', sizeParam: 'pageSize', pageSize: 50, startPage: 1 } },
    fields: { local_id: 'id', name: 'name', model: 'model', manufacturer: 'brand', category: 'category', institution: 'owner', district: 'district', sharing: 'sharing', status: 'state' },
    values: { sharing: { open: 'OPEN' }, status: { available: 'IDLE', rented: 'IN_USE' } },
  };
}
