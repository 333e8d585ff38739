/**
 * The words instrument names are made of, as the thesaurus knows them: the names of its types,
 * its word-level bilingual terms (质谱 ↔ mass spectrometer), the product lines owners write
 * instead of a kind (Avanti, Orbitrap) and their makers. Typo correction corrects to these words
 * and a name cut short is completed to them, at index and at query time alike.
 */
import { INSTRUMENT_TYPES, instrumentTypeNames } from './instrument-types.ts';
import { INSTRUMENT_WORDS, PRODUCT_LINES } from './thesaurus/thesaurus.ts';

const CJK = /[\u3400-\u9fff]/;

/** Latin words of a name, folded and split the way the recognisers and the index split them */
export function latinWordsOf(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[a-z]+/g) ?? [];
}

function collectVocabulary(withLines: boolean): Set<string> {
  const words = new Set<string>();
  const add = (text: string) => { if (!CJK.test(text) || /[a-z]/i.test(text)) for (const w of latinWordsOf(text)) words.add(w); };
  for (const type of INSTRUMENT_TYPES) for (const name of instrumentTypeNames(type)) add(name);
  for (const pair of INSTRUMENT_WORDS) for (const en of pair.en) add(en);
  // makers too, so that a maker's name is never "corrected" into a product line near it (BioTek → Biomek)
  for (const line of PRODUCT_LINES) for (const text of [...(withLines ? [line.line] : []), ...line.makers]) add(text);
  return words;
}

/** every word the thesaurus knows: a known word is never corrected */
export const VOCABULARY: ReadonlySet<string> = collectVocabulary(true);

/**
 * The words a misspelt or cut word may be taken for: not a product line's own name, which is a brand,
 * not a description ("Modula…" of "Spatial Light Modulator" is no Solartron ModuLab).
 */
export const CORRECTION_TARGETS: ReadonlySet<string> = collectVocabulary(false);
