/**
 * What the index stores for searching one instrument: its recognised thesaurus types, and its
 * analysed terms in two weights — what the owner calls it (name, English name, model, maker) and
 * the rest: every name of its recognised types (so a query in one wording finds instruments
 * recorded in another) and what it does (specs, functions).
 *
 * A record is read as owners write them: its types also come from a product line given instead
 * of the kind ("Avanti J-26") and from a name an export cut short ("Field Emission Scann"),
 * whose last word is completed; misspelt words are indexed as meant as well as written.
 */
import { instrumentTypeByKey, instrumentTypeNames } from '../../../schema/instrument-types.ts';
import { recognizeInstrumentTypes, type RecognizedType } from '../../../schema/instrument-type-recognition.ts';
import type { CanonicalInstrument } from '../../../connectors/sdk/canonical.ts';
import { analyzeText, termLexemes, type AnalyzeOptions } from './text-analysis.ts';
import { remembered } from './remembered.ts';

export interface SearchDocument {
  typeKeys: string[];
  /** space-separated terms, weight A: the owner's own words for it */
  nameTerms: string;
  /** space-separated terms, weight C */
  detailTerms: string;
  /** both as the index's `tsvector` literal (`tsvectorLiteral`) */
  vector: string;
}

type Indexed = Pick<CanonicalInstrument, 'name' | 'nameEn' | 'model' | 'manufacturer' | 'specs' | 'functions' | 'ownerCategory'>;

/**
 * Owners' wording repeats over an inventory (one kind, one model, one phrasing on many records):
 * each distinct text is recognised and analysed once, which was most of a harvest's own work.
 */
const REMEMBERED = 50_000;
/** a whole document holds its vector too (about 2 KB): fewer of them, so the process keeps ~20 MB at most */
const REMEMBERED_DOCUMENTS = 10_000;
const recognizedTexts = new Map<string, RecognizedType[]>();
const analyzedTexts = new Map<string, string[]>();
const documents = new Map<string, SearchDocument>();

/** a text's search terms, as `analyzeText` gives them */
function analyzed(text: string | null, options: AnalyzeOptions = {}): string[] {
  if (!text) return [];
  return remembered(analyzedTexts, options.completeLastWord ? `+${text}` : ` ${text}`, () => analyzeText(text, options), REMEMBERED);
}

/**
 * The types a record names, in its name, its English name, its model or its owner's category
 * (a list that files "Leica SP8" under "Confocal" says what the name does not).
 */
export function recordTypes(instrument: Pick<Indexed, 'name' | 'nameEn' | 'model' | 'ownerCategory'>): RecognizedType[] {
  const texts = [instrument.name, instrument.nameEn, instrument.model, instrument.ownerCategory].filter((t): t is string => Boolean(t));
  return texts.flatMap((t) => remembered(recognizedTexts, t, () => recognizeInstrumentTypes(t, { fromRecord: true }), REMEMBERED));
}

// every record of a kind is indexed under all its names: analysed once per kind, not per record
const termsOfType = new Map<string, string[]>();
function typeTerms(key: string): string[] {
  let terms = termsOfType.get(key);
  if (!terms) {
    terms = [...new Set(instrumentTypeNames(instrumentTypeByKey(key)!).flatMap((name) => analyzeText(name)))];
    termsOfType.set(key, terms);
  }
  return terms;
}

/** the same for records written alike: the caller must not change what it is given */
export function searchDocument(instrument: Indexed): SearchDocument {
  const { name, nameEn, model, manufacturer, ownerCategory, specs, functions } = instrument;
  const key = [name, nameEn, model, manufacturer, ownerCategory, specs, functions].map((t) => t ?? '').join('\u0000');
  return remembered(documents, key, () => documentOf(instrument), REMEMBERED_DOCUMENTS);
}

function documentOf(instrument: Indexed): SearchDocument {
  const recognized = recordTypes(instrument);
  const typeKeys = [...new Set(recognized.map((t) => t.key))];

  const nameTerms = new Set<string>();
  const addName = (text: string | null, options?: AnalyzeOptions) => { for (const term of analyzed(text, options)) nameTerms.add(term); };
  addName(instrument.name, { completeLastWord: true });
  addName(instrument.nameEn, { completeLastWord: true });
  for (const text of [instrument.model, instrument.manufacturer, instrument.ownerCategory]) addName(text);
  // a product line says its maker where the record does not: "Infinity 1260" is an Agilent
  for (const type of recognized) for (const maker of type.makers ?? []) addName(maker);

  // the names of its kinds match like its own words but weigh like its details: among records of a
  // kind, the one whose owner wrote the searched words ("Field Emission Scann" for FE-SEM) ranks above
  // the one the hub only knows to be of it ("Mira 9000D")
  const detailTerms = new Set<string>();
  const addDetail = (term: string) => { if (!nameTerms.has(term)) detailTerms.add(term); };
  for (const key of typeKeys) for (const term of typeTerms(key)) addDetail(term);
  for (const text of [instrument.specs, instrument.functions]) for (const term of analyzed(text)) addDetail(term);
  const names = [...nameTerms];
  const details = [...detailTerms];
  return { typeKeys, nameTerms: names.join(' '), detailTerms: details.join(' '), vector: tsvectorLiteral(names, details) };
}

/** tsvector keeps positions up to this */
const MAX_POSITION = 16383;

/**
 * The terms as PostgreSQL's `tsvector` input, in the order `to_tsvector` would give them: the owner's
 * words at weight A, then the rest at C, each lexeme at the next position (ts_rank reads how near
 * matched words stand). Written here rather than parsed by the database: `to_tsvector` of 59 terms
 * a row was a fifth of a harvest's writing.
 */
export function tsvectorLiteral(nameTerms: readonly string[], detailTerms: readonly string[]): string {
  let literal = '';
  let position = 0;
  for (const [terms, weight] of [[nameTerms, 'A'], [detailTerms, 'C']] as const) {
    for (const term of terms) {
      for (const lexeme of quotedLexemes(term)) literal += `${position === 0 ? '' : ' '}${lexeme}${Math.min(++position, MAX_POSITION)}${weight}`;
    }
  }
  return literal;
}

/** a term's lexemes as the literal writes them ("'jem':"), worked out once per term of the vocabulary */
const lexemesOfTerm = new Map<string, string[]>();
function quotedLexemes(term: string): string[] {
  return remembered(lexemesOfTerm, term, () => termLexemes(term).map((lexeme) => `'${lexeme}':`), REMEMBERED);
}
