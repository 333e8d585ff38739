/**
 * Typo tolerance and truncation for Latin words, at index and at query time: a word the
 * thesaurus does not know is corrected to the vocabulary word it is closest to, within one edit
 * (two for words of ten letters or more), so "Diffractometr", "microscpe" and an owner's
 * "spectrophotometaer" still name their instruments; and a name cut short by an export
 * ("Field Emission Scann", "Thermo Fisher Orbitr") has its last word completed.
 */
import { CORRECTION_TARGETS, VOCABULARY } from './instrument-vocabulary.ts';

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

/**
 * shorter words are left alone: one edit turns an abbreviation into another (FTICR → FTIR, ICP → ICR),
 * and a short maker or model name into a word it is not
 */
const MIN_CORRECTED_LENGTH = 6;

/** every string `depth` deletions or fewer away from `word` (itself included) */
function deletions(word: string, depth: number): Set<string> {
  const found = new Set([word]);
  let frontier = [word];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const w of frontier) {
      for (let i = 0; i < w.length; i++) {
        const shorter = w.slice(0, i) + w.slice(i + 1);
        if (!found.has(shorter)) {
          found.add(shorter);
          next.push(shorter);
        }
      }
    }
    frontier = next;
  }
  return found;
}

/**
 * The vocabulary by its deletions (SymSpell): two words within k edits share a string k deletions
 * or fewer from each, so a misspelt word's candidates are a few map look-ups, not a pass over
 * thousands of words. Built on the first correction; two deletions only for words that may take two
 * edits (a query word of ten letters against a vocabulary word of eight or more).
 */
let byDeletion: Map<string, string[]> | null = null;
function vocabularyByDeletion(): Map<string, string[]> {
  if (byDeletion) return byDeletion;
  byDeletion = new Map();
  for (const word of CORRECTION_TARGETS) {
    if (word.length < MIN_CORRECTED_LENGTH - 1) continue;
    for (const variant of deletions(word, word.length >= 8 ? 2 : 1)) {
      const words = byDeletion.get(variant);
      if (words) words.push(word);
      else byDeletion.set(variant, [word]);
    }
  }
  return byDeletion;
}

const SORTED = [...CORRECTION_TARGETS].sort();

// owners' words repeat (makers, lines, the same typo over a whole export): each is looked up once
const CACHE_LIMIT = 50_000;
const corrections = new Map<string, string | null>();

/** The vocabulary word a misspelt word stands for, or null (known words, short words, no near word). */
export function correctWord(word: string): string | null {
  const lower = word.toLowerCase();
  if (lower.length < MIN_CORRECTED_LENGTH || !/^[a-z]+$/.test(lower) || VOCABULARY.has(lower)) return null;
  const cached = corrections.get(lower);
  if (cached !== undefined) return cached;
  const max = lower.length >= 10 ? 2 : 1;
  const index = vocabularyByDeletion();
  let best: string | null = null;
  let bestDistance = max + 1;
  for (const variant of deletions(lower, max)) {
    for (const candidate of index.get(variant) ?? []) {
      const d = editDistance(lower, candidate, max);
      if (d < bestDistance || (d === bestDistance && best !== null && candidate < best)) {
        best = candidate;
        bestDistance = d;
      }
    }
  }
  if (corrections.size >= CACHE_LIMIT) corrections.clear();
  corrections.set(lower, best);
  return best;
}

/** Each misspelt Latin word of a text replaced by the word it stands for. */
export function correctSpelling(text: string): string {
  return text.replace(/[A-Za-z]{6,}/g, (word) => correctWord(word) ?? word);
}

/** how many completions a cut word may have before it says too little to complete */
const MAX_COMPLETIONS = 12;

/**
 * The vocabulary words a word cut short may be the start of ("scann" → scanner, scanning);
 * none for known words and for stubs under four letters, which say too little.
 */
export function completeWord(word: string): string[] {
  const lower = word.toLowerCase();
  // the shorter a stub, the more words it begins: four letters may stand for a few, five for a dozen
  if (lower.length < 4 || !/^[a-z]+$/.test(lower) || VOCABULARY.has(lower)) return [];
  let lo = 0;
  let hi = SORTED.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (SORTED[mid] < lower) lo = mid + 1;
    else hi = mid;
  }
  const found: string[] = [];
  for (let i = lo; i < SORTED.length && SORTED[i].startsWith(lower); i++) found.push(SORTED[i]);
  return found.length <= (lower.length >= 5 ? MAX_COMPLETIONS : 4) ? found : [];
}
