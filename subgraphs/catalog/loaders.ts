/** Per-request DataLoaders: every entity lookup of the catalog is batched into one query. */
import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { INSTRUMENT_COLUMNS, type InstitutionRow, type InstrumentRow } from './rows.ts';

export interface CatalogLoaders {
  instrument: DataLoader<string, InstrumentRow | null>;
  institution: DataLoader<string, InstitutionRow | null>;
  institutionSources: DataLoader<string, string[]>;
  institutionInstrumentCount: DataLoader<string, number>;
}

function byKey<T, K extends keyof T>(rows: T[], key: K): Map<T[K], T> {
  return new Map(rows.map((r) => [r[key], r]));
}

export function createCatalogLoaders(db: Knex, activeSourceIds: () => readonly string[]): CatalogLoaders {
  return {
    instrument: new DataLoader(async (ids) => {
      const rows: InstrumentRow[] = await db('instruments').select(INSTRUMENT_COLUMNS).whereIn('id', [...ids]).whereIn('source_id', [...activeSourceIds()]);
      const map = byKey(rows, 'id');
      return ids.map((id) => map.get(id) ?? null);
    }),
    institution: new DataLoader(async (ids) => {
      const rows: InstitutionRow[] = await db('institutions').whereIn('id', [...ids]);
      const map = byKey(rows, 'id');
      return ids.map((id) => map.get(id) ?? null);
    }),
    institutionSources: new DataLoader(async (ids) => {
      const rows: { institution_id: string; source_id: string }[] = await db('instruments')
        .distinct('institution_id', 'source_id').whereIn('institution_id', [...ids]).whereIn('source_id', [...activeSourceIds()]).orderBy('source_id');
      return ids.map((id) => rows.filter((r) => r.institution_id === id).map((r) => r.source_id));
    }),
    institutionInstrumentCount: new DataLoader(async (ids) => {
      const rows: { institution_id: string; count: string | number }[] = await db('instruments')
        .select('institution_id').count({ count: '*' }).whereIn('institution_id', [...ids]).whereIn('source_id', [...activeSourceIds()]).groupBy('institution_id');
      const map = new Map(rows.map((r) => [r.institution_id, Number(r.count)]));
      return ids.map((id) => map.get(id) ?? 0);
    }),
  };
}
