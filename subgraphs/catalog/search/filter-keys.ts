/**
 * An instrument's categorical filters as one array of keys ("class:ANALYTICAL", "district:南山区"),
 * indexed by GIN beside its types and its words (search/migrations.ts). A search that asks for a
 * type in one district with open sharing then reads one index scan, where GIN's fast scan
 * skips through the frequent keys by the rare ones, instead of ANDing a bitmap of half the table
 * per filter. The expression must be the index's own for the planner to use it.
 */
import type { Knex } from 'knex';

/** the keys as SQL; `table` qualifies the columns in queries that join ("i."), the index has none */
export function filterKeysSql(table = ''): string {
  return `array['class:' || ${table}instrument_class, 'district:' || coalesce(${table}district, ''), 'sharing:' || ${table}sharing, 'status:' || ${table}declared_status, 'institution:' || ${table}institution_id]`;
}

export type FilterKeyKind = 'class' | 'district' | 'sharing' | 'status' | 'institution';

/** Keeps instruments holding one of `values` of a kind. */
export function whereFilterKey(query: Knex.QueryBuilder, kind: FilterKeyKind, values: readonly string[]): Knex.QueryBuilder {
  return query.whereRaw(`(${filterKeysSql('i.')}) && ?::text[]`, [values.map((v) => `${kind}:${v}`)]);
}

/** Keeps instruments of institutions of one of `types` (the institution's type is not a key of its own). */
export function whereInstitutionOfType(query: Knex.QueryBuilder, types: readonly string[]): Knex.QueryBuilder {
  return query.whereRaw(`(${filterKeysSql('i.')}) && (select array_agg('institution:' || id) from institutions where type = any(?))`, [[...types]]);
}
