/**
 * The declarative part every connector kind shares: which owner column or JSON path feeds
 * which canonical field, how owner values translate (e.g. 在用 → IN_USE), and what to assume
 * when the owner's system does not say (a single-institution database rarely names itself).
 */

import { ConnectorError, type SourceRecord } from './contract.ts';
import { CANONICAL_FIELD_NAMES, isCanonicalField, type CanonicalField } from './fields.ts';
import type { NormalizeDefaults } from './canonical.ts';

/** canonical field → the owner's column name (sql), JSON path (rest) */
export type FieldMapping = Partial<Record<CanonicalField, string>>;
/** canonical field → { owner value → canonical value } */
export type ValueMaps = Partial<Record<CanonicalField, Record<string, string>>>;

export interface MappingConfig {
  fields: FieldMapping;
  values?: ValueMaps;
  defaults?: NormalizeDefaults;
}

// a class is not required: without one it is inferred from what the instrument is
export const REQUIRED_MAPPED_FIELDS: readonly CanonicalField[] = ['local_id', 'name'];

/** Reject a mapping that could never yield a record, naming the offending entry. */
export function checkMappingConfig(sourceId: string, mapping: MappingConfig): void {
  for (const key of Object.keys(mapping.fields)) {
    if (!isCanonicalField(key)) throw new ConnectorError(`source ${sourceId}: config key "fields.${key}": "${key}" is not a canonical field (expected ${CANONICAL_FIELD_NAMES.join(', ')})`, 'CONFIG');
  }
  for (const key of Object.keys(mapping.values ?? {})) {
    if (!isCanonicalField(key)) throw new ConnectorError(`source ${sourceId}: config key "values.${key}": "${key}" is not a canonical field (expected ${CANONICAL_FIELD_NAMES.join(', ')})`, 'CONFIG');
  }
  for (const required of REQUIRED_MAPPED_FIELDS) {
    if (!mapping.fields[required]) throw new ConnectorError(`source ${sourceId}: mapping has no entry for required field "${required}"`, 'CONFIG');
  }
  if (!mapping.fields.institution && !mapping.defaults?.institution) {
    throw new ConnectorError(`source ${sourceId}: mapping needs "institution" in fields or defaults`, 'CONFIG');
  }
}

/**
 * Build a SourceRecord from an owner's row: `read(name)` returns the owner's value under a
 * column name or path. Unmapped owner columns listed in `extraNames` are kept as extra specs.
 */
export function mapRecord(ref: string, read: (sourceName: string) => unknown, mapping: MappingConfig, extraNames: readonly string[] = []): SourceRecord {
  const values: SourceRecord['values'] = {};
  for (const [field, sourceName] of Object.entries(mapping.fields) as [CanonicalField, string][]) {
    let value = read(sourceName);
    const map = mapping.values?.[field];
    if (map && value !== null && value !== undefined) {
      const key = String(value).trim();
      if (Object.hasOwn(map, key)) value = map[key];
    }
    values[field] = value;
  }
  const extra: Record<string, string> = {};
  for (const name of extraNames) {
    const value = read(name);
    if (value !== null && value !== undefined && String(value).trim() !== '') extra[name] = String(value).trim();
  }
  return { ref, values, extra };
}

/** Read a dotted path ("name.zh", "items.0.id") out of parsed JSON. */
export function readPath(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

