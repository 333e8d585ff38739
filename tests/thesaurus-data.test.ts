import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INSTRUMENT_TYPES } from '../schema/instrument-types.ts';
import { LAB_INSTRUMENT_TYPES } from '../schema/thesaurus/lab-instrument-types.ts';
import { NATIONAL_CLASS_TYPES } from '../schema/thesaurus/national-class-types.ts';
import { PRODUCT_LINES } from '../schema/thesaurus/product-lines.ts';
import { recognizeInstrumentTypes } from '../schema/instrument-type-recognition.ts';
import type { ThesaurusEntry } from '../schema/thesaurus/thesaurus-entry.ts';

interface NationalClass { code: string; name: string; level: number }

/** The committed national class list: code,name,parent_code,level with no quoted fields. */
function nationalClasses(): NationalClass[] {
  const lines = readFileSync(new URL('../schema/thesaurus/nrii-instrument-classes.csv', import.meta.url), 'utf8').trim().split('\n');
  return lines.slice(1).map((line, i) => {
    const fields = line.split(',');
    if (fields.length !== 4) throw new Error(`nrii-instrument-classes.csv line ${i + 2}: expected 4 fields, got ${fields.length}`);
    return { code: fields[0], name: fields[1], level: Number(fields[3]) };
  });
}

const CLASSES = nationalClasses();
const CODES = new Set(CLASSES.map((c) => c.code));
const THIRD_LEVEL = CLASSES.filter((c) => c.level === 3 && c.name !== '其他');
const FILES: Record<string, ThesaurusEntry[]> = { NATIONAL_CLASS_TYPES, LAB_INSTRUMENT_TYPES };
const KNOWN_KEYS = new Set([...INSTRUMENT_TYPES.map((t) => t.key), ...Object.values(FILES).flat().map((e) => e.key)]);
/**
 * The form in which recognition compares a name (schema/instrument-type-recognition.ts): Chinese
 * without spaces, hyphens or bracketed asides; Latin as lightly stemmed words, short ones run together.
 */
function fold(name: string): string {
  const text = name.normalize('NFKC').toLowerCase();
  if (/[\u3400-\u9fff]/.test(text)) return text.replace(/[\s\-_/·]+/g, '').replace(/[（(][^）)]*[）)]/g, '');
  const words = (text.match(/[a-z0-9]+/g) ?? []).map((w) => (w.length > 4 ? w.replace(/(ies|es|s|y|e)$/, '') : w));
  return words.join('').length <= 8 ? words.join('') : words.join(' ');
}
/** national classes listed twice, or under the name of a class elsewhere: the one name stands for both kinds */
const SHARED_CLASS_NAMES = new Set(['原子力显微镜', '漫透射视觉密度工作基准', '频谱分析仪', '合成孔径雷达']);
/** words so general that, as a type name, they would label many unrelated instruments */
const TOO_GENERIC = new Set(['system', 'analyzer', 'analyser', 'instrument', 'device', 'equipment', 'meter', '仪', '仪器', '系统', '设备', '装置', '分析仪', '测试仪']);

describe('thesaurus data', () => {
  it('reads the national class list: 631 third-level classes, 557 not named 其他', () => {
    expect(CLASSES.filter((c) => c.level === 3)).toHaveLength(631);
    expect(THIRD_LEVEL).toHaveLength(557);
  });

  it('names one kind for every third-level national class, under the class name as listed', () => {
    const byCode = new Map(NATIONAL_CLASS_TYPES.map((e) => [e.classCode, e]));
    for (const c of THIRD_LEVEL) {
      expect(byCode.get(c.code), `${c.code} ${c.name}`).toBeDefined();
      expect(byCode.get(c.code)!.zh, c.code).toContain(c.name);
    }
    expect(NATIONAL_CLASS_TYPES).toHaveLength(THIRD_LEVEL.length);
  });

  for (const [file, entries] of Object.entries(FILES)) {
    describe(file, () => {
      it('uses each key once, with a national code that exists', () => {
        const keys = entries.map((e) => e.key);
        expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
        for (const e of entries) {
          expect(e.key, e.key).toMatch(/^[A-Z][A-Z0-9_]*$/);
          expect(CODES.has(e.classCode), `${e.key} ${e.classCode}`).toBe(true);
        }
      });

      it('gives every kind Chinese and English names, none repeated within the kind and none too generic', () => {
        for (const e of entries) {
          expect(e.zh.length, e.key).toBeGreaterThan(0);
          expect(e.en.length, e.key).toBeGreaterThan(0);
          for (const zh of e.zh) expect(zh, e.key).toMatch(/[\u3400-\u9fff]/);
          for (const en of e.en) expect(en, e.key).toMatch(/[A-Za-z]/);
          const names = [...e.zh, ...e.en, ...(e.abbr ?? [])].map(fold);
          expect(names.filter((n, i) => names.indexOf(n) !== i), e.key).toEqual([]);
          for (const name of [...e.zh, ...e.en, ...(e.abbr ?? [])]) expect(TOO_GENERIC.has(fold(name)), `${e.key}: ${name}`).toBe(false);
        }
      });

      it('links broader only to a known kind other than itself', () => {
        for (const e of entries.filter((x) => x.broader)) {
          expect(KNOWN_KEYS.has(e.broader!), `${e.key} → ${e.broader}`).toBe(true);
          expect(e.broader, e.key).not.toBe(e.key);
        }
      });
    });
  }

  it('gives a name to one kind only, apart from national class names the list itself repeats', () => {
    const kindsByName = new Map<string, Set<string>>();
    for (const e of Object.values(FILES).flat()) {
      for (const name of [...e.zh, ...e.en, ...(e.abbr ?? [])]) {
        const kinds = kindsByName.get(fold(name)) ?? new Set<string>();
        kindsByName.set(fold(name), kinds.add(e.key));
      }
    }
    const shared = [...kindsByName].filter(([name, kinds]) => kinds.size > 1 && !SHARED_CLASS_NAMES.has(name));
    expect(shared.map(([name, kinds]) => `${name}: ${[...kinds].join(', ')}`)).toEqual([]);
  });

  describe('PRODUCT_LINES', () => {
    it('names for each line a known kind and at least one maker', () => {
      for (const l of PRODUCT_LINES) {
        expect(KNOWN_KEYS.has(l.type), `${l.line} → ${l.type}`).toBe(true);
        expect(l.makers.length, l.line).toBeGreaterThan(0);
        for (const maker of l.makers) expect(maker.trim(), l.line).not.toBe('');
      }
    });

    it('carries at least three letters in every line, so no bare model number stands for a kind', () => {
      for (const l of PRODUCT_LINES) expect(l.line.replace(/[^A-Za-z]/g, '').length, l.line).toBeGreaterThanOrEqual(3);
    });

    it('lists each line once', () => {
      const lines = PRODUCT_LINES.map((l) => fold(l.line));
      expect(lines.filter((n, i) => lines.indexOf(n) !== i)).toEqual([]);
    });

    it('names the kind of an owner\'s record from maker and model alone, never a maker one edit from a line', () => {
      const kinds = (record: string) => recognizeInstrumentTypes(record, { fromRecord: true }).map((t) => t.key);
      expect(kinds('Beckman Coulter Avanti JXN-26')).toEqual(['CENTRIFUGE']);
      expect(kinds('Optima XPN-100')).toEqual(['ULTRACENTRIFUGE']);
      expect(kinds('PerkinElmer Optima 8300')).toEqual(['ICP_OES']);
      expect(kinds('Thermo Orbitrap Fusion Lumos')).toEqual(['ORBITRAP_MS']);
      expect(kinds('Zeiss LSM880')).toEqual(['CONFOCAL']);
      expect(kinds('BioTek Synergy H1')).toEqual(['PLATE_READER']);
      expect(kinds('Mirion BE3830')).toEqual([]);
      // a searcher's query is not an owner's record: there a line names no kind
      expect(recognizeInstrumentTypes('Avanti')).toEqual([]);
    });

    it('never spells a line like the name of another kind', () => {
      const kindByName = new Map<string, string>();
      for (const e of Object.values(FILES).flat()) for (const name of [...e.en, ...(e.abbr ?? [])]) kindByName.set(fold(name), e.key);
      for (const t of INSTRUMENT_TYPES) for (const name of [t.en, ...t.enVariants, ...t.abbreviations]) kindByName.set(fold(name), t.key);
      const clashes = PRODUCT_LINES.filter((l) => kindByName.has(fold(l.line)) && kindByName.get(fold(l.line)) !== l.type);
      expect(clashes.map((l) => `${l.line}: ${l.type} vs ${kindByName.get(fold(l.line))}`)).toEqual([]);
    });
  });
});
