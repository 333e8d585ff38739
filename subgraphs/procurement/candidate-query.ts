/**
 * Finding the existing instruments a planned purchase is compared with. The thesaurus types
 * recognised at harvest (`instruments.type_keys`, GIN-indexed) and the model key narrow a
 * million instruments to the few hundred of the same or near types before anything is scored;
 * when the purchase names no known type, its words are searched in the catalog's text index.
 */
import type { Knex } from 'knex';
import { parseTextQuery, tsquery } from '../catalog/search/text-query.ts';
import type { PlannedPurchase, PurchaseProfile } from './purchase-profile.ts';

export interface CandidateRow {
  id: string;
  name: string;
  model: string | null;
  model_key: string;
  manufacturer: string | null;
  type_keys: string[];
  specs: string | null;
  district: string | null;
  institution_id: string;
  sharing: 'OPEN' | 'INTERNAL' | 'CLOSED';
  /** for an instrument whose name names no type: the types other records of its model have */
  model_type_keys: string[];
}

const COLUMNS = ['i.id', 'i.name', 'i.model', 'i.model_key', 'i.manufacturer', 'i.type_keys', 'i.model_type_keys', 'i.specs', 'i.district', 'i.institution_id', 'i.sharing'];

/** how many rows are scored in full: enough that the best of a common type are among them */
export const CANDIDATE_POOL = 300;

function inRegion(db: Knex, sourceIds: readonly string[]): Knex.QueryBuilder {
  // a retired instrument (报废) can no longer be shared, so it is no reason not to buy
  return db('instruments as i').whereIn('i.source_id', [...sourceIds]).whereNot('i.declared_status', 'RETIRED');
}

/** The types most instruments of this model are recognised as, for a purchase named only vaguely ("电镜"). */
export async function typesOfModel(db: Knex, modelKey: string, sourceIds: readonly string[]): Promise<string[]> {
  if (modelKey.length < 3) return [];
  const row = await inRegion(db, sourceIds).where('i.model_key', modelKey).whereRaw('cardinality(i.type_keys) > 0')
    .select('i.type_keys').count('* as n').groupBy('i.type_keys').orderBy('n', 'desc').first() as { type_keys: string[] } | undefined;
  return row?.type_keys ?? [];
}

export async function findCandidateRows(db: Knex, purchase: PlannedPurchase, profile: PurchaseProfile, sourceIds: readonly string[]): Promise<CandidateRow[]> {
  const near = [...profile.substituteTypes, ...profile.relatedTypes];
  if (near.length > 0 || profile.modelKey.length >= 3) {
    const query = inRegion(db, sourceIds).select(COLUMNS)
      .where((q) => {
        if (near.length > 0) q.orWhereRaw('i.type_keys && ?::text[]', [near]).orWhereRaw('(cardinality(i.model_type_keys) > 0 and i.model_type_keys && ?::text[])', [near]);
        if (profile.modelKey.length >= 3) q.orWhere('i.model_key', profile.modelKey);
      })
      .orderByRaw('case when i.type_keys && ?::text[] or i.model_type_keys && ?::text[] then 3 when i.model_key = ? then 2 else 1 end desc', [profile.substituteTypes, profile.substituteTypes, profile.modelKey])
      .orderByRaw("(i.manufacturer is not null and lower(i.manufacturer) = lower(?)) desc", [purchase.manufacturer ?? ''])
      .orderByRaw('(i.district is not distinct from ?) desc', [purchase.district ?? null])
      .orderByRaw("(i.sharing = 'OPEN') desc")
      .orderBy('i.id')
      .limit(CANDIDATE_POOL);
    const rows = await query as CandidateRow[];
    if (rows.length > 0 || profile.typeKeys.length > 0) return rows;
  }
  // no known type: the name's own words, all of them, in the name fields of the index
  const terms = parseTextQuery(purchase.name).terms;
  if (terms.length === 0) return [];
  const query = inRegion(db, sourceIds).select(COLUMNS)
    .whereRaw("i.search_vector @@ to_tsquery('simple', ?)", [tsquery(terms, '&')])
    .orderByRaw("ts_rank(i.search_vector, to_tsquery('simple', ?)) desc", [tsquery(terms, '&')])
    .orderBy('i.id')
    .limit(20);
  if (purchase.instrumentClass) query.where('i.instrument_class', purchase.instrumentClass);
  return await query as CandidateRow[];
}
