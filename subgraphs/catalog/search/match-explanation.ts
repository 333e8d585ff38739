/**
 * Why a record matched a search (`InstrumentEdge.matchedBy`): its exact model, the named types it
 * is, and each unit of the text it says — with the form it says it in when that is another
 * language's, a correction or a completion ("离心机" as "centrifuge").
 */
import { PREFIX } from './query-units.ts';
import type { TextQuery } from './text-query.ts';
import type { InstrumentRow } from '../rows.ts';
import { searchDocument } from './search-document.ts';

export interface ExplainedRecord {
  modelKey: string | null;
  typeKeys: readonly string[];
  /** the record's analysed terms (search-document.ts) */
  terms: ReadonlySet<string>;
}

const says = (terms: ReadonlySet<string>, term: string) =>
  term.endsWith(PREFIX) ? [...terms].some((t) => t.startsWith(term.slice(0, -1))) : terms.has(term);

export function explainMatch(text: TextQuery, record: ExplainedRecord): string[] {
  const reasons: string[] = [];
  if (text.model && record.modelKey === text.model) reasons.push(`model ${text.model}`);
  for (const key of text.typeKeys) if (record.typeKeys.includes(key)) reasons.push(`type ${key}`);
  for (const unit of text.units) {
    const form = unit.alternatives.find((terms) => terms.every((t) => says(record.terms, t)));
    if (!form) continue;
    const written = form.join(' ').replace(/\*/g, '…');
    reasons.push(written === unit.label ? `"${unit.label}"` : `"${unit.label}" as "${written}"`);
  }
  return reasons;
}

/** A catalog row as `explainMatch` reads it: its terms analysed again (twenty rows a page, not the index's columns). */
export function explainedRecord(row: Pick<InstrumentRow, 'name' | 'name_en' | 'model' | 'manufacturer' | 'specs' | 'functions' | 'owner_category' | 'type_keys' | 'model_key'>): ExplainedRecord {
  const document = searchDocument({
    name: row.name, nameEn: row.name_en, model: row.model, manufacturer: row.manufacturer, specs: row.specs, functions: row.functions, ownerCategory: row.owner_category,
  });
  return {
    modelKey: row.model_key,
    typeKeys: row.type_keys,
    terms: new Set(`${document.nameTerms} ${document.detailTerms}`.split(' ').filter(Boolean)),
  };
}
