/**
 * A search text as the units a match is measured in. Each unit is one thing the user asked for —
 * a bilingual instrument term ("质谱" or "mass spectrometer"), a word, a pair of Chinese characters
 * no term covers — with every way an instrument's record may say it: the other language's forms
 * (so "离心机" finds "Bench Top Centrifuge"), the word as meant when misspelt, and its completions
 * when it is the last word typed. A record matches when it says enough of the units
 * (`requiredUnits`), not necessarily all: "测量系统" still finds "测试系统".
 */
import { INSTRUMENT_TYPES, instrumentTypeNames } from '../../../schema/instrument-types.ts';
import { INSTRUMENT_WORDS } from '../../../schema/thesaurus/thesaurus.ts';
import { VOCABULARY } from '../../../schema/instrument-vocabulary.ts';
import { cjkBigrams, foldText, hasCjk, latinWords, letterDigitParts, stemWord, wordTerms } from './text-analysis.ts';

/** marks a term that stands for every term it begins (a tsquery prefix, `'spec':*`) */
export const PREFIX = '*';

export interface QueryUnit {
  /** the part of the text the unit stands for */
  label: string;
  /** each alternative is a set of terms a record holds all of */
  alternatives: string[][];
  /** generic words (system, 设备) help ranking but are never required */
  generic: boolean;
}

/** words that say nothing of what an instrument is */
const STOP_WORDS = new Set(['a', 'an', 'and', 'the', 'of', 'for', 'with', 'in', 'on', 'to', 'by', 'w', '的', '和', '与', '及']);
/** words every other record holds: they rank, they do not decide */
const GENERIC = new Set(['system', 'instrument', 'equipment', 'apparatus', 'device', 'machine', 'unit', 'set', 'facility', 'platform',
  '系统', '设备', '仪器', '装置', '仪', '机', '器', '平台', '一套', '套']);

/** a thing said in either language: its Chinese and its English (or abbreviated) forms */
export interface Phrase { zh: readonly string[]; en: readonly string[] }

const cjkForm = (text: string) => foldText(text).replace(/[\s\-_/·]+/g, '');
const enWords = (text: string) => latinWords(text).map(stemWord);

/** Phrases looked up where a query's Chinese run or Latin words begin, longest first. */
export interface PhraseTable {
  /** by their first two characters */
  zh: Map<string, Array<{ form: string; phrase: Phrase }>>;
  /** by their first stemmed word */
  en: Map<string, Array<{ words: string[]; phrase: Phrase }>>;
}

export function buildPhraseTable(phrases: readonly Phrase[]): PhraseTable {
  const table: PhraseTable = { zh: new Map(), en: new Map() };
  for (const phrase of phrases) {
    for (const zh of phrase.zh) {
      const form = cjkForm(zh);
      if ([...form].length < 2 || !/^[\u3400-\u9fff]+$/.test(form)) continue;
      const key = form.slice(0, 2);
      if (!table.zh.has(key)) table.zh.set(key, []);
      table.zh.get(key)!.push({ form, phrase });
    }
    for (const en of phrase.en) {
      const words = enWords(en);
      if (!words.length) continue;
      if (!table.en.has(words[0])) table.en.set(words[0], []);
      table.en.get(words[0])!.push({ words, phrase });
    }
  }
  for (const list of table.zh.values()) list.sort((a, b) => b.form.length - a.form.length);
  for (const list of table.en.values()) list.sort((a, b) => b.words.length - a.words.length);
  return table;
}

/** The thesaurus's phrases: its word-level terms, and each type's Chinese and English names. */
export const THESAURUS_PHRASES: readonly Phrase[] = [
  ...INSTRUMENT_WORDS,
  ...INSTRUMENT_TYPES.map((t) => {
    const names = instrumentTypeNames(t);
    return { zh: names.filter(hasCjk), en: names.filter((n) => !hasCjk(n)) };
  }),
];
export const THESAURUS_TABLE = buildPhraseTable(THESAURUS_PHRASES);

/** every way a record may say a phrase: each Chinese form's bigrams, each English form's words */
function phraseAlternatives(phrase: Phrase): string[][] {
  const alternatives = new Map<string, string[]>();
  for (const zh of phrase.zh) {
    const grams = cjkBigrams(cjkForm(zh));
    if (grams.length) alternatives.set(grams.join(' '), grams);
  }
  for (const en of phrase.en) {
    const words = enWords(en);
    if (words.length) alternatives.set(words.join(' '), words);
    // abbreviations written run together: LC-MS as lcms
    if (words.length > 1 && words.join('').length <= 8) alternatives.set(words.join(''), [words.join('')]);
  }
  return [...alternatives.values()];
}

function cjkUnits(run: string, table: PhraseTable): QueryUnit[] {
  const units: QueryUnit[] = [];
  let leftover = '';
  const flush = () => {
    // characters no term covers: their bigrams, one unit each; a lone character says too little
    for (const gram of leftover.length >= 2 ? cjkBigrams(leftover) : []) {
      if (!STOP_WORDS.has(gram)) units.push({ label: gram, alternatives: [[gram]], generic: GENERIC.has(gram) });
    }
    leftover = '';
  };
  const endOfRun = () => {
    // the last characters typed are where a wrong character of the same sound most often sits
    // (扫描电竞, 液相色普): a trailing pair no term covers also counts as any pair its first character begins
    const last = units.at(-1);
    if (last && last.alternatives.length === 1 && last.alternatives[0].length === 1 && [...last.label].length === 2 && run.endsWith(last.label)) {
      last.alternatives.push([`${[...last.label][0]}${PREFIX}`]);
    }
  };
  for (let at = 0; at < run.length;) {
    const match = (table.zh.get(run.slice(at, at + 2)) ?? []).find((c) => run.startsWith(c.form, at));
    if (!match) {
      leftover += run[at];
      at += 1;
      continue;
    }
    flush();
    units.push({ label: match.form, alternatives: phraseAlternatives(match.phrase), generic: GENERIC.has(match.form) });
    at += match.form.length;
  }
  flush();
  endOfRun();
  return units;
}

function latinUnits(words: readonly string[], table: PhraseTable): QueryUnit[] {
  const units: QueryUnit[] = [];
  const stems = words.map(stemWord);
  for (let i = 0; i < words.length;) {
    const match = (table.en.get(stems[i]) ?? []).find((c) => c.words.every((w, j) => stems[i + j] === w));
    if (match) {
      units.push({ label: words.slice(i, i + match.words.length).join(' '), alternatives: phraseAlternatives(match.phrase), generic: false });
      i += match.words.length;
      continue;
    }
    const word = words[i];
    i += 1;
    if (STOP_WORDS.has(word)) continue;
    const [written, ...others] = wordTerms(word);
    const parts = letterDigitParts(word).map(stemWord);
    // a word's parts are one form of it, all of them together: "lambda950" as "lambda 950"
    const alternatives = [[written], ...others.filter((t) => !parts.includes(t)).map((t) => [t]), ...(parts.length ? [parts] : [])];
    // any word it begins counts as it: the last word may be still being typed or cut ("diffract",
    // "mass spec"), and a word of five letters or more also stands for its longer forms (sputter, sputterer)
    const last = i === words.length;
    if (/^[a-z]+$/.test(word) && (word.length >= 5 || (last && word.length === 4 && !VOCABULARY.has(word)))) alternatives.push([`${word}${PREFIX}`]);
    // a lone letter ("X射线", "S 4800") ranks but never decides: records write it apart, together or not at all
    units.push({ label: word, alternatives, generic: GENERIC.has(word) || word.length < 2 });
  }
  return units;
}

/** The units of a search text, Chinese runs and Latin words in the order written. */
export function queryUnits(text: string, table: PhraseTable = THESAURUS_TABLE): QueryUnit[] {
  const folded = foldText(text);
  const units: QueryUnit[] = [];
  for (const piece of folded.split(/([\u3400-\u9fff\uf900-\ufaff]+)/)) {
    if (!piece) continue;
    if (hasCjk(piece)) units.push(...cjkUnits(cjkForm(piece), table));
    else {
      const words = latinWords(piece).filter((w) => !/[.+]/.test(w));
      // a word that is its own phrase again (a run-together abbreviation) would count twice
      units.push(...latinUnits(words, table));
    }
  }
  return units;
}

/** how many combinations of units the match condition may spell out before it asks for more units */
const MAX_COMBINATIONS = 64;

function combinations(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c;
}

/**
 * How many of the non-generic units a record must say: all of one or two, three in five —
 * more where the combinations to spell out would be too many.
 */
export function requiredUnits(n: number): number {
  if (n <= 2) return n;
  let k = Math.ceil(0.6 * n);
  while (k < n && combinations(n, k) > MAX_COMBINATIONS) k++;
  return k;
}
