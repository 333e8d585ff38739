/**
 * Which column holds which canonical field: template headers in Chinese (仪器编号, 原值（万元）…)
 * or the English keys, in any order, with half- or full-width parentheses and stray spaces.
 */
import { ConnectorError } from '../sdk/contract.ts';
import { CANONICAL_FIELDS, CANONICAL_FIELD_NAMES, type CanonicalField } from '../sdk/fields.ts';

function headerKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

const HEADER_FIELDS = new Map<string, CanonicalField>();
for (const field of CANONICAL_FIELD_NAMES) {
  HEADER_FIELDS.set(headerKey(field), field);
  HEADER_FIELDS.set(headerKey(CANONICAL_FIELDS[field]), field);
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
    const field = HEADER_FIELDS.get(headerKey(text));
    if (!field) {
      extra.set(column, text);
      return;
    }
    const earlier = seen.get(field);
    if (earlier) throw new ConnectorError(`source ${sourceId}: ${fileName} has two columns for ${field}: "${earlier}" and "${text}"`, 'SOURCE');
    seen.set(field, text);
    fields.set(column, field);
  });
  const required: CanonicalField[] = ['local_id', 'name', 'category', ...(requireInstitution ? ['institution' as const] : [])];
  const missing = required.filter((f) => !seen.has(f));
  if (missing.length) {
    throw new ConnectorError(`source ${sourceId}: ${fileName} has no column ${missing.map((f) => `${CANONICAL_FIELDS[f]} (${f})`).join(', ')}`, 'SOURCE');
  }
  return { fields, extra };
}
