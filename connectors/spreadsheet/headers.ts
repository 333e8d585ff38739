/**
 * Which column holds which canonical field: template headers in Chinese (仪器编号, 原值（万元）…),
 * the English keys, or the headers of the national platform's upload template (仪器设备名称,
 * 仪器分类编码, 原值（单位万元、保留小数点后两位）…), in any order, with half- or full-width
 * parentheses and stray spaces. A note in parentheses after a known header ("主要功能（最多300字）")
 * does not hide it.
 */
import { ConnectorError } from '../sdk/contract.ts';
import { CANONICAL_FIELDS, CANONICAL_FIELD_NAMES, type CanonicalField } from '../sdk/fields.ts';

function headerKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/**
 * Headers owners use besides the canonical ones: those of the national upload template for large
 * instruments (大型科研仪器; ../shared/reference/nrii-equipment-template-headers.csv) whose wording
 * differs, and common names of an owner's own category column.
 */
const HEADER_ALIASES: Record<string, CanonicalField> = {
  仪器设备名称: 'name',
  生产制造商: 'manufacturer',
  '原值（单位万元、保留小数点后两位）': 'original_value_wan',
  建账日期: 'purchase_date',
  电话: 'contact_phone',
  类别: 'category',
  仪器类别: 'category',
  设备类别: 'category',
};

const HEADER_FIELDS = new Map<string, CanonicalField>();
for (const field of CANONICAL_FIELD_NAMES) {
  HEADER_FIELDS.set(headerKey(field), field);
  HEADER_FIELDS.set(headerKey(CANONICAL_FIELDS[field]), field);
}
for (const [header, field] of Object.entries(HEADER_ALIASES)) HEADER_FIELDS.set(headerKey(header), field);

/** The field a header names, itself or without a trailing note in parentheses (a unit in them is part of the header: 原值（元）). */
function headerField(text: string): CanonicalField | undefined {
  const key = headerKey(text);
  return HEADER_FIELDS.get(key) ?? HEADER_FIELDS.get(key.replace(/\(.*\)$/, ''));
}

export interface SheetLayout {
  /** column index → canonical field */
  fields: Map<number, CanonicalField>;
  /** column index → the owner's header, for columns kept as extra specs */
  extra: Map<number, string>;
}

export function readHeader(sourceId: string, fileName: string, header: readonly unknown[], requireInstitution: boolean): SheetLayout {
  const fields = new Map<number, CanonicalField>();
  const extra = new Map<number, string>();
  const seen = new Map<CanonicalField, string>();
  header.forEach((cell, column) => {
    const text = cell === null || cell === undefined ? '' : String(cell).trim();
    if (!text) return;
    const field = headerField(text);
    if (!field) {
      extra.set(column, text);
      return;
    }
    const earlier = seen.get(field);
    if (earlier) throw new ConnectorError(`source ${sourceId}: ${fileName} has two columns for ${field}: "${earlier}" and "${text}"`, 'SOURCE');
    seen.set(field, text);
    fields.set(column, field);
  });
  // no class column is needed: a class is inferred from what each instrument is
  const required: CanonicalField[] = ['local_id', 'name', ...(requireInstitution ? ['institution' as const] : [])];
  const missing = required.filter((f) => !seen.has(f));
  if (missing.length) {
    const oneInstitution = missing.includes('institution') ? '; a file of one institution (such as the national upload template) names it in the source\'s config, defaults.institution' : '';
    throw new ConnectorError(`source ${sourceId}: ${fileName} has no column ${missing.map((f) => `${CANONICAL_FIELDS[f]} (${f})`).join(', ')}${oneInstitution}`, 'SOURCE');
  }
  return { fields, extra };
}
