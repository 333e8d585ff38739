/**
 * The thesaurus as one: word-level bilingual terms and product lines (data files beside this one).
 */
export interface TermPair { zh: string[]; en: string[] }
export interface ProductLine { makers: string[]; line: string; type: string }

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
