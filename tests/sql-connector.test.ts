/**
 * The `sql` connector kind against a real owner's database with Chinese table and column
 * names: PGlite in a temporary directory always, and server PostgreSQL (in a schema of its
 * own, dropped afterwards) when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { parseSqlConfig, type SqlSourceConfig } from '../connectors/sql/config.ts';
import { openSqlAdapter } from '../connectors/sql/sql-connector.ts';
import { ConnectorError, type ConnectorAdapter, type SourceRecord } from '../connectors/sdk/contract.ts';
import { normalizeRecord } from '../connectors/sdk/canonical.ts';
import { checkConformance } from '../connectors/sdk/conformance.ts';
import { listAll, rejection } from './support/adapter-listing.ts';

const HOUR = 3600_000;
const UPDATED_BASE = Date.parse('2024-01-01T00:00:00Z');
const INSTRUMENTS = 25;
const now = Date.now();
/** tomorrow 00:00 UTC + h hours */
const tomorrow = (h: number) => {
  const day = new Date(now + 24 * HOUR);
  day.setUTCHours(0, 0, 0, 0);
  return new Date(day.getTime() + h * HOUR);
};
const localId = (i: number) => `SZU-${String(i).padStart(3, '0')}`;

const SCHEMA_SQL = `
  create table 仪器设备 (序号 serial primary key, 仪器编号 text unique, 仪器名称 text not null, 型号 text, 厂家 text, 分类 text,
    原值万元 numeric(12,2), 购置日期 date, 使用状态 text, 共享状态 text, 存放地点 text, 更新时间 timestamptz not null);
  create table 预约记录 (预约编号 text primary key, 仪器编号 text not null, 开始时间 timestamptz not null, 结束时间 timestamptz not null,
    预约人 text, 用途 text, 状态 text not null);
  create table 使用登记 (登记号 serial primary key, 设备 text not null, 起 timestamptz not null, 止 timestamptz not null);`;

interface SeedRow { id: string | null; name: string; model: string; maker: string; category: string; valueWan: string; bought: string; status: string; sharing: string; place: string; updated: Date }

function seedRows(): SeedRow[] {
  const rows: SeedRow[] = [
    { id: localId(1), name: '透射电子显微镜', model: 'JEM-2100F', maker: 'JEOL', category: '分析仪器', valueWan: '680.00', bought: '2019-06-18', status: '使用中', sharing: '开放', place: '理工楼 B201', updated: new Date(UPDATED_BASE + HOUR) },
    { id: localId(2), name: '核磁共振波谱仪', model: 'AVANCE III HD 400', maker: 'Bruker', category: '分析仪器', valueWan: '420.50', bought: '2018-03-02', status: '闲置', sharing: '校内共享', place: '化学楼 101', updated: new Date(UPDATED_BASE + 2 * HOUR) },
    { id: localId(3), name: '矢量网络分析仪', model: 'N5227B', maker: 'Keysight', category: '电子测量仪器', valueWan: '260.00', bought: '2020-11-30', status: '停机检修', sharing: '开放', place: '信息楼 310', updated: new Date(UPDATED_BASE + 3 * HOUR) },
  ];
  for (let i = 4; i <= INSTRUMENTS; i++) {
    rows.push({ id: localId(i), name: `激光共聚焦显微镜 ${i}`, model: `LSM ${900 + i}`, maker: 'Zeiss', category: '分析仪器', valueWan: `${100 + i}.00`, bought: '2021-01-15', status: i % 2 === 0 ? '闲置' : '在用', sharing: '开放', place: `生命楼 ${i}`, updated: new Date(UPDATED_BASE + i * HOUR) });
  }
  // an owner's row with no instrument number: reported, never silently dropped
  rows.push({ id: null, name: '无编号设备', model: 'X', maker: 'Y', category: '分析仪器', valueWan: '1.00', bought: '2021-01-15', status: '闲置', sharing: '开放', place: '', updated: new Date(UPDATED_BASE) });
  return rows;
}

function seedReservations(): Array<[string, string, Date, Date, string]> {
  return [
    ['r-now-2', localId(2), new Date(now - HOUR), new Date(now + HOUR), '已确认'],
    ['r-now-3', localId(3), new Date(now - HOUR), new Date(now + HOUR), '已确认'],
    ['r-cancelled-4', localId(4), new Date(now - HOUR), new Date(now + HOUR), '已取消'],
    ['r-tomorrow-5', localId(5), tomorrow(10), tomorrow(12), '已确认'],
    ['r-cancelled-5', localId(5), tomorrow(13), tomorrow(14), '已取消'],
    ['r-far-5', localId(5), new Date(now + 10 * 24 * HOUR), new Date(now + 10 * 24 * HOUR + HOUR), '已确认'],
  ];
}

/** The owner's database, reachable directly for seeding and inspection while no adapter holds it open. */
interface OwnerDatabase {
  connection: Record<string, unknown>;
  schema?: string;
  /** what relative paths in the config resolve against */
  baseDir: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

async function seed(db: OwnerDatabase): Promise<void> {
  for (const statement of SCHEMA_SQL.split(';').filter((s) => s.trim())) await db.query(statement);
  for (const r of seedRows()) {
    await db.query('insert into 仪器设备 (仪器编号, 仪器名称, 型号, 厂家, 分类, 原值万元, 购置日期, 使用状态, 共享状态, 存放地点, 更新时间) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)',
      [r.id, r.name, r.model, r.maker, r.category, r.valueWan, r.bought, r.status, r.sharing, r.place || null, r.updated.toISOString()]);
  }
  for (const [ref, id, from, to, status] of seedReservations()) {
    await db.query('insert into 预约记录 (预约编号, 仪器编号, 开始时间, 结束时间, 预约人, 用途, 状态) values ($1,$2,$3,$4,$5,$6,$7)', [ref, id, from.toISOString(), to.toISOString(), '张老师', '表征', status]);
  }
}

async function pgliteOwnerDatabase(): Promise<OwnerDatabase> {
  const temp = mkdtempSync(path.join(tmpdir(), 'irhub-sql-'));
  const dataDir = path.join(temp, 'assets');
  return {
    connection: { client: 'pglite', dataDir: 'assets' },
    baseDir: temp,
    async query<T>(sql: string, params: unknown[] = []) {
      const db = await PGlite.create(dataDir);
      try {
        return (await db.query<T>(sql, params)).rows;
      } finally {
        await db.close();
      }
    },
    async drop() {
      rmSync(temp, { recursive: true, force: true });
    },
  };
}

async function serverOwnerDatabase(databaseUrl: string): Promise<OwnerDatabase> {
  const schema = `irhub_sql_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.query(`set search_path to ${schema}`);
  return {
    connection: { client: 'pg', connectionString: databaseUrl },
    schema,
    baseDir: process.cwd(),
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async drop() {
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

function configJson(owner: OwnerDatabase, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    connection: owner.connection,
    ...(owner.schema ? { schema: owner.schema } : {}),
    table: '仪器设备',
    fields: {
      local_id: '仪器编号', name: '仪器名称', model: '型号', manufacturer: '厂家', category: '分类', original_value_wan: '原值万元',
      purchase_date: '购置日期', status: '使用状态', sharing: '共享状态', updated_at: '更新时间',
    },
    values: { status: { 使用中: 'IN_USE', 停机检修: 'MAINTENANCE' }, sharing: { 开放: 'OPEN' } },
    defaults: { institution: '深圳大学', institutionType: '高等院校', district: '南山' },
    calendar: {
      table: '预约记录', instrumentColumn: '仪器编号', fromColumn: '开始时间', toColumn: '结束时间', refColumn: '预约编号',
      holderColumn: '预约人', purposeColumn: '用途', statusColumn: '状态', activeValues: ['已确认', '使用中'],
    },
    ...overrides,
  };
}

function sqlConnectorSuite(openOwner: () => Promise<OwnerDatabase>) {
  let owner: OwnerDatabase;
  const config = (overrides: Record<string, unknown> = {}): SqlSourceConfig => parseSqlConfig('szu', configJson(owner, overrides), owner.baseDir);
  /** PGlite is one connection in one process: each test opens its adapter and closes it again */
  async function withAdapter<T>(use: (adapter: ConnectorAdapter) => Promise<T>, overrides: Record<string, unknown> = {}): Promise<T> {
    const adapter = await openSqlAdapter('szu', config(overrides));
    try {
      return await use(adapter);
    } finally {
      await adapter.close?.();
    }
  }

  beforeAll(async () => {
    owner = await openOwner();
    await seed(owner);
  });
  afterAll(async () => {
    await owner?.drop();
  });

  it('maps Chinese columns to canonical values, through the value maps, keeping unmapped columns as extra specs', async () => {
    const { records } = await withAdapter((adapter) => listAll(adapter, 100));
    const first = records.find((r) => r.values.local_id === localId(1))!;
    expect(first.ref).toBe(`仪器设备 ${localId(1)}`);
    expect(first.values).toMatchObject({ name: '透射电子显微镜', model: 'JEM-2100F', status: 'IN_USE', sharing: 'OPEN', purchase_date: '2019-06-18' });
    expect(first.extra).toMatchObject({ 存放地点: '理工楼 B201' });
    expect(Object.keys(first.extra!)).not.toContain('型号');

    const result = normalizeRecord(first, config().defaults);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.instrument).toMatchObject({
      localId: localId(1), declaredStatus: 'IN_USE', sharing: 'OPEN', instrumentClass: 'ANALYTICAL', originalValue: '6800000.00',
      purchaseDate: '2019-06-18', institution: { name: '深圳大学', type: 'UNIVERSITY', district: '南山区' }, updatedAt: new Date(UPDATED_BASE + HOUR).toISOString(),
    });
    const normalized = (i: number) => {
      const n = normalizeRecord(records.find((r) => r.values.local_id === localId(i))!, config().defaults);
      return n.ok ? n.instrument : null;
    };
    expect(normalized(2)).toMatchObject({ declaredStatus: 'IDLE', originalValue: '4205000.00', sharing: 'INTERNAL' });
    expect(normalized(3)).toMatchObject({ declaredStatus: 'MAINTENANCE', instrumentClass: 'ELECTRONIC_MEASUREMENT' });
    expect(normalized(5)).toMatchObject({ declaredStatus: 'IN_USE' });
  });

  it('pages through the table by local id, every row exactly once, and reports the row without an id', async () => {
    const { records, pageSizes, unreadable, firstTotal } = await withAdapter((adapter) => listAll(adapter, 7));
    const ids = records.map((r) => String(r.values.local_id));
    expect(ids).toHaveLength(INSTRUMENTS);
    expect(new Set(ids).size).toBe(INSTRUMENTS);
    expect(pageSizes).toEqual([6, 7, 7, 5]); // the first page makes room for the report of the row without an id
    expect(firstTotal).toBe(INSTRUMENTS);
    expect(unreadable).toEqual(['1 rows of 仪器设备|local_id|no value in column 仪器编号']);
  });

  it('lists only rows updated after `since` when updated_at is mapped', async () => {
    await withAdapter(async (adapter) => {
      expect(adapter.incremental).toBe(true);
      const since = new Date(UPDATED_BASE + 20 * HOUR);
      const { records } = await listAll(adapter, 2, since);
      expect(records.map((r) => r.values.local_id).sort()).toEqual([21, 22, 23, 24, 25].map(localId));
      const future = await adapter.listInstruments({ limit: 10, since: new Date(now + 24 * HOUR) });
      expect(future.records).toEqual([]);
    });
    const fields = { local_id: '仪器编号', name: '仪器名称', category: '分类' };
    await withAdapter(async (adapter) => {
      expect(adapter.incremental).toBe(false);
      const { records } = await listAll(adapter, 100, new Date(UPDATED_BASE + 20 * HOUR));
      expect(records).toHaveLength(INSTRUMENTS);
    }, { fields, values: {}, calendar: undefined });
  });

  it('refuses a mapping naming a column the table does not have, naming the source, the column and the table', async () => {
    const json = configJson(owner);
    const fields = { ...(json.fields as Record<string, string>), model: '型号x' };
    const error = await rejection(openSqlAdapter('szu', config({ fields })));
    expect(error.code).toBe('CONFIG');
    expect(error.message).toMatch(/^source szu: column "型号x" \(mapped to model\) does not exist in table 仪器设备/);
    expect(error.message).toMatch(/its columns: .*仪器编号.*型号/);

    const badCalendar = { ...(json.calendar as object), fromColumn: '开始' };
    const calendarError = await rejection(openSqlAdapter('szu', config({ calendar: badCalendar })));
    expect(calendarError.message).toMatch(/column "开始" \(calendar\.fromColumn\) does not exist in table 预约记录/);

    const tableError = await rejection(openSqlAdapter('szu', config({ table: '仪器设备表' })));
    expect(tableError.code).toBe('CONFIG');
    expect(tableError.message).toMatch(/source szu: table "仪器设备表" \(table\) does not exist .*its tables: .*仪器设备/);

    const textTime = await rejection(openSqlAdapter('szu', config({ fields: { ...(json.fields as Record<string, string>), updated_at: '型号' } })));
    expect(textTime.message).toMatch(/column "型号" \(mapped to updated_at\) in table 仪器设备 is text; it must be a timestamp/);
  });

  it('answers live status for many instruments in one call, from the status column and the reservation table', async () => {
    const ids = [...Array.from({ length: INSTRUMENTS }, (_, i) => localId(i + 1)), 'NOT-THERE'];
    const live = await withAdapter((adapter) => adapter.liveStatus(ids));
    expect(live.size).toBe(INSTRUMENTS);
    expect(live.has('NOT-THERE')).toBe(false);
    const state = (i: number) => live.get(localId(i))!.state;
    expect(state(1)).toBe('IN_USE'); // 使用中, through the value map
    expect(state(2)).toBe('IN_USE'); // declared 闲置, but a confirmed reservation covers now
    expect(state(3)).toBe('MAINTENANCE'); // under repair whatever the calendar says
    expect(state(4)).toBe('IDLE'); // its reservation now was cancelled
    expect(state(6)).toBe('IDLE');
    expect(state(7)).toBe('IN_USE'); // 在用
    // the calendar of the next seven days comes with the status: no call per instrument
    const busy5 = live.get(localId(5))!.busy!;
    expect(busy5.map((b) => [b.from.toISOString(), b.to.toISOString()])).toEqual([[tomorrow(10).toISOString(), tomorrow(12).toISOString()]]);
    expect(live.get(localId(6))!.busy).toEqual([]);
    for (const record of live.values()) expect(Math.abs(record.observedAt.getTime() - Date.now())).toBeLessThan(60_000);

    const withoutCalendar = await withAdapter((adapter) => adapter.liveStatus([localId(2), localId(3)]), { calendar: undefined });
    expect(withoutCalendar.get(localId(2))).toMatchObject({ state: 'IDLE', busy: undefined });
    expect(withoutCalendar.get(localId(3))!.state).toBe('MAINTENANCE');
  });

  it('returns the active reservations overlapping [from, to), touching ends excluded', async () => {
    await withAdapter(async (adapter) => {
      const window = async (from: Date, to: Date) => (await adapter.calendar(localId(5), from, to)).map((b) => b.from.toISOString());
      const reserved = [tomorrow(10).toISOString()];
      expect(await window(tomorrow(12), tomorrow(13))).toEqual([]);
      expect(await window(tomorrow(8), tomorrow(10))).toEqual([]);
      expect(await window(new Date(tomorrow(12).getTime() - 60_000), tomorrow(13))).toEqual(reserved);
      expect(await window(tomorrow(9), new Date(tomorrow(10).getTime() + 60_000))).toEqual(reserved);
      expect(await window(tomorrow(10.5), tomorrow(11))).toEqual(reserved);
      // the cancelled reservation 13:00–14:00 holds no slot
      expect(await window(tomorrow(12), tomorrow(15))).toEqual([]);
      expect(await adapter.calendar('NOT-THERE', tomorrow(0), tomorrow(24))).toEqual([]);
    });
  });

  it('writes a booking into the reservation table, refuses an overlapping one, and cancels it', async () => {
    const id = localId(6);
    const booking = { bookingId: 'hub-b1', localId: id, from: tomorrow(14), to: tomorrow(16), holder: '李同学', purpose: '样品测试' };
    await withAdapter(async (adapter) => {
      expect(await adapter.placeBooking!(booking)).toEqual({ externalRef: 'hub-b1' });
      // the hub retrying a write it did not hear back from gets the same reservation
      expect(await adapter.placeBooking!(booking)).toEqual({ externalRef: 'hub-b1' });
      expect((await adapter.calendar(id, tomorrow(0), tomorrow(24))).map((b) => [b.from.toISOString(), b.to.toISOString()]))
        .toEqual([[tomorrow(14).toISOString(), tomorrow(16).toISOString()]]);

      const conflict = await rejection(adapter.placeBooking!({ ...booking, bookingId: 'hub-b2', from: tomorrow(15), to: tomorrow(17) }));
      expect(conflict.code).toBe('SOURCE');
      expect(conflict.message).toMatch(/^source szu: slot taken in owner's system/);
      expect(await adapter.placeBooking!({ ...booking, bookingId: 'hub-b3', from: tomorrow(16), to: tomorrow(17) })).toEqual({ externalRef: 'hub-b3' });

      const unknown = await rejection(adapter.placeBooking!({ ...booking, bookingId: 'hub-b4', localId: 'NOT-THERE' }));
      expect(unknown.message).toMatch(/instrument NOT-THERE is not in table 仪器设备/);
    });
    const rows = await owner.query<{ 仪器编号: string; 预约人: string; 用途: string; 状态: string }>('select 仪器编号, 预约人, 用途, 状态 from 预约记录 where 预约编号 = $1', ['hub-b1']);
    expect(rows).toEqual([{ 仪器编号: id, 预约人: '李同学', 用途: '样品测试', 状态: '已确认' }]);

    await withAdapter(async (adapter) => {
      await adapter.cancelBooking!('hub-b1');
      expect((await adapter.calendar(id, tomorrow(0), tomorrow(24))).map((b) => b.from.toISOString())).toEqual([tomorrow(16).toISOString()]);
      const again = await rejection(adapter.cancelBooking!('hub-b1'));
      expect(again.message).toMatch(/no reservation "hub-b1" in 预约记录/);
      // the freed slot can be booked again
      expect(await adapter.placeBooking!({ ...booking, bookingId: 'hub-b5' })).toEqual({ externalRef: 'hub-b5' });
    });
  });

  it('reads back the reservation id when the owner\'s table assigns it, and takes no bookings without a ref column', async () => {
    const calendar = { table: '使用登记', instrumentColumn: '设备', fromColumn: '起', toColumn: '止', refColumn: '登记号' };
    await withAdapter(async (adapter) => {
      const placed = await adapter.placeBooking!({ bookingId: 'hub-c1', localId: localId(8), from: tomorrow(9), to: tomorrow(10), holder: '', purpose: '' });
      expect(placed.externalRef).toMatch(/^\d+$/);
      expect(await adapter.calendar(localId(8), tomorrow(0), tomorrow(24))).toHaveLength(1);
      await adapter.cancelBooking!(placed.externalRef);
      expect(await adapter.calendar(localId(8), tomorrow(0), tomorrow(24))).toEqual([]);
    }, { calendar });
    await withAdapter(async (adapter) => {
      expect(adapter.placeBooking).toBeUndefined();
      expect(adapter.cancelBooking).toBeUndefined();
    }, { calendar: { table: '使用登记', instrumentColumn: '设备', fromColumn: '起', toColumn: '止' } });
  });

  it('passes the connector conformance kit', async () => {
    const report = await withAdapter((adapter) => checkConformance(adapter, { sourceId: 'szu', defaults: config().defaults, pageSize: 10 }));
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report).toMatchObject({ ok: true, instruments: INSTRUMENTS, rejected: 1 });
  });
}

describe('sql connector on PGlite', () => {
  sqlConnectorSuite(pgliteOwnerDatabase);

  it('reports a data directory without a database as unreachable', async () => {
    const temp = mkdtempSync(path.join(tmpdir(), 'irhub-sql-empty-'));
    try {
      const json = { connection: { client: 'pglite', dataDir: 'nothing-here' }, table: 't', fields: { local_id: 'a', name: 'b', category: 'c', institution: 'd' } };
      const error = await rejection(openSqlAdapter('szu', parseSqlConfig('szu', json, temp)));
      expect(error.code).toBe('UNREACHABLE');
      expect(error.message).toContain(`source szu: database unreachable: no PGlite database in ${path.join(temp, 'nothing-here')}`);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe.runIf(process.env.DATABASE_URL)('sql connector on server PostgreSQL', () => {
  sqlConnectorSuite(() => serverOwnerDatabase(process.env.DATABASE_URL!));
});

describe('sql connector connection and config errors', () => {
  const fields = { local_id: '编号', name: '名称', category: '分类', institution: '单位' };

  it('reports a database server that does not answer as unreachable, without its password', async () => {
    const json = { connection: { client: 'pg', connectionString: 'postgres://owner:s3cret@127.0.0.1:1/assets' }, table: '仪器设备', fields };
    const error = await rejection(openSqlAdapter('szu', parseSqlConfig('szu', json, '/')));
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toMatch(/^source szu: database unreachable while connecting to database postgres:\/\/owner:\*\*\*@127\.0\.0\.1:1\/assets: .*ECONNREFUSED/);
    expect(error.message).not.toContain('s3cret');
  });

  it('names the source and the key of every config mistake', () => {
    const base = { connection: { client: 'pglite', dataDir: 'db' }, table: '仪器设备', fields };
    const parse = (json: unknown) => () => parseSqlConfig('szu', json, '/data');
    const expectConfig = (json: unknown, message: RegExp) => {
      let thrown: unknown;
      try {
        parse(json)();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConnectorError);
      expect((thrown as ConnectorError).code).toBe('CONFIG');
      expect((thrown as ConnectorError).message).toMatch(message);
    };
    expect(parse(base)()).toMatchObject({ connection: { client: 'pglite', dataDir: path.resolve('/data', 'db') }, schema: 'public' });
    expectConfig([], /^source szu: config must be a JSON object/);
    expectConfig({ ...base, tabel: 'x' }, /^source szu: unknown config key "tabel"/);
    expectConfig({ ...base, table: '' }, /^source szu: config key "table" must be a non-empty string/);
    expectConfig({ ...base, connection: { client: 'mysql' } }, /config key "connection\.client" must be one of "pg", "pglite"/);
    expectConfig({ ...base, connection: { client: 'pg', connectionString: 'mysql://x' } }, /config key "connection\.connectionString" must start with postgres:\/\//);
    expectConfig({ ...base, fields: { ...fields, modle: '型号' } }, /config key "fields.modle": "modle" is not a canonical field \(expected local_id, name, .*model/);
    expectConfig({ ...base, fields: { name: '名称', category: '分类', institution: '单位' } }, /no entry for required field "local_id"/);
    expectConfig({ ...base, fields: { ...fields, model: 42 } }, /config key "fields\.model" must be a non-empty string, found number 42/);
    expectConfig({ ...base, values: { status: { 在修: 'BROKEN' } } }, /config key "values\.status\.在修" maps to "BROKEN", which is not a declared status/);
    expectConfig({ ...base, defaults: { institutionType: '学校' } }, /config key "defaults\.institutionType" is "学校"/);
    expectConfig({ ...base, defaults: { district: '火星区' } }, /config key "defaults\.district" is "火星区", which is not a Shenzhen district/);
    expectConfig({ ...base, calendar: { table: 'r', instrumentColumn: 'i', fromColumn: 'f', toColumn: 't', statusColumn: 's' } }, /config key "calendar\.activeValues" is missing/);
    expectConfig({ ...base, calendar: { table: 'r', instrumentColumn: 'i', fromColumn: 'f', toColumn: 't', activeValues: [] } }, /config key "calendar\.activeValues" must be a non-empty array/);
    expectConfig({ ...base, calendar: { table: 'r', instrumentColumn: 'i', fromColumn: 'f' } }, /config key "calendar\.toColumn" is missing/);
  });
});
