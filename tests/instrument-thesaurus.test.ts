import { describe, expect, it } from 'vitest';
import { INSTRUMENT_CLASS_KEYS } from '../schema/classes.ts';
import { INSTRUMENT_TYPES, instrumentTypeByKey, instrumentTypeNames } from '../schema/instrument-types.ts';
import { DEMO_INSTRUMENT_TYPES } from '../connectors/demo/demo-instrument-types.ts';

describe('instrument-type thesaurus', () => {
  it('covers all 15 national classes with unique keys, and every broader type exists', () => {
    expect(new Set(INSTRUMENT_TYPES.map((t) => t.key)).size).toBe(INSTRUMENT_TYPES.length);
    expect(new Set(INSTRUMENT_TYPES.map((t) => t.instrumentClass))).toEqual(new Set(INSTRUMENT_CLASS_KEYS));
    for (const t of INSTRUMENT_TYPES) if (t.broader) expect(instrumentTypeByKey(t.broader), t.key).toBeDefined();
  });

  it('holds every type of the demo inventory, under Chinese and English names', () => {
    for (const demo of DEMO_INSTRUMENT_TYPES) {
      const names = instrumentTypeNames(instrumentTypeByKey(demo.key)!);
      expect(names.some((n) => /[\u4e00-\u9fff]/.test(n)), demo.key).toBe(true);
      expect(names.some((n) => /^[A-Za-z]/.test(n)), demo.key).toBe(true);
    }
  });

  it('keeps MRI (成像) and NMR spectroscopy (波谱) apart', () => {
    expect(instrumentTypeByKey('MRI')!.instrumentClass).toBe('MEDICAL_RESEARCH');
    expect(instrumentTypeNames(instrumentTypeByKey('NMR')!)).not.toContain('核磁共振成像系统');
  });
});
