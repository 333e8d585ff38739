/**
 * Facet counts for the current query: how the matching instruments split by each filter. All
 * five facets come from one pass over the matches (GROUPING SETS), not five.
 */
import type { Knex } from 'knex';

export interface FacetCount { value: string; label: string | null; count: number }
export interface Facets {
  classes: FacetCount[];
  districts: FacetCount[];
  institutionTypes: FacetCount[];
  institutions: FacetCount[];
  sharing: FacetCount[];
}

export const MAX_INSTITUTION_FACETS = 50;

/** which facet a grouping-sets row belongs to, by grouping(class, district, sharing, inst.type, inst.id) */
const FACET_OF_GROUPING: Record<number, keyof Facets> = { 0b01111: 'classes', 0b10111: 'districts', 0b11011: 'sharing', 0b11101: 'institutionTypes', 0b11110: 'institutions' };

/**
 * `matches` selects from instruments (alias `i`) or from instrument_counts (alias `c`, counting
 * its `instruments` column); either way each row carries the instrument's dimensions.
 */
export async function countFacets(db: Knex, matches: Knex.QueryBuilder, alias: 'i' | 'c'): Promise<Facets> {
  const [klass, district, sharing, institution] = ['instrument_class', 'district', 'sharing', 'institution_id'].map((c) => `${alias}.${c}`);
  const rows = await matches.join('institutions as inst', 'inst.id', institution)
    .select({ class: klass, district, sharing, institutionType: 'inst.type', institutionId: 'inst.id', institutionName: 'inst.name' })
    .select(db.raw(`grouping(${klass}, ${district}, ${sharing}, inst.type, inst.id) as facet`))
    .select(db.raw(alias === 'c' ? 'sum(c.instruments) as count' : 'count(*) as count'))
    .groupByRaw(`grouping sets ((${klass}), (${district}), (${sharing}), (inst.type), (inst.id, inst.name))`) as Array<{
      class: string | null; district: string | null; sharing: string | null; institutionType: string | null; institutionId: string | null; institutionName: string | null; facet: number; count: number | string;
    }>;
  const facets: Facets = { classes: [], districts: [], institutionTypes: [], institutions: [], sharing: [] };
  for (const row of rows) {
    const facet = FACET_OF_GROUPING[row.facet];
    const value = { classes: row.class, districts: row.district, sharing: row.sharing, institutionTypes: row.institutionType, institutions: row.institutionId }[facet];
    const count = Number(row.count);
    // instrument_counts keeps "no district" as '' and emptied groups at 0; neither is a facet value
    if (!value || count === 0) continue;
    facets[facet].push({ value, label: facet === 'institutions' ? row.institutionName : null, count });
  }
  for (const key of Object.keys(facets) as Array<keyof Facets>) facets[key].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  facets.institutions = facets.institutions.slice(0, MAX_INSTITUTION_FACETS);
  return facets;
}
