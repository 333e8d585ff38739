/**
 * The mapping part of a configurable kind's JSON (`fields`, `values`, `defaults`), read and
 * checked the same way for every kind. Value maps and defaults that name an unknown status,
 * sharing mode, institution type, class or district are refused here, when the owner writes
 * the config, rather than turning every record into a rejected row at harvest time.
 */
import { resolveNationalClass } from '../../schema/national-classes.ts';
import { resolveDistrict } from '../../schema/districts.ts';
import { declaredStatuses, institutionTypes, sharingModes, type TermMap } from '../../schema/terms.ts';
import type { NormalizeDefaults } from './canonical.ts';
import type { ConfigReader } from './config-reader.ts';
import type { CanonicalField } from './fields.ts';
import { checkMappingConfig, type MappingConfig, type ValueMaps } from './mapping.ts';

export const MAPPING_CONFIG_KEYS = ['fields', 'values', 'defaults'] as const;

function termCheck<K extends string>(terms: TermMap<K>, what: string): (value: string) => string | null {
  return (value) => (terms.resolve(value) ? null : `is not a ${what} (${terms.keys.join(', ')} or ${Object.values<string>(terms.zh).join(', ')})`);
}

function nationalClassCheck(value: string): string | null {
  return resolveNationalClass(value) ? null : 'is not a national instrument class (a code or name of the national list, schema/thesaurus/nrii-instrument-classes.csv)';
}

/** Canonical fields with a closed set of values: the target of a value map must be one of them. */
const VALUE_CHECKS: Partial<Record<CanonicalField, (value: string) => string | null>> = {
  status: termCheck(declaredStatuses, 'declared status'),
  sharing: termCheck(sharingModes, 'sharing mode'),
  institution_type: termCheck(institutionTypes, 'institution type'),
  category: nationalClassCheck,
  class_code: nationalClassCheck,
  district: (value) => (resolveDistrict(value) ? null : 'is not a Shenzhen district'),
};

function readValueMaps(config: ConfigReader): ValueMaps | undefined {
  const values = config.optionalObject('values');
  if (!values) return undefined;
  const maps: Record<string, Record<string, string>> = {};
  for (const field of values.keys()) {
    const map = values.stringMap(field);
    const check = VALUE_CHECKS[field as CanonicalField];
    for (const [ownerValue, canonical] of Object.entries(map)) {
      const problem = check?.(canonical);
      if (problem) values.fail(`${field}.${ownerValue}`, `maps to "${canonical}", which ${problem}`);
    }
    maps[field] = map;
  }
  return maps as ValueMaps;
}

export function readDefaults(config: ConfigReader): NormalizeDefaults | undefined {
  const defaults = config.optionalObject('defaults');
  if (!defaults) return undefined;
  defaults.allowOnly(['institution', 'institutionType', 'district', 'sharing', 'declaredStatus']);
  const term = <K extends string>(key: string, terms: TermMap<K>): K | undefined => {
    const value = defaults.optionalString(key);
    if (value === undefined) return undefined;
    const resolved = terms.resolve(value);
    return resolved ?? defaults.fail(key, `is "${value}", expected one of ${terms.keys.join(', ')} or ${Object.values<string>(terms.zh).join(', ')}`);
  };
  const district = defaults.optionalString('district');
  if (district !== undefined && !resolveDistrict(district)) defaults.fail('district', `is "${district}", which is not a Shenzhen district`);
  return {
    institution: defaults.optionalString('institution'),
    institutionType: term('institutionType', institutionTypes),
    district: district === undefined ? undefined : resolveDistrict(district)!.zh,
    sharing: term('sharing', sharingModes),
    declaredStatus: term('declaredStatus', declaredStatuses),
  };
}

/** Read `fields`, `values` and `defaults` and check that the mapping can yield records. */
export function readMappingConfig(config: ConfigReader): MappingConfig {
  const mapping: MappingConfig = {
    fields: config.stringMap('fields'),
    values: readValueMaps(config),
    defaults: readDefaults(config),
  };
  checkMappingConfig(config.sourceId, mapping);
  return mapping;
}
