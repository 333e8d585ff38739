/**
 * The filter of `instruments(filter:…)` (API.md): checked before any query runs, so a bad one is
 * a clear error and never a scan, then applied as WHERE clauses over indexed columns.
 */
import type { Knex } from 'knex';
import { resolveDistrict } from '../../schema/districts.ts';
import { badInput } from '../bad-input.ts';
import { applyNear, checkNear, type NearInput } from './search/nearness.ts';
import { MAX_WINDOW_DAYS } from './search/availability.ts';
import { allUnitsTsquery, enoughUnitsTsquery, type TextQuery } from './search/text-query.ts';
import type { DimensionFilter } from './instrument-counts.ts';
import { whereFilterKey, whereInstitutionOfType } from './search/filter-keys.ts';
import { hostedInstrumentsOf } from '../leasing/hosting.ts';

export interface InstrumentFilterInput {
  text?: string | null;
  classes?: string[] | null;
  districts?: string[] | null;
  institutionIds?: string[] | null;
  institutionTypes?: string[] | null;
  sharing?: string[] | null;
  sourceIds?: string[] | null;
  declaredStatuses?: string[] | null;
  maxExternalRate?: string | null;
  near?: NearInput | null;
  availableFrom?: Date | null;
  availableTo?: Date | null;
  /** not in the GraphQL filter: the instruments a service agency hosts now (ServiceAgency.hostedInstruments) */
  hostedBy?: string | null;
}

export const MAX_TEXT_LENGTH = 200;

/** Checks that need no database, so a bad query never reaches it. */
export function checkFilter(filter: InstrumentFilterInput): { districts: string[] | null; text: string | null } {
  let text = filter.text?.trim() ?? null;
  if (text === '') text = null;
  if (text && text.length > MAX_TEXT_LENGTH) throw badInput('filter.text', `${text.length} characters; at most ${MAX_TEXT_LENGTH} are searched`);
  let districts: string[] | null = null;
  if (filter.districts) {
    districts = filter.districts.map((d) => {
      const resolved = resolveDistrict(d);
      if (!resolved) throw badInput('filter.districts', `unknown district "${d}"`);
      return resolved.zh;
    });
  }
  if (filter.near) checkNear(filter.near);
  const { availableFrom: from, availableTo: to } = filter;
  if ((from && !to) || (!from && to)) throw badInput('filter.availableTo', 'goes with filter.availableFrom: give both or neither');
  if (from && to && to.getTime() <= from.getTime()) throw badInput('filter.availableTo', 'must be after filter.availableFrom');
  if (from && to && to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86400_000) throw badInput('filter.availableTo', `more than ${MAX_WINDOW_DAYS} days after filter.availableFrom`);
  return { districts, text };
}

/** The sources a listing covers: those the serving supergraph knows, narrowed by filter.sourceIds. */
function listedSources(filter: InstrumentFilterInput, activeSourceIds: readonly string[]): string[] {
  return filter.sourceIds?.length ? activeSourceIds.filter((id) => filter.sourceIds!.includes(id)) : [...activeSourceIds];
}

/**
 * Every filter but the text. By columns (their btree indexes) for listings; by filter keys for
 * the ranking's index scans, where they meet the types and words in one GIN scan.
 */
export function applyDimensions(db: Knex, query: Knex.QueryBuilder, filter: InstrumentFilterInput, activeSourceIds: readonly string[], via: 'columns' | 'filter keys' = 'columns'): Knex.QueryBuilder {
  const { districts } = checkFilter(filter);
  if (filter.near) applyNear(db, query, filter.near);
  query.whereIn('i.source_id', listedSources(filter, activeSourceIds));
  if (filter.maxExternalRate) query.where('i.external_rate', '<=', filter.maxExternalRate);
  if (filter.hostedBy) query.whereIn('i.id', hostedInstrumentsOf(db, filter.hostedBy));
  if (via === 'filter keys') {
    if (filter.classes?.length) whereFilterKey(query, 'class', filter.classes);
    if (districts?.length) whereFilterKey(query, 'district', districts);
    if (filter.institutionIds?.length) whereFilterKey(query, 'institution', filter.institutionIds);
    if (filter.institutionTypes?.length) whereInstitutionOfType(query, filter.institutionTypes);
    if (filter.sharing?.length) whereFilterKey(query, 'sharing', filter.sharing);
    if (filter.declaredStatuses?.length) whereFilterKey(query, 'status', filter.declaredStatuses);
    return query;
  }
  if (filter.classes?.length) query.whereIn('i.instrument_class', filter.classes);
  if (districts?.length) query.whereIn('i.district', districts);
  if (filter.institutionIds?.length) query.whereIn('i.institution_id', filter.institutionIds);
  if (filter.institutionTypes?.length) query.whereIn('i.institution_id', db('institutions').select('id').whereIn('type', filter.institutionTypes));
  if (filter.sharing?.length) query.whereIn('i.sharing', filter.sharing);
  if (filter.declaredStatuses?.length) query.whereIn('i.declared_status', filter.declaredStatuses);
  return query;
}

/**
 * The instruments whose words say the text: all of its units (`every`), or enough of them. A
 * text that names a type exactly ("高效液相色谱仪", "PPMS") wants that type: words it shares with
 * instruments of another recognised type (液相色谱-质谱联用仪, 0.1 ppm) do not make them matches,
 * so then only untyped ones count.
 */
export function whereWords(query: Knex.QueryBuilder, text: TextQuery, how: 'every' | 'enough'): Knex.QueryBuilder {
  const condition = how === 'every' ? allUnitsTsquery(text) : enoughUnitsTsquery(text);
  if (!condition) return query.whereRaw('false');
  query.whereRaw(`i.search_vector @@ to_tsquery('simple', ?)`, [condition]);
  return text.exactTypeKeys.length ? query.whereRaw('cardinality(i.type_keys) = 0') : query;
}

/** What makes an instrument match a search text: enough of its words, or a type it names. */
export function applyTextMatch(query: Knex.QueryBuilder, text: TextQuery): Knex.QueryBuilder {
  const words = enoughUnitsTsquery(text) !== null;
  if (!words && !text.typeKeys.length) return query.whereRaw('false');
  return query.where((q) => {
    if (words) q.orWhere((w) => whereWords(w, text, 'enough'));
    if (text.typeKeys.length) q.orWhereRaw('i.type_keys && ?::text[]', [text.typeKeys]);
  });
}

/**
 * The filter as `instrument_counts` dimensions (the text aside), or null when it holds a filter
 * they cannot answer: a price or a distance.
 */
export function dimensionFilter(filter: InstrumentFilterInput, activeSourceIds: readonly string[]): DimensionFilter | null {
  const { districts } = checkFilter(filter);
  if (filter.near || filter.maxExternalRate || filter.hostedBy) return null;
  return {
    sourceIds: listedSources(filter, activeSourceIds),
    classes: filter.classes, districts, institutionIds: filter.institutionIds, institutionTypes: filter.institutionTypes,
    sharing: filter.sharing, declaredStatuses: filter.declaredStatuses,
  };
}
