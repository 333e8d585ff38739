/**
 * How many instruments each (source, institution, class, district, sharing mode, declared status)
 * holds, kept by the database itself: statement triggers on `instruments` add and subtract whole
 * harvest batches, so the table is right after every committed write and costs a harvest one
 * grouped upsert per statement. A listing filtered only by those dimensions — the portal's
 * browsing, its facets — is counted from a few thousand rows here instead of a third of a million
 * instruments.
 */
import type { Knex } from 'knex';
import type { NamedMigration } from '../storage/migrate.ts';
import { countFacets, type Facets } from './search/facets.ts';

const DIMENSIONS = 'source_id, institution_id, instrument_class, district, sharing, declared_status';
const GROUPED = `select source_id, institution_id, instrument_class, coalesce(district, '') as district, sharing, declared_status, count(*)::integer as n`;

export const instrumentCountsMigration: NamedMigration = {
  name: '2026-11-26-13-instrument-counts',
  async up(db) {
    await db.raw(`create table instrument_counts (
      source_id text not null, institution_id text not null, instrument_class text not null,
      -- '' for an instrument without a district: a key column cannot be null
      district text not null, sharing text not null, declared_status text not null,
      -- a group emptied by a harvest stays at 0 rather than cost every statement a search for empty groups
      instruments integer not null check (instruments >= 0),
      primary key (${DIMENSIONS}))`);
    await db.raw(`create function instrument_counts_add() returns trigger language plpgsql as $$ begin
      insert into instrument_counts as c (${DIMENSIONS}, instruments)
        ${GROUPED} from added_rows group by 1, 2, 3, 4, 5, 6
        on conflict (${DIMENSIONS}) do update set instruments = c.instruments + excluded.instruments;
      return null; end $$`);
    await db.raw(`create function instrument_counts_remove() returns trigger language plpgsql as $$ begin
      update instrument_counts c set instruments = c.instruments - r.n
        from (${GROUPED} from removed_rows group by 1, 2, 3, 4, 5, 6) r
        where (c.source_id, c.institution_id, c.instrument_class, c.district, c.sharing, c.declared_status)
            = (r.source_id, r.institution_id, r.instrument_class, r.district, r.sharing, r.declared_status);
      return null; end $$`);
    // an update is a removal of the old rows and an addition of the new ones
    await db.raw(`create function instrument_counts_move() returns trigger language plpgsql as $$ begin
      update instrument_counts c set instruments = c.instruments - r.n
        from (${GROUPED} from removed_rows group by 1, 2, 3, 4, 5, 6) r
        where (c.source_id, c.institution_id, c.instrument_class, c.district, c.sharing, c.declared_status)
            = (r.source_id, r.institution_id, r.instrument_class, r.district, r.sharing, r.declared_status);
      insert into instrument_counts as c (${DIMENSIONS}, instruments)
        ${GROUPED} from added_rows group by 1, 2, 3, 4, 5, 6
        on conflict (${DIMENSIONS}) do update set instruments = c.instruments + excluded.instruments;
      return null; end $$`);
    await db.raw('create trigger instrument_counts_insert after insert on instruments referencing new table as added_rows for each statement execute function instrument_counts_add()');
    await db.raw('create trigger instrument_counts_delete after delete on instruments referencing old table as removed_rows for each statement execute function instrument_counts_remove()');
    await db.raw('create trigger instrument_counts_update after update on instruments referencing old table as removed_rows new table as added_rows for each statement execute function instrument_counts_move()');
    await db.raw(`insert into instrument_counts (${DIMENSIONS}, instruments) ${GROUPED} from instruments group by 1, 2, 3, 4, 5, 6`);
  },
  async down(db) {
    for (const event of ['insert', 'delete', 'update']) await db.raw(`drop trigger instrument_counts_${event} on instruments`);
    for (const fn of ['add', 'remove', 'move']) await db.raw(`drop function instrument_counts_${fn}()`);
    await db.raw('drop table instrument_counts');
  },
};

/** The filters a count from `instrument_counts` can answer exactly. */
export interface DimensionFilter {
  sourceIds: readonly string[];
  classes?: readonly string[] | null;
  districts?: readonly string[] | null;
  institutionIds?: readonly string[] | null;
  institutionTypes?: readonly string[] | null;
  sharing?: readonly string[] | null;
  declaredStatuses?: readonly string[] | null;
}

function counted(db: Knex, filter: DimensionFilter): Knex.QueryBuilder {
  const query = db('instrument_counts as c').whereIn('c.source_id', [...filter.sourceIds]);
  if (filter.classes?.length) query.whereIn('c.instrument_class', [...filter.classes]);
  if (filter.districts?.length) query.whereIn('c.district', [...filter.districts]);
  if (filter.institutionIds?.length) query.whereIn('c.institution_id', [...filter.institutionIds]);
  if (filter.institutionTypes?.length) query.whereIn('c.institution_id', db('institutions').select('id').whereIn('type', [...filter.institutionTypes]));
  if (filter.sharing?.length) query.whereIn('c.sharing', [...filter.sharing]);
  if (filter.declaredStatuses?.length) query.whereIn('c.declared_status', [...filter.declaredStatuses]);
  return query;
}

export async function countInstruments(db: Knex, filter: DimensionFilter): Promise<number> {
  const [row] = await counted(db, filter).sum({ total: 'c.instruments' }) as Array<{ total: number | string | null }>;
  return Number(row?.total ?? 0);
}

export function countFacetsByDimension(db: Knex, filter: DimensionFilter): Promise<Facets> {
  return countFacets(db, counted(db, filter), 'c');
}
