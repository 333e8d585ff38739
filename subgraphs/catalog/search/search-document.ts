/**
 * What the index stores for searching one instrument: its recognised thesaurus types, and its
 * analysed terms in two weights — what the instrument is called (name, English name, model,
 * maker, and every name of its recognised types, so a query in one wording finds instruments
 * recorded in another) and what it does (specs, functions).
 */
import { instrumentTypeByKey, instrumentTypeNames } from '../../../schema/instrument-types.ts';
import { recognizeInstrumentTypes } from '../../../schema/instrument-type-recognition.ts';
import type { CanonicalInstrument } from '../../../connectors/sdk/canonical.ts';
import { analyzeText } from './text-analysis.ts';

export interface SearchDocument {
  typeKeys: string[];
  /** space-separated terms, weight A */
  nameTerms: string;
  /** space-separated terms, weight C */
  detailTerms: string;
}

export function searchDocument(instrument: Pick<CanonicalInstrument, 'name' | 'nameEn' | 'model' | 'manufacturer' | 'specs' | 'functions'>): SearchDocument {
  const typeKeys = [...new Set([
    ...recognizeInstrumentTypes(instrument.name),
    ...(instrument.nameEn ? recognizeInstrumentTypes(instrument.nameEn) : []),
  ].map((t) => t.key))];
  const typeNames = typeKeys.flatMap((key) => instrumentTypeNames(instrumentTypeByKey(key)!));
  const nameTerms = new Set([instrument.name, instrument.nameEn, instrument.model, instrument.manufacturer, ...typeNames].flatMap(analyzeText));
  const detailTerms = new Set([instrument.specs, instrument.functions].flatMap(analyzeText));
  for (const t of nameTerms) detailTerms.delete(t);
  return { typeKeys, nameTerms: [...nameTerms].join(' '), detailTerms: [...detailTerms].join(' ') };
}
