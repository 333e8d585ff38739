/**
 * A search text as the index understands it, parsed once: its units (query-units.ts), the
 * thesaurus types it names, and its compacted form for an exact model match. Ranking (see
 * `scoreSql` in ranking.ts) puts an exact model above an exact type, a type above words, and
 * among words a record saying more of the units above one saying fewer.
 */
import { kindsNamedAfter, recognizeInstrumentTypes } from '../../../schema/instrument-type-recognition.ts';
import { withNarrowerTypes } from '../../../schema/instrument-types.ts';
import { correctSpelling } from '../../../schema/instrument-type-spelling.ts';
import { compactModel, termLexemes } from './text-analysis.ts';
import { PREFIX, queryUnits, requiredUnits, THESAURUS_TABLE, type PhraseTable, type QueryUnit } from './query-units.ts';

export interface TextQuery {
  units: QueryUnit[];
  /** how many of the non-generic units a record must say */
  required: number;
  typeKeys: string[];
  /** types the text names exactly ("FE-SEM", "透射电镜"), not merely contains */
  exactTypeKeys: string[];
  model: string | null;
}

/** `phrases`: the thesaurus's, or the thesaurus's with the synonyms learned from the inventory */
export function parseTextQuery(query: string, phrases: PhraseTable = THESAURUS_TABLE): TextQuery {
  const types = recognizeInstrumentTypes(correctSpelling(query));
  const units = queryUnits(query, phrases);
  const exact = types.filter((t) => t.exact).map((t) => t.key);
  return {
    units,
    required: requiredUnits(units.filter((u) => !u.generic).length),
    typeKeys: withNarrowerTypes([...new Set([...types.map((t) => t.key), ...(exact.length ? kindsNamedAfter(query) : [])])]),
    exactTypeKeys: exact.length ? withNarrowerTypes([...new Set([...exact, ...kindsNamedAfter(query)])]) : [],
    model: compactModel(query),
  };
}

/** a term as a tsquery operand; `ownWords` restricts it to the owner's own words (weight A, search-document.ts) */
const quote = (term: string, ownWords = false) => {
  const weight = ownWords ? 'A' : '';
  const prefix = term.endsWith(PREFIX);
  const word = prefix ? term.slice(0, -1) : term;
  // as the index stores it: a term of several lexemes ("0.1") is their phrase
  const lexemes = termLexemes(word);
  const operands = (lexemes.length ? lexemes : [word]).map((lexeme, i, all) => {
    const flags = `${prefix && i === all.length - 1 ? '*' : ''}${weight}`;
    return `'${lexeme.replace(/'/g, "''")}'${flags ? `:${flags}` : ''}`;
  });
  return operands.length === 1 ? operands[0] : `(${operands.join(' <-> ')})`;
};

/** one unit as a tsquery: any of its alternatives, each all of its terms */
export function unitTsquery(unit: QueryUnit, ownWords = false): string {
  return `(${unit.alternatives.map((terms) => `(${terms.map((t) => quote(t, ownWords)).join(' & ')})`).join(' | ')})`;
}

/** a tsquery over plain terms, each quoted */
export function tsquery(terms: readonly string[], operator: '&' | '|'): string {
  return terms.map((t) => quote(t)).join(` ${operator} `);
}

/** a record that says every unit (generic ones aside), or whose owner does in its own words */
export function allUnitsTsquery(text: TextQuery, ownWords = false): string | null {
  const units = text.units.filter((u) => !u.generic);
  return units.length ? units.map((u) => unitTsquery(u, ownWords)).join(' & ') : null;
}

/**
 * A record that says enough units: every combination of `required` units, OR-ed, so the GIN
 * index answers it exactly (no heap recheck of every record holding one common word).
 */
export function enoughUnitsTsquery(text: TextQuery): string | null {
  const units = text.units.filter((u) => !u.generic).map((u) => unitTsquery(u));
  if (!units.length) return null;
  if (text.required >= units.length) return units.join(' & ');
  const combos: string[] = [];
  const pick = (start: number, chosen: string[]) => {
    if (chosen.length === text.required) {
      combos.push(`(${chosen.join(' & ')})`);
      return;
    }
    for (let i = start; i <= units.length - (text.required - chosen.length); i++) pick(i + 1, [...chosen, units[i]]);
  };
  pick(0, []);
  return combos.join(' | ');
}

/** any unit at all, for ranking by how much of the text a record says */
export function anyUnitTsquery(text: TextQuery): string | null {
  return text.units.length ? text.units.map((u) => unitTsquery(u)).join(' | ') : null;
}

export const SCORE_WEIGHTS = { exactModel: 4, exactType: 3, type: 1.5, coverage: 2, text: 1 } as const;
