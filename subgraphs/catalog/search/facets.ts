/** Facet counts for the current query: how the matching instruments split by each filter. */
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

export async function countFacets(filtered: () => Knex.QueryBuilder): Promise<Facets> {
  const by = async (column: string, label?: string, limit?: number): Promise<FacetCount[]> => {
    const base = filtered();
    if (column.startsWith('inst.')) base.join('institutions as inst', 'inst.id', 'i.institution_id');
    const query = base.select({ value: column, ...(label ? { label } : {}) }).count({ count: '*' })
      .groupBy(label ? [column, label] : [column]).orderBy([{ column: 'count', order: 'desc' }, { column: 'value' }]);
    if (limit) query.limit(limit);
    const rows: Array<{ value: string | null; label?: string; count: string | number }> = await query;
    return rows.filter((r) => r.value !== null).map((r) => ({ value: r.value as string, label: r.label ?? null, count: Number(r.count) }));
  };
  const [classes, districts, institutionTypes, institutions, sharing] = await Promise.all([
    by('i.instrument_class'), by('i.district'), by('inst.type'), by('inst.id', 'inst.name', MAX_INSTITUTION_FACETS), by('i.sharing'),
  ]);
  return { classes, districts, institutionTypes, institutions, sharing };
}
