/**
 * A search text as the index understands it: its analysed terms, the thesaurus types it names,
 * and its compacted form for an exact model match. Ranking (see `scoreSql`) puts an exact
 * model above an exact type, a type above a partial word, and explains itself in the score.
 */
import { recognizeInstrumentTypes } from '../../../schema/instrument-type-recognition.ts';
import { withNarrowerTypes } from '../../../schema/instrument-types.ts';
import { analyzeText, compactModel } from './text-analysis.ts';
import { correctSpelling } from '../../../schema/instrument-type-spelling.ts';

export interface TextQuery {
  terms: string[];
  typeKeys: string[];
  /** types the text names exactly ("FE-SEM", "透射电镜"), not merely contains */
  exactTypeKeys: string[];
  model: string | null;
}

export function parseTextQuery(query: string): TextQuery {
  const text = correctSpelling(query);
  const types = recognizeInstrumentTypes(text);
  return {
    terms: analyzeText(text),
    typeKeys: withNarrowerTypes(types.map((t) => t.key)),
    exactTypeKeys: withNarrowerTypes(types.filter((t) => t.exact).map((t) => t.key)),
    model: compactModel(query),
  };
}

/** a tsquery over analysed terms; terms are [a-z0-9] or CJK only, quoted anyway */
export function tsquery(terms: readonly string[], operator: '&' | '|'): string {
  return terms.map((t) => `'${t.replace(/'/g, "''")}'`).join(` ${operator} `);
}

export const SCORE_WEIGHTS = { exactModel: 4, exactType: 3, type: 1.5, text: 2 } as const;
