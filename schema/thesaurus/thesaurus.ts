/**
 * The thesaurus data as one: kinds of instrument (the national third-level classes and the
 * laboratory kinds they leave out), word-level bilingual terms, and product lines. The files
 * beside this one are data; instrument-types.ts merges the kinds into its types.
 */
import { NATIONAL_CLASS_TYPES } from './national-class-types.ts';
import { LAB_INSTRUMENT_TYPES } from './lab-instrument-types.ts';
import type { ProductLine, TermPair, ThesaurusEntry } from './thesaurus-entry.ts';

export type { ProductLine, TermPair, ThesaurusEntry };

export const THESAURUS_ENTRIES: readonly ThesaurusEntry[] = [...NATIONAL_CLASS_TYPES, ...LAB_INSTRUMENT_TYPES];

export const INSTRUMENT_WORDS: readonly TermPair[] = [
  { zh: ['离心机'], en: ['centrifuge'] },
  { zh: ['飞秒'], en: ['femtosecond'] },
  { zh: ['激光器', '激光'], en: ['laser'] },
  { zh: ['质谱仪', '质谱'], en: ['mass spectrometer', 'mass spectrometry'] },
  { zh: ['频谱'], en: ['spectrum'] },
  { zh: ['分析仪'], en: ['analyzer'] },
  { zh: ['冷冻'], en: ['freeze', 'cryo'] },
  { zh: ['干燥机'], en: ['dryer'] },
];
export const PRODUCT_LINES: readonly ProductLine[] = [
  { makers: ['Thermo Fisher'], line: 'Orbitrap', type: 'LC_MS' },
];
