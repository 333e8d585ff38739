/**
 * The thesaurus data as one: kinds of instrument (the national third-level classes and the
 * laboratory kinds they leave out), word-level bilingual terms, and product lines. The files
 * beside this one are data; instrument-types.ts merges the kinds into its types.
 */
import { NATIONAL_CLASS_TYPES } from './national-class-types.ts';
import { LAB_INSTRUMENT_TYPES } from './lab-instrument-types.ts';
import { INSTRUMENT_WORDS } from './instrument-words.ts';
import type { ProductLine, TermPair, ThesaurusEntry } from './thesaurus-entry.ts';

export type { ProductLine, TermPair, ThesaurusEntry };

export const THESAURUS_ENTRIES: readonly ThesaurusEntry[] = [...NATIONAL_CLASS_TYPES, ...LAB_INSTRUMENT_TYPES];

export { INSTRUMENT_WORDS };

export { PRODUCT_LINES } from './product-lines.ts';
