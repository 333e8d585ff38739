/**
 * The README's "Accepted values" tables are generated from schema/terms.ts and schema/classes.ts:
 * the copy in the README is current, and every word they list is one the import accepts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { acceptedValuesMarkdown } from '../schema/terms-table.ts';
import { declaredStatuses, institutionTypes, sharingModes, type TermMap } from '../schema/terms.ts';
import { INSTRUMENT_CLASSES } from '../schema/classes.ts';
import { resolveNationalClass } from '../schema/national-classes.ts';
import { parseSpreadsheetConfig } from '../connectors/spreadsheet/config.ts';

describe('accepted values of enumerated columns', () => {
  it('the README holds the tables as generated', () => {
    const readme = readFileSync('README.md', 'utf8');
    const copy = /<!-- accepted-values:start -->\n([\s\S]*?)\n<!-- accepted-values:end -->/.exec(readme)?.[1];
    expect(copy, 'README.md: regenerate with npx tsx schema/terms-table.ts').toBe(acceptedValuesMarkdown());
  });

  it('every word listed resolves to its value', () => {
    for (const terms of [institutionTypes, sharingModes, declaredStatuses] as TermMap<string>[]) {
      for (const key of terms.keys) {
        for (const word of [key, key.toLowerCase(), terms.zh[key], ...terms.variants[key]]) expect(terms.resolve(word), `${terms.field}: ${word}`).toBe(key);
      }
    }
    for (const c of INSTRUMENT_CLASSES) {
      for (const word of [c.key, c.code, c.zh, c.en, ...c.aliases]) expect(resolveNationalClass(word)?.classKey, `class: ${word}`).toBe(c.key);
    }
  });

  it('a config naming another value is refused, naming the key and the accepted values', () => {
    expect(() => parseSpreadsheetConfig('lab', { file: 'a.csv', defaults: { institutionType: '学校' } }, '/tmp'))
      .toThrow('source lab: config key "defaults.institutionType" is "学校", expected one of UNIVERSITY, RESEARCH_INSTITUTE, ENTERPRISE, HOSPITAL, TESTING_AGENCY, OTHER or 高等院校, 科研院所, 企业, 医疗机构, 检验检测机构, 其他');
  });
});
