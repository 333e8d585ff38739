/**
 * How instrument text becomes search terms, the same way at index and at query time, in named
 * steps: fold (`foldText`), Chinese without spaces as character bigrams (`cjkBigrams`), Latin
 * words (`latinWords`) split where letters meet digits ("LAMBDA950" also gives lambda, 950),
 * corrected where misspelt and completed where cut short (schema/instrument-type-spelling.ts),
 * then lightly stemmed (`stemWord`); model designations also compacted ("JEM-2100F" and
 * "JEM2100F" both give "jem2100f").
 */
import { completeWord, correctWord } from '../../../schema/instrument-type-spelling.ts';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;
const LATIN_WORD = /[a-z0-9]+(?:[.+][a-z0-9]+)*/g;
const SEPARATORS = /[\s\-_/.·,，;；:：()（）[\]【】]+/g;

/** Fold full-width forms and case so "ＦＥ－ＳＥＭ" and "fe-sem" compare equal. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

/** A light English stemmer: enough that microscope/microscopy/microscopes, analyser/analyzer meet. */
export function stemWord(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  for (const [suffix, replacement] of [
    ['ies', 'y'], ['sses', 'ss'], ['ing', ''], ['ers', 'er'], ['ed', ''], ['es', 'e'], ['s', ''],
  ] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3 && !w.endsWith('ss')) {
      w = w.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  // British and American spellings meet: analyser/analyzer, centre/center
  w = w.replace(/yser$/, 'yzer').replace(/ise$/, 'ize').replace(/tre$/, 'ter');
  // microscopy ~ microscope, spectroscopy ~ spectroscope, spectrometry ~ spectrometer
  return w.replace(/(scop|metr|graph)(y|e|er|ic|ical)$/, '$1');
}

const LEXEME = /[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]+/g;

/**
 * What the index stores of a term: its runs of letters and digits, and of Chinese. A term such as
 * "0.1" or "h2o<1ppm" (a model or a spec compacted) is a phrase of several; the query asks for the
 * same phrase (text-query.ts), so the two sides split a term alike.
 */
export function termLexemes(term: string): string[] {
  return term.match(LEXEME) ?? [];
}

/** Character bigrams of each CJK run; a run of one character stays a unigram. */
export function cjkBigrams(text: string): string[] {
  const grams: string[] = [];
  for (const run of text.match(CJK_RUN) ?? []) {
    const chars = [...run];
    if (chars.length === 1) grams.push(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i] + chars[i + 1]);
  }
  return grams;
}

export function latinWords(text: string): string[] {
  return (foldText(text).replace(CJK_RUN, ' ').match(LATIN_WORD) ?? []).flatMap((w) => w.split(/[.+]/).concat(w.includes('.') || w.includes('+') ? [w] : []))
    .filter((w) => w.length > 0);
}

/** "JEM-2100F" → "jem2100f"; null when there is nothing model-like (no digit) in the text. */
export function compactModel(text: string): string | null {
  const compact = foldText(text).replace(SEPARATORS, '');
  return compact.length >= 3 && /\d/.test(compact) && /[a-z]/.test(compact) ? compact : null;
}

/** "lambda950" → lambda, 950: owners run a line and its number together, users write them apart */
export function letterDigitParts(word: string): string[] {
  if (!/[a-z]/.test(word) || !/\d/.test(word)) return [];
  const parts = word.match(/[a-z]+|\d+/g) ?? [];
  // "2100f" is not a 2100: a part of one letter is a variant's mark, and without it the parts say another model
  return parts.every((p) => p.length >= 2) ? parts : [];
}

/** A Latin word's forms as terms: itself, what it was meant to be, its parts, stemmed. */
export function wordTerms(word: string): string[] {
  const corrected = correctWord(word);
  return [...new Set([word, ...(corrected ? [corrected] : []), ...letterDigitParts(word)].map(stemWord))];
}

export interface AnalyzeOptions {
  /** the text may have been cut short (an owner's name from a fixed-width export): complete its last word */
  completeLastWord?: boolean;
}

/** Search terms of a piece of text: bigrams, stemmed words, and the compacted form of model-like tokens. */
export function analyzeText(text: string | null | undefined, options: AnalyzeOptions = {}): string[] {
  if (!text) return [];
  const folded = foldText(text);
  const terms = new Set<string>(cjkBigrams(folded));
  const words = latinWords(folded);
  for (const word of words) for (const term of wordTerms(word)) terms.add(term);
  if (options.completeLastWord && words.length) for (const word of completeWord(words[words.length - 1])) terms.add(stemWord(word));
  // adjacent alphanumeric tokens that together look like a model: "jem 2100f", "q exactive"
  const compact = compactModel(folded.replace(CJK_RUN, ' '));
  if (compact && compact.length <= 24) terms.add(compact);
  for (const token of folded.replace(CJK_RUN, ' ').split(/\s+/)) {
    const model = compactModel(token);
    if (model) terms.add(model);
  }
  return [...terms];
}
