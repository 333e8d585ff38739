/**
 * The 15 top-level classes of the national instrument class code list (仪器分类编码,
 * schema/thesaurus/nrii-instrument-classes.csv), as the API's InstrumentClass enum names them. The codes are the
 * national six-digit ones: the list runs 01–07, then 080000 天文仪器 … 140000 激光器, 990000 其他仪器,
 * which is not the enum's order. The second and third levels, and resolving an owner's code or
 * name at any level, are in national-classes.ts.
 */
export const INSTRUMENT_CLASS_KEYS = [
  'ANALYTICAL', 'PHYSICAL_PROPERTY', 'METROLOGY', 'ELECTRONIC_MEASUREMENT', 'MARINE',
  'GEOPHYSICAL', 'ATMOSPHERIC', 'SPECIAL_TESTING', 'MEDICAL_RESEARCH', 'NUCLEAR',
  'ASTRONOMICAL', 'LASER', 'PROCESS_EXPERIMENT', 'COMPUTING', 'OTHER',
] as const;
export type InstrumentClassKey = (typeof INSTRUMENT_CLASS_KEYS)[number];

export interface InstrumentClassInfo {
  key: InstrumentClassKey;
  /** the national six-digit code of the top class, e.g. "010000" */
  code: string;
  zh: string;
  en: string;
  /** names owners also use for the class that are not in the national list */
  aliases: readonly string[];
}

/** In the national list's order. */
export const INSTRUMENT_CLASSES: readonly InstrumentClassInfo[] = [
  { key: 'ANALYTICAL', code: '010000', zh: '分析仪器', en: 'Analytical instruments', aliases: [] },
  { key: 'PHYSICAL_PROPERTY', code: '020000', zh: '物理性能测试仪器', en: 'Physical property testing instruments', aliases: [] },
  { key: 'METROLOGY', code: '030000', zh: '计量仪器', en: 'Metrology instruments', aliases: [] },
  { key: 'ELECTRONIC_MEASUREMENT', code: '040000', zh: '电子测量仪器', en: 'Electronic measurement instruments', aliases: [] },
  { key: 'MARINE', code: '050000', zh: '海洋仪器', en: 'Marine instruments', aliases: [] },
  { key: 'GEOPHYSICAL', code: '060000', zh: '地球探测仪器', en: 'Geophysical exploration instruments', aliases: [] },
  { key: 'ATMOSPHERIC', code: '070000', zh: '大气探测仪器', en: 'Atmospheric sounding instruments', aliases: [] },
  { key: 'ASTRONOMICAL', code: '080000', zh: '天文仪器', en: 'Astronomical instruments', aliases: [] },
  { key: 'MEDICAL_RESEARCH', code: '090000', zh: '医学诊断仪器', en: 'Medical diagnostic instruments', aliases: ['医学科研仪器', 'Medical research instruments'] },
  { key: 'NUCLEAR', code: '100000', zh: '核仪器', en: 'Nuclear instruments', aliases: [] },
  { key: 'SPECIAL_TESTING', code: '110000', zh: '特种检测仪器', en: 'Special testing instruments', aliases: [] },
  { key: 'PROCESS_EXPERIMENT', code: '120000', zh: '工艺实验设备', en: 'Process experiment equipment', aliases: [] },
  { key: 'COMPUTING', code: '130000', zh: '计算机及其配套设备', en: 'Computers and peripherals', aliases: ['计算机及配套设备'] },
  { key: 'LASER', code: '140000', zh: '激光器', en: 'Lasers', aliases: [] },
  { key: 'OTHER', code: '990000', zh: '其他仪器', en: 'Other instruments', aliases: ['其他', '其它'] },
];

const byKey = new Map(INSTRUMENT_CLASSES.map((c) => [c.key, c]));

export function instrumentClassInfo(key: InstrumentClassKey): InstrumentClassInfo {
  const info = byKey.get(key);
  if (!info) throw new Error(`unknown instrument class ${key}`);
  return info;
}
