/**
 * The university's own asset database (in PGlite, as a real owner's Postgres would be): Chinese
 * table and column names, its own status words (使用中, 待修), and a reservations table the
 * connector reads live state and free slots from and writes confirmed hub bookings into.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { DemoInstrumentRow } from './inventory-generator.ts';
import { seededRandom } from './inventory-generator.ts';

const OWNER_STATUS: Record<string, string> = { 在用: '使用中', 维修: '待修' };

/** Monday 00:00 Asia/Shanghai of the current week, so demo reservations fall around "now". */
export function currentWeekStart(now = new Date()): Date {
  const local = new Date(now.getTime() + 8 * 3600_000);
  const daysSinceMonday = (local.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - daysSinceMonday) - 8 * 3600_000);
}

/** rows per insert statement: a million-row inventory is written as it is generated, never held whole */
const INSERT_BATCH = 500;

export async function createUniversityAssetDb(dataDir: string, rows: Iterable<DemoInstrumentRow>): Promise<void> {
  const db = await PGlite.create(dataDir);
  await db.exec(`
    create table 仪器设备 (
      资产编号 text primary key, 仪器名称 text not null, 英文名称 text, 规格型号 text, 生产厂家 text, 国别 text,
      分类名称 text not null, 原值万元 numeric(12,2), 购置日期 date, 所属单位 text, 存放地点 text, 所在区 text,
      共享状态 text, 使用状态 text, 对外收费 numeric(10,2), 校内收费 numeric(10,2), 负责人 text, 联系电话 text,
      邮箱 text, 技术指标 text, 主要功能 text, 更新时间 timestamptz not null default now());
    create table 预约记录 (
      预约编号 text primary key, 资产编号 text not null references 仪器设备(资产编号), 开始时间 timestamptz not null,
      结束时间 timestamptz not null, 预约人 text, 用途 text, 状态 text not null);`);
  // a fortnight of the owner's own reservations, from this week's Monday
  const random = seededRandom(7);
  const monday = currentWeekStart().getTime();
  let n = 0;
  const reservationsOf = (r: DemoInstrumentRow): unknown[][] => {
    if (random() > 0.35) return [];
    const reservations: unknown[][] = [];
    for (let day = 0; day < 14; day++) {
      if (day % 7 >= 5 || random() > 0.4) continue;
      const startHour = 9 + Math.floor(random() * 6);
      const from = new Date(monday + day * 86400_000 + startHour * 3600_000);
      const to = new Date(from.getTime() + (1 + Math.floor(random() * 3)) * 3600_000);
      reservations.push([`YY-${++n}`, r.local_id, from, to, '校内课题组', '测试', '已确认']);
    }
    return reservations;
  };
  const insert = async (tx: Transaction, table: string, values: unknown[][]) => {
    if (values.length === 0) return;
    const width = values[0].length;
    const tuples = values.map((_, i) => `(${Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`).join(',')})`);
    await tx.query(`insert into ${table} values ${tuples.join(',')}`, values.flat());
  };
  await db.transaction(async (tx) => {
    let batch: DemoInstrumentRow[] = [];
    const flush = async () => {
      await insert(tx, '仪器设备', batch.map((r) => [
        r.local_id, r.name, r.name_en, r.model, r.manufacturer, r.country, r.category, r.original_value_wan, r.purchase_date,
        r.institution, r.address, r.district, r.sharing, OWNER_STATUS[String(r.status)] ?? r.status, r.external_rate,
        r.internal_rate, r.contact_name, r.contact_phone, r.contact_email, r.specs, r.functions,
      ]));
      await insert(tx, '预约记录', batch.flatMap(reservationsOf));
      batch = [];
    };
    for (const r of rows) {
      batch.push(r);
      if (batch.length === INSERT_BATCH) await flush();
    }
    await flush();
  });
  await db.close();
}

export function universityAssetDbConfig(dataDir: string): Record<string, unknown> {
  return {
    connection: { client: 'pglite', dataDir },
    table: '仪器设备',
    fields: {
      local_id: '资产编号', name: '仪器名称', name_en: '英文名称', model: '规格型号', manufacturer: '生产厂家', country: '国别',
      category: '分类名称', original_value_wan: '原值万元', purchase_date: '购置日期', institution: '所属单位', address: '存放地点',
      district: '所在区', sharing: '共享状态', status: '使用状态', external_rate: '对外收费', internal_rate: '校内收费',
      contact_name: '负责人', contact_phone: '联系电话', contact_email: '邮箱', specs: '技术指标', functions: '主要功能', updated_at: '更新时间',
    },
    values: { status: { 使用中: 'IN_USE', 待修: 'MAINTENANCE' } },
    defaults: { institution: '深圳大学', institutionType: 'UNIVERSITY', district: '南山区' },
    calendar: {
      table: '预约记录', instrumentColumn: '资产编号', fromColumn: '开始时间', toColumn: '结束时间', refColumn: '预约编号',
      holderColumn: '预约人', purposeColumn: '用途', statusColumn: '状态', activeValues: ['已确认', '使用中'],
    },
  };
}
