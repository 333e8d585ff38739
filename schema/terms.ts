/**
 * Value maps for the Chinese terms owners use in their own systems. Each map accepts the
 * Chinese term, common variants and the canonical enum key, so normalising is idempotent.
 */
export const SHARING_MODES = ['OPEN', 'INTERNAL', 'CLOSED'] as const;
export type SharingMode = (typeof SHARING_MODES)[number];
export const DECLARED_STATUSES = ['IDLE', 'IN_USE', 'MAINTENANCE', 'RETIRED'] as const;
export type DeclaredStatus = (typeof DECLARED_STATUSES)[number];
export const INSTITUTION_TYPES = ['UNIVERSITY', 'RESEARCH_INSTITUTE', 'ENTERPRISE', 'HOSPITAL', 'TESTING_AGENCY', 'OTHER'] as const;
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

export interface TermMap<K extends string> {
  readonly field: string;
  readonly keys: readonly K[];
  readonly zh: Readonly<Record<K, string>>;
  /** every other word accepted for each key (case does not matter) */
  readonly variants: Readonly<Record<K, readonly string[]>>;
  resolve(value: string): K | null;
}

function termMap<K extends string>(field: string, keys: readonly K[], zh: Record<K, string>, variants: Record<string, K>): TermMap<K> {
  const lookup = new Map<string, K>();
  for (const k of keys) {
    lookup.set(k.toLowerCase(), k);
    lookup.set(zh[k], k);
  }
  for (const [v, k] of Object.entries(variants)) lookup.set(v.toLowerCase(), k);
  const byKey = Object.fromEntries(keys.map((k) => [k, Object.keys(variants).filter((v) => variants[v] === k && v.toLowerCase() !== k.toLowerCase())])) as Record<K, string[]>;
  return { field, keys, zh, variants: byKey, resolve: (value) => lookup.get(value.trim().toLowerCase()) ?? null };
}

/** 共享方式 */
export const sharingModes = termMap('sharing', SHARING_MODES,
  { OPEN: '对外开放', INTERNAL: '校内共享', CLOSED: '不共享' },
  { 开放: 'OPEN', 对外共享: 'OPEN', 开放共享: 'OPEN', 共享: 'OPEN', open: 'OPEN', public: 'OPEN',
    内部共享: 'INTERNAL', 院内共享: 'INTERNAL', 所内共享: 'INTERNAL', 单位内共享: 'INTERNAL', 内部使用: 'INTERNAL', internal: 'INTERNAL',
    不开放: 'CLOSED', 不对外开放: 'CLOSED', 自用: 'CLOSED', closed: 'CLOSED', private: 'CLOSED' });

/** 运行状态 */
export const declaredStatuses = termMap('status', DECLARED_STATUSES,
  { IDLE: '闲置', IN_USE: '在用', MAINTENANCE: '维修', RETIRED: '报废' },
  { 空闲: 'IDLE', 可用: 'IDLE', 正常: 'IDLE', idle: 'IDLE', available: 'IDLE',
    使用中: 'IN_USE', 运行中: 'IN_USE', 忙碌: 'IN_USE', 'in use': 'IN_USE', busy: 'IN_USE', in_use: 'IN_USE',
    维修中: 'MAINTENANCE', 待修: 'MAINTENANCE', 故障: 'MAINTENANCE', 保养: 'MAINTENANCE', repair: 'MAINTENANCE', maintenance: 'MAINTENANCE',
    已报废: 'RETIRED', 停用: 'RETIRED', retired: 'RETIRED', scrapped: 'RETIRED' });

/** 单位类型 */
export const institutionTypes = termMap('institution_type', INSTITUTION_TYPES,
  { UNIVERSITY: '高等院校', RESEARCH_INSTITUTE: '科研院所', ENTERPRISE: '企业', HOSPITAL: '医疗机构', TESTING_AGENCY: '检验检测机构', OTHER: '其他' },
  { 高校: 'UNIVERSITY', 大学: 'UNIVERSITY', 院校: 'UNIVERSITY', university: 'UNIVERSITY',
    科研机构: 'RESEARCH_INSTITUTE', 研究所: 'RESEARCH_INSTITUTE', 研究院: 'RESEARCH_INSTITUTE', 新型研发机构: 'RESEARCH_INSTITUTE', institute: 'RESEARCH_INSTITUTE', research_institute: 'RESEARCH_INSTITUTE',
    公司: 'ENTERPRISE', company: 'ENTERPRISE', enterprise: 'ENTERPRISE',
    医院: 'HOSPITAL', hospital: 'HOSPITAL',
    检测机构: 'TESTING_AGENCY', 检验机构: 'TESTING_AGENCY', 第三方检测: 'TESTING_AGENCY', testing_agency: 'TESTING_AGENCY', lab: 'TESTING_AGENCY',
    other: 'OTHER' });
