/**
 * Canonical field names: the English keys of the spreadsheet template, shared by every
 * connector kind's mapping, with the Chinese headers owners use for them.
 */
export const CANONICAL_FIELDS = {
  local_id: '仪器编号',
  name: '仪器名称',
  name_en: '英文名称',
  model: '规格型号',
  manufacturer: '生产厂商',
  country: '产地国别',
  category: '分类',
  class_code: '仪器分类编码',
  original_value_wan: '原值（万元）',
  original_value: '原值（元）',
  purchase_date: '购置日期',
  institution: '所属单位',
  institution_type: '单位类型',
  district: '所在区',
  address: '安放地址',
  sharing: '共享方式',
  status: '运行状态',
  external_rate: '对外收费（元/小时）',
  internal_rate: '对内收费（元/小时）',
  contact_name: '联系人',
  contact_phone: '联系电话',
  contact_email: '电子邮箱',
  specs: '主要技术指标',
  functions: '主要功能',
  latitude: '纬度',
  longitude: '经度',
  updated_at: '更新时间',
} as const;

export type CanonicalField = keyof typeof CANONICAL_FIELDS;
export const CANONICAL_FIELD_NAMES = Object.keys(CANONICAL_FIELDS) as CanonicalField[];

export function isCanonicalField(name: string): name is CanonicalField {
  return Object.hasOwn(CANONICAL_FIELDS, name);
}
