/**
 * The shapes of the instrument thesaurus data: kinds of instrument with their names in Chinese
 * and English and their national class, word-level bilingual terms that names are built from,
 * and the product-family names owners write in place of the kind ("Avanti", "Q Exactive").
 * The data is domain knowledge kept apart from the matcher so that it can grow without code.
 */
export interface ThesaurusEntry {
  /** UPPER_SNAKE; an existing key of instrument-types.ts when it is the same kind (the names then extend that type) */
  key: string;
  /** the most specific code of the national class list (schema/thesaurus/nrii-instrument-classes.csv) the kind belongs to */
  classCode: string;
  /** Chinese names, the full name first */
  zh: string[];
  /** English names and spelling variants */
  en: string[];
  /** abbreviations as written (case kept), only ones unambiguous among laboratory instruments */
  abbr?: string[];
  /** key of a more general kind (a field-emission SEM is an SEM) */
  broader?: string;
}

/** A word-level bilingual instrument term ("质谱" ↔ "mass spectrometer"). */
export interface TermPair { zh: string[]; en: string[] }

/** A product family name as written on instruments, its makers, and the key of the kind it is. */
export interface ProductLine { makers: string[]; line: string; type: string }

/** Compact constructor for the data files: code, key, Chinese names, English names, abbreviations, broader key. */
export const entry = (classCode: string, key: string, zh: string[], en: string[], abbr?: string[], broader?: string): ThesaurusEntry =>
  ({ key, classCode, zh, en, ...(abbr && abbr.length > 0 ? { abbr } : {}), ...(broader ? { broader } : {}) });
