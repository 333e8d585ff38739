/**
 * Typo tolerance for Latin words: a query word the thesaurus does not know is replaced by the
 * thesaurus word it is closest to, within one edit (two for words of ten letters or more), so "Diffractometr"
 * and "microscpe" still name their instruments. Models and short words are left alone.
 */
import { INSTRUMENT_TYPES, instrumentTypeNames } from './instrument-types.ts';

const VOCABULARY = new Set<string>();
for (const type of INSTRUMENT_TYPES) {
  for (const name of instrumentTypeNames(type)) for (const word of name.toLowerCase().match(/[a-z]+/g) ?? []) VOCABULARY.add(word);
}

/** Levenshtein distance, giving up above `max` */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length];
}

export function correctSpelling(text: string): string {
  return text.replace(/[A-Za-z]{5,}/g, (word) => {
    const lower = word.toLowerCase();
    if (VOCABULARY.has(lower)) return word;
    const max = lower.length >= 10 ? 2 : 1;
    let best: string | null = null;
    let bestDistance = max + 1;
    for (const candidate of VOCABULARY) {
      const d = editDistance(lower, candidate, max);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best ?? word;
  });
}
