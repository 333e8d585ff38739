/**
 * An instrument's categorical filters as one array of keys ("class:ANALYTICAL", "district:南山区"),
 * indexed by GIN beside its types and its words (search/migrations.ts). A search that asks for a
 * type in one district with open sharing then reads one index scan, where GIN's fast scan
 * skips through the frequent keys by the rare ones, instead of ANDing a bitmap of half the table
 * per filter. The expression must read exactly as in the index for the planner to use it.
 */
import type { Knex } from 'knex';

export const FILTER_KEYS_SQL = `array['class:' || instrument_class, 'district:' || coalesce(district, ''), 'sharing:' || sharing, 'status:' || declared_status, 'institution:' || institution_id]`;

export type FilterKeyKind = 'class' | 'district' | 'sharing' | 'status' | 'institution';

/** Keeps instruments holding one of `values` of a kind. */
export function whereFilterKey(query: Knex.QueryBuilder, kind: FilterKeyKind, values: readonly string[]): Knex.QueryBuilder {
  return query.whereRaw(`(${FILTER_KEYS_SQL}) && ?::text[]`, [values.map((v) => `${kind}:${v}`)]);
}
