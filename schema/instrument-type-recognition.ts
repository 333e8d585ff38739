/**
 * Recognising thesaurus types in free text — an owner's instrument name, an applicant's
 * purchase title, a search. Chinese names match as substrings (owners write without spaces),
 * Latin names and abbreviations as whole words, stemmed, spelling-corrected and with or without
 * hyphens ("FE-SEM", "FESEM", "field emission scanning electron microscopes"). Where matches
 * overlap the longer one wins, so "场发射扫描电镜" is FE_SEM, not also SEM, and "核磁共振成像"
 * is MRI, never NMR.
 *
 * Owners' records also say what an instrument is in two ways a search text does not: a product
 * line instead of the kind ("Avanti J-26", "Orbitrap Fusion"), and a name cut short by an export
 * ("Field Emission Scann"). `fromRecord` recognises both; a search for "Orbitrap" wants that
 * line, not every mass spectrometer, so queries leave product lines to the words.
 *
 *   recognizeInstrumentTypes("Zeiss 场发射扫描电镜 Sigma 300") → [{ key: 'FE_SEM', matched: '场发射扫描电镜', exact: false }]
 */
import { INSTRUMENT_TYPES, instrumentTypeNames } from './instrument-types.ts';
import { PRODUCT_LINES } from './thesaurus/thesaurus.ts';
import { completeWord, correctWord } from './instrument-type-spelling.ts';

export interface RecognizedType {
  key: string;
  /** the name form found in the text */
  matched: string;
  /** the whole text is that name (a query for exactly the type) */
  exact: boolean;
  /** the makers of the product line that named it, when one did */
  makers?: readonly string[];
}

interface Pattern { key: string; name: string; cjk: boolean; words: string[]; length: number; productLine: boolean; makers?: readonly string[] }

const CJK = /[\u3400-\u9fff]/;
const CJK_RUNS = /[\u3400-\u9fff]{2,}/g;

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * a Latin word as the patterns hold it, lightly stemmed (microscopes/microscopy → microscop), to a
 * fixed point so that a form already stemmed once meets its full word ("Eclips" and "Eclipse",
 * "assays" and "assay")
 */
function stem(word: string): string {
  let stemmed = word;
  for (let shorter = stemmed; stemmed.length > 4; stemmed = shorter) {
    shorter = stemmed.replace(/(ies|es|s|y|e)$/, '');
    if (shorter === stemmed) break;
  }
  return stemmed;
}

/** Latin words, spelling-corrected, and split at letter–digit boundaries ("lambda950" → lambda, 950) */
function words(text: string): string[] {
  return (fold(text).match(/[a-z0-9]+/g) ?? [])
    .flatMap((w) => (/[a-z]/.test(w) && /\d/.test(w) ? w.match(/[a-z]+|\d+/g)! : [w]))
    .map((w) => stem(correctWord(w) ?? w));
}

function cjkForm(text: string): string {
  return fold(text).replace(/[\s\-_/·]+/g, '').replace(/[（(][^）)]*[）)]/g, '');
}

const PATTERNS: Pattern[] = [];
function addPattern(key: string, name: string, productLine: boolean, makers?: readonly string[]): void {
  if (CJK.test(name)) {
    // short forms such as 核磁 are safe: the longest match wins, so 核磁共振成像 is taken by MRI first
    const form = cjkForm(name);
    PATTERNS.push({ key, name, cjk: true, words: [form], length: [...form].length * 2, productLine, makers });
    return;
  }
  const w = words(name);
  if (w.length === 0) return;
  PATTERNS.push({ key, name, cjk: false, words: w, length: w.join('').length, productLine, makers });
  // a series and its number are written either way round: "1260 Infinity", "Infinity 1260"
  if (productLine && w.length === 2 && /^\d+$/.test(w[0]) !== /^\d+$/.test(w[1])) PATTERNS.push({ key, name, cjk: false, words: [w[1], w[0]], length: w.join('').length, productLine, makers });
  // abbreviations are also written run together: FE-SEM as FESEM, LC-MS as LCMS
  if (w.length > 1 && w.join('').length <= 8) PATTERNS.push({ key, name, cjk: false, words: [w.join('')], length: w.join('').length, productLine, makers });
}
for (const type of INSTRUMENT_TYPES) for (const name of new Set(instrumentTypeNames(type))) addPattern(type.key, name, false);
for (const line of PRODUCT_LINES) if (line.line.replace(/[^A-Za-z]/g, '').length >= 3) addPattern(line.type, line.line, true, line.makers);
PATTERNS.sort((a, b) => b.length - a.length);

// thousands of patterns, tens of thousands of records: look up only the patterns a text can hold,
// by their first word or their first two characters (PATTERNS' order, longest first, is kept)
const BY_FIRST = new Map<string, number[]>();
PATTERNS.forEach((p, index) => {
  // a Chinese name by its first two Chinese characters, where texts' Chinese runs are looked up
  // ("X射线衍射仪" by 射线); the rare name without two together by its first two characters
  const first = p.cjk ? (/[\u3400-\u9fff]{2}/.exec(p.words[0])?.[0] ?? p.words[0].slice(0, 2)) : p.words[0];
  if (!BY_FIRST.has(first)) BY_FIRST.set(first, []);
  BY_FIRST.get(first)!.push(index);
});

const CJK_WITHOUT_PAIR = PATTERNS.flatMap((p, i) => (p.cjk && !/[\u3400-\u9fff]{2}/.test(p.words[0]) ? [i] : []));

function candidatePatterns(cjkText: string, textWords: readonly string[], fromRecord: boolean): Pattern[] {
  const indexes = new Set<number>();
  const add = (first: string) => { for (const i of BY_FIRST.get(first) ?? []) indexes.add(i); };
  for (const run of cjkText.match(CJK_RUNS) ?? []) for (let i = 0; i + 1 < run.length; i++) add(run.slice(i, i + 2));
  for (const i of CJK_WITHOUT_PAIR) if (cjkText.includes(PATTERNS[i].words[0])) indexes.add(i);
  for (const w of textWords) add(w);
  // a record's last word may be cut: the patterns starting with a word it begins
  const last = textWords[textWords.length - 1];
  if (fromRecord && last) for (const w of completeWord(last)) add(stem(w));
  return [...indexes].sort((a, b) => a - b).map((i) => PATTERNS[i]);
}

/** a cut name's last words must say this much of a pattern before they stand for it */
const MIN_CUT_MATCH = 6;
/** kinds a cut name may stand for before it is taken to say too little */
const MAX_CUT_KINDS = 3;

/**
 * How many words of the text at `i` a pattern matches: all of its words; or, for a record, its
 * words up to the text's last one, which an export may have cut ("… Scann", "freeze dry") and
 * which then need only begin the pattern's word. A cut match is `cut`.
 */
function matchesAt(p: Pattern, textWords: readonly string[], i: number, allowCut: boolean): { n: number; cut: boolean } {
  const none = { n: 0, cut: false };
  const have = Math.min(p.words.length, textWords.length - i);
  for (let j = 0; j < have; j++) {
    const word = textWords[i + j];
    if (word === p.words[j]) continue;
    const isLast = i + j === textWords.length - 1;
    const said = p.words.slice(0, j).join('').length + word.length;
    if (allowCut && isLast && word.length >= (j > 0 ? 2 : 3) && p.words[j].startsWith(word) && said >= MIN_CUT_MATCH) return { n: j + 1, cut: true };
    return none;
  }
  return have === p.words.length ? { n: have, cut: false } : none;
}

export interface RecognitionOptions {
  /** an owner's record: product lines name kinds, and a name may be cut short */
  fromRecord?: boolean;
}

// inventories repeat their names (a list of forty "INDIGO2 COMPUTER RP"): each is read once
const RECOGNISED_LIMIT = 20_000;
const recognised = new Map<string, RecognizedType[]>();

export function recognizeInstrumentTypes(text: string, options: RecognitionOptions = {}): RecognizedType[] {
  const key = `${options.fromRecord ? 'r' : 'q'}${text}`;
  const known = recognised.get(key);
  if (known) return known;
  const found = recognize(text, options.fromRecord ?? false);
  if (recognised.size >= RECOGNISED_LIMIT) recognised.clear();
  recognised.set(key, found);
  return found;
}

function recognize(text: string, fromRecord: boolean): RecognizedType[] {
  const cjkText = cjkForm(text);
  const textWords = words(text);
  const takenChars = new Array<boolean>(cjkText.length).fill(false);
  const takenWords = new Array<boolean>(textWords.length).fill(false);
  const found = new Map<string, RecognizedType>();
  const hits = new Map<string, number>();
  // the kind that only the last word named, by itself: a cut word may happen to be a short name
  // ("Mass Spect" is not SPECT imaging)
  let lastWordAlone: string | null = null;
  const wholeWords = textWords.join(' ');
  const candidates = candidatePatterns(cjkText, textWords, fromRecord).filter((p) => fromRecord || !p.productLine);
  for (const p of candidates) {
    if (p.cjk) {
      let at = cjkText.indexOf(p.words[0]);
      while (at >= 0) {
        const end = at + p.words[0].length;
        if (!takenChars.slice(at, end).some(Boolean)) {
          takenChars.fill(true, at, end);
          if (!found.has(p.key)) found.set(p.key, { key: p.key, matched: p.name, exact: cjkText === p.words[0] });
        }
        at = cjkText.indexOf(p.words[0], end);
      }
      continue;
    }
    for (let i = 0; i < textWords.length; i++) {
      const { n, cut } = matchesAt(p, textWords, i, false);
      if (!n || cut || takenWords.slice(i, i + n).some(Boolean)) continue;
      takenWords.fill(true, i, i + n);
      hits.set(p.key, (hits.get(p.key) ?? 0) + 1);
      if (i === textWords.length - 1 && n === 1 && textWords.length > 1) lastWordAlone = p.key;
      if (!found.has(p.key)) found.set(p.key, { key: p.key, matched: p.name, exact: !p.productLine && wholeWords === p.words.join(' ') && !CJK.test(text), ...(p.makers ? { makers: p.makers } : {}) });
    }
  }
  // a cut name may have been any kind its words begin: the kinds it cuts at their last word when there
  // are such ("MASS SPEC" is a mass spectrometer, not a MALDI-TOF), else all it begins when few ("Gas
  // Chro…": a GC or a GC-MS), none when many. Product lines are names, not descriptions: a cut word
  // that begins one ("Spatial Light Modula…") says nothing of it.
  if (fromRecord && textWords.length && (!takenWords[textWords.length - 1] || lastWordAlone)) {
    const last = textWords.length - 1;
    const cut = new Map<string, { name: string; complete: boolean }>();
    for (const p of candidates) {
      if (p.cjk || p.productLine) continue;
      const at = textWords.findIndex((_, i) => matchesAt(p, textWords, i, true).cut);
      if (at < 0 || takenWords.slice(at, last).some(Boolean)) continue;
      // a word that names a kind by itself stands unless the words before it begin a longer name
      if (takenWords[last] && (at === last || p.words.length !== textWords.length - at)) continue;
      const complete = p.words.length === textWords.length - at;
      const known = cut.get(p.key);
      if (!known || (complete && !known.complete)) cut.set(p.key, { name: p.name, complete });
    }
    const completed = [...cut].filter(([, c]) => c.complete);
    const kinds = completed.length ? completed : [...cut];
    if (kinds.length && kinds.length <= MAX_CUT_KINDS) {
      if (takenWords[last] && lastWordAlone && hits.get(lastWordAlone) === 1) found.delete(lastWordAlone);
      for (const [key, { name }] of kinds) if (!found.has(key)) found.set(key, { key, matched: name, exact: false });
    }
  }
  return [...found.values()];
}

/**
 * The kinds whose names end with the text's, where the text is a kind's name: the narrower kinds
 * a name's head noun implies ("测序仪" → 纳米孔测序仪, 高通量测序仪; "centrifuge" → ultracentrifuge is
 * not, but "refrigerated centrifuge" is), and kinds the thesaurus holds under another key with the
 * same name. A search that names a kind exactly wants these too.
 */
export function kindsNamedAfter(text: string): string[] {
  const form = cjkForm(text);
  const found = new Set<string>();
  if (CJK.test(text)) {
    if ([...form].length < 2) return [];
    for (const { name, key } of BY_CJK_ENDING.get(form.slice(-2)) ?? []) if (name.endsWith(form)) found.add(key);
  } else {
    const textWords = words(text);
    if (!textWords.length) return [];
    const tail = textWords.join(' ');
    for (const { name, key } of BY_LAST_WORD.get(textWords[textWords.length - 1]) ?? []) if (name === tail || name.endsWith(` ${tail}`)) found.add(key);
  }
  return [...found];
}

const BY_CJK_ENDING = new Map<string, Array<{ name: string; key: string }>>();
const BY_LAST_WORD = new Map<string, Array<{ name: string; key: string }>>();
for (const p of PATTERNS) {
  if (p.productLine) continue;
  const [index, ending, name] = p.cjk
    ? [BY_CJK_ENDING, p.words[0].slice(-2), p.words[0]]
    : [BY_LAST_WORD, p.words[p.words.length - 1], p.words.join(' ')];
  if (!index.has(ending)) index.set(ending, []);
  index.get(ending)!.push({ name, key: p.key });
}
