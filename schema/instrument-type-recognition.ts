/**
 * Recognising thesaurus types in free text — an owner's instrument name, an applicant's
 * purchase title. Chinese names match as substrings (owners write without spaces), Latin
 * names and abbreviations as whole words, stemmed and with or without hyphens ("FE-SEM",
 * "FESEM", "field emission scanning electron microscopes"). Where matches overlap the longer
 * one wins, so "场发射扫描电镜" is FE_SEM, not also SEM, and "核磁共振成像" is MRI, never NMR.
 *
 *   recognizeInstrumentTypes("Zeiss 场发射扫描电镜 Sigma 300") → [{ key: 'FE_SEM', matched: '场发射扫描电镜', exact: false }]
 */
import { INSTRUMENT_TYPES, instrumentTypeNames } from './instrument-types.ts';

export interface RecognizedType {
  key: string;
  /** the name form found in the text */
  matched: string;
  /** the whole text is that name (a query for exactly the type) */
  exact: boolean;
}

interface Pattern { key: string; name: string; cjk: boolean; words: string[]; length: number }

const CJK = /[\u3400-\u9fff]/;

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Latin words, lightly stemmed (microscopes/microscopy → microscop); keeps the matcher self-contained. */
function words(text: string): string[] {
  return (fold(text).match(/[a-z0-9]+/g) ?? []).map((w) => (w.length > 4 ? w.replace(/(ies|es|s|y|e)$/, '') : w));
}

function cjkForm(text: string): string {
  return fold(text).replace(/[\s\-_/·]+/g, '').replace(/[（(][^）)]*[）)]/g, '');
}

const PATTERNS: Pattern[] = [];
for (const type of INSTRUMENT_TYPES) {
  for (const name of new Set(instrumentTypeNames(type))) {
    if (CJK.test(name)) {
      // short forms such as 核磁 are safe: the longest match wins, so 核磁共振成像 is taken by MRI first
      const form = cjkForm(name);
      PATTERNS.push({ key: type.key, name, cjk: true, words: [form], length: [...form].length * 2 });
    } else {
      const w = words(name);
      if (w.length === 0) continue;
      PATTERNS.push({ key: type.key, name, cjk: false, words: w, length: w.join('').length });
      // abbreviations are also written run together: FE-SEM as FESEM, LC-MS as LCMS
      if (w.length > 1 && w.join('').length <= 8) PATTERNS.push({ key: type.key, name, cjk: false, words: [w.join('')], length: w.join('').length });
    }
  }
}
PATTERNS.sort((a, b) => b.length - a.length);

export function recognizeInstrumentTypes(text: string): RecognizedType[] {
  const cjkText = cjkForm(text);
  const textWords = words(text);
  const takenChars = new Array<boolean>(cjkText.length).fill(false);
  const takenWords = new Array<boolean>(textWords.length).fill(false);
  const found = new Map<string, RecognizedType>();
  const wholeCjk = cjkText;
  const wholeWords = textWords.join(' ');
  for (const p of PATTERNS) {
    if (p.cjk) {
      let at = cjkText.indexOf(p.words[0]);
      while (at >= 0) {
        const end = at + p.words[0].length;
        if (!takenChars.slice(at, end).some(Boolean)) {
          takenChars.fill(true, at, end);
          if (!found.has(p.key)) found.set(p.key, { key: p.key, matched: p.name, exact: wholeCjk === p.words[0] });
        }
        at = cjkText.indexOf(p.words[0], end);
      }
    } else {
      for (let i = 0; i + p.words.length <= textWords.length; i++) {
        if (!p.words.every((w, j) => textWords[i + j] === w)) continue;
        if (takenWords.slice(i, i + p.words.length).some(Boolean)) continue;
        takenWords.fill(true, i, i + p.words.length);
        if (!found.has(p.key)) found.set(p.key, { key: p.key, matched: p.name, exact: wholeWords === p.words.join(' ') && !CJK.test(text) });
      }
    }
  }
  return [...found.values()];
}
