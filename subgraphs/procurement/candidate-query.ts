/**
 * Finding the existing instruments a planned purchase is compared with. The thesaurus types
 * recognised at harvest (`instruments.type_keys`, GIN-indexed) and the model key narrow a
 * million instruments to the few hundred of the same or near types before anything is scored;
 * when the purchase names no known type, its words are searched in the catalog's text index.
 */
import type { Knex } from 'knex';
import { allUnitsTsquery, parseTextQuery } from '../catalog/search/text-query.ts';
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

/** rows each targeted query adds to the pool scored in full */
export const POOL_PART = 100;

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

/**
 * The pool, as a few targeted index queries each stopping at its limit rather than one sort of
 * every instrument of a common type (tens of thousands at a million): the same model, the same
 * type from the same maker, in the same district and open, open anywhere, any sharing, the
 * buyer's own, and related types. Scoring (capability-match.ts) then orders the pool.
 */
export async function findCandidateRows(db: Knex, purchase: PlannedPurchase, profile: PurchaseProfile, sourceIds: readonly string[]): Promise<CandidateRow[]> {
  const ofTypes = (keys: readonly string[]) => inRegion(db, sourceIds).select(COLUMNS)
    .where((q) => q.whereRaw('i.type_keys && ?::text[]', [[...keys]]).orWhereRaw('(cardinality(i.model_type_keys) > 0 and i.model_type_keys && ?::text[])', [[...keys]]));
  const parts: Knex.QueryBuilder[] = [];
  if (profile.modelKey.length >= 3) parts.push(inRegion(db, sourceIds).select(COLUMNS).where('i.model_key', profile.modelKey).limit(POOL_PART));
  if (profile.substituteTypes.length > 0) {
    const types = profile.substituteTypes;
    if (purchase.manufacturer) parts.push(ofTypes(types).whereRaw('lower(i.manufacturer) = lower(?)', [purchase.manufacturer]).limit(POOL_PART));
    if (purchase.institutionId) parts.push(ofTypes(types).where('i.institution_id', purchase.institutionId).limit(POOL_PART));
    if (purchase.district) parts.push(ofTypes(types).where('i.district', purchase.district).where('i.sharing', 'OPEN').limit(POOL_PART));
    parts.push(ofTypes(types).where('i.sharing', 'OPEN').limit(2 * POOL_PART), ofTypes(types).limit(POOL_PART));
  }
  if (profile.relatedTypes.length > 0) parts.push(ofTypes(profile.relatedTypes).limit(POOL_PART / 2));
  if (parts.length > 0) {
    const pool = new Map<string, CandidateRow>();
    for (const rows of await Promise.all(parts.map(async (q) => await q as CandidateRow[]))) for (const row of rows) pool.set(row.id, row);
    if (pool.size > 0 || profile.typeKeys.length > 0) return [...pool.values()];
  }
  // no known type: the name's own words, all of them, in the name fields of the index
  const words = allUnitsTsquery(parseTextQuery(purchase.name));
  if (words === null) return [];
  const query = inRegion(db, sourceIds).select(COLUMNS)
    .whereRaw("i.search_vector @@ to_tsquery('simple', ?)", [words])
    .orderByRaw("ts_rank(i.search_vector, to_tsquery('simple', ?)) desc", [words])
    .orderBy('i.id')
    .limit(20);
  if (purchase.instrumentClass) query.where('i.instrument_class', purchase.instrumentClass);
  return await query as CandidateRow[];
}
