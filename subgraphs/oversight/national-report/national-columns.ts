/**
 * The two sheets' columns, in the national platform's order and with its headers, read from
 * the reference lists kept beside this file (shared/reference, converted from the reporting
 * module of unpc/srms): each key has the function that fills its cell. A key without one
 * stops the hub at start-up, so the lists and the code cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import type { EquipmentRow } from './equipment-rows.ts';
import type { ServiceRecord } from './service-records.ts';
import { ownerColumn } from './owner-columns.ts';
import { mismatchText } from '../declared-hours.ts';

export type Cell = string | number | null;

export interface NationalColumn {
  key: string;
  header: string;
  /** written as a number in the sheet */
  numeric: boolean;
}

/** after the national columns: where the owner's declared hours differ from the recorded ones */
export const HOURS_CHECK_HEADER = '机时核对（申报与记录不符）';

function readColumns(file: string): Array<{ key: string; header: string }> {
  const lines = readFileSync(new URL(file, import.meta.url), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0] !== 'key,header') throw new Error(`${file}: expected the header "key,header", got "${lines[0]}"`);
  return lines.slice(1).map((line, i) => {
    const comma = line.indexOf(',');
    if (comma < 1) throw new Error(`${file} line ${i + 2}: expected key,header`);
    return { key: line.slice(0, comma), header: line.slice(comma + 1) };
  });
}

function columns<R>(file: string, cells: Record<string, (row: R) => Cell>, numeric: ReadonlySet<string>): { columns: NationalColumn[]; cells: Array<(row: R) => Cell> } {
  const listed = readColumns(file);
  const missing = listed.filter((c) => !Object.hasOwn(cells, c.key)).map((c) => c.key);
  if (missing.length > 0) throw new Error(`${file}: no cell for ${missing.join(', ')}`);
  return { columns: listed.map((c) => ({ ...c, numeric: numeric.has(c.key) })), cells: listed.map((c) => cells[c.key]) };
}

const LOCAL_OFFSET_MS = 8 * 3_600_000;
/** Asia/Shanghai wall time, as the national sheets write it */
const localTime = (d: Date) => new Date(d.getTime() + LOCAL_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
const text = (value: string | null) => value ?? '';
const owner = (header: string) => (r: EquipmentRow) => ownerColumn(r.extra, header);

const EQUIPMENT = columns<EquipmentRow>('./nrii-equipment-report-columns.csv', {
  eq_name: (r) => r.name,
  ename: (r) => text(r.nameEn),
  inside_depart: owner('所属单位内部门'),
  affiliate: owner('所属资源载体'),
  class: (r) => r.classCode,
  location: (r) => text(r.address),
  worth: (r) => (r.originalValueWan === null ? null : Number(r.originalValueWan)),
  eq_source: owner('仪器设备来源'),
  type_status: owner('仪器设备类别'),
  realm: owner('主要学科领域'),
  nation: (r) => text(r.country),
  model_no: (r) => text(r.model),
  manufacturer: (r) => text(r.manufacturer),
  beginDate: (r) => text(r.purchaseDate),
  technical: (r) => text(r.specs),
  function: (r) => text(r.functions),
  requirement: owner('用户须知'),
  fee: (r) => (r.externalRate === null ? ownerColumn(r.extra, '参考收费标准') : `${r.externalRate} 元/小时`),
  service_content: owner('服务内容'),
  funds: owner('主要购置经费来源'),
  run_machine: (r) => r.runningHours,
  service_machine: (r) => r.serviceHours,
  cus_inner_id: (r) => r.localId,
  contact: (r) => text(r.contactName),
  phone: (r) => text(r.contactPhone),
  email: (r) => text(r.contactEmail),
  contact_address: (r) => ownerColumn(r.extra, '通讯地址') || text(r.address),
  zip_code: owner('邮政编码'),
}, new Set(['worth', 'run_machine', 'service_machine']));

// the national platform's words for how and to whom a service was given (srms Nrii_Record_Model)
const SERVICE_WAY = { SELF: '占用共享', ASSISTED: '委托共享' } as const;
const SATISFACTION = ['', '极差', '不满意', '一般', '基本满意', '非常满意'];
const joined = (values: Iterable<string>) => [...new Set(values)].filter((v) => v !== '').join('、');

/** 服务金额: the bookings' prices in yuan, to the fen; null when no booking is behind the service */
export function serviceAmount(r: ServiceRecord): number | null {
  return r.bookings.length > 0 ? r.bookings.reduce((sum, b) => sum + Math.round(Number(b.price) * 100), 0) / 100 : null;
}
export const applicantsOf = (r: ServiceRecord) => joined(r.bookings.map((b) => b.applicant));
export const applicantInstitutionsOf = (r: ServiceRecord) => joined(r.bookings.map((b) => b.applicantInstitution));

const SERVICE = columns<ServiceRecord>('./nrii-service-record-columns.csv', {
  id: (r) => r.id,
  eq_name: (r) => r.instrumentName,
  inner_id: (r) => r.localId,
  source_id: (r) => (r.bookings.length > 0 ? r.bookings.map((b) => b.id).join(',') : r.sessionIds.map((id) => `usage:${id}`).join(',')),
  amounts: serviceAmount,
  start_time: (r) => localTime(r.start),
  end_time: (r) => localTime(r.end),
  service_content: (r) => joined(r.bookings.map((b) => b.purpose)),
  service_way: (r) => joined(r.bookings.map((b) => SERVICE_WAY[b.mode])),
  service_type: () => '外部用户',
  service_direction: () => '',
  service_time: (r) => r.hours,
  subject_name: () => '',
  subject_income: () => '',
  subject_area: () => '',
  sign_agreement: () => '',
  // sessions and bookings are use of the instrument where it stands (leases would be 单位外使用)
  address_type: () => '单位内使用',
  move_address: () => '',
  applicant: applicantsOf,
  applicant_phone: () => '',
  applicant_email: () => '',
  applicant_unit: applicantInstitutionsOf,
  comment: (r) => joined(r.bookings.filter((b) => b.rating !== null).map((b) => (b.comment ? `${SATISFACTION[b.rating!]} - ${b.comment}` : SATISFACTION[b.rating!]))),
}, new Set(['amounts', 'service_time']));

/** the equipment sheet: the national columns, then the hours check */
export const EQUIPMENT_COLUMNS: readonly NationalColumn[] = [...EQUIPMENT.columns, { key: 'hours_check', header: HOURS_CHECK_HEADER, numeric: false }];
export const SERVICE_RECORD_COLUMNS: readonly NationalColumn[] = SERVICE.columns;

/** The equipment sheet's cells of a row, in the order of EQUIPMENT_COLUMNS. */
export function equipmentCells(row: EquipmentRow): Cell[] {
  return [...EQUIPMENT.cells.map((cell) => cell(row)), mismatchText(row.mismatches) ?? ''];
}

export function serviceRecordCells(record: ServiceRecord): Cell[] {
  return SERVICE.cells.map((cell) => cell(record));
}
