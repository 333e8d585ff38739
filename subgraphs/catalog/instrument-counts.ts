/**
 * How many instruments each (source, institution, class, district, sharing mode, declared status,
 * set of recognised types) holds, kept by the database itself: statement triggers on `instruments`
 * add and subtract whole batches, so the table is right after every committed write. A listing
 * filtered only by those dimensions — the portal's browsing, its facets, a search for a type — is
 * counted from a few thousand rows here instead of a third of a million instruments. The type *set*
 * is the key, not each type, so an instrument of two types asked for together is counted once.
 *
 * A harvest writes hundreds of batches, and the triggers updated each group once per batch: 100,000
 * instruments left 8 times the table's size in dead versions, which every filter-only listing then
 * read (2.6 ms of its 8). A harvest in one transaction (a server database) therefore switches the
 * triggers off for it (`deferCounts`) and counts its source again once, at its end (`recountSource`).
 */
import type { Knex } from 'knex';
import type { NamedMigration } from '../storage/migrate.ts';
import { countFacets, type Facets } from './search/facets.ts';

const KEY = ['source_id', 'institution_id', 'instrument_class', 'district', 'sharing', 'declared_status', 'type_keys'];
const KEY_LIST = KEY.join(', ');
// '' for an instrument without a district: a key column cannot be null
const GROUPED = `select ${KEY.map((k) => (k === 'district' ? "coalesce(district, '') as district" : k)).join(', ')}, count(*)::integer as n`;
const GROUP_BY = KEY.map((_, i) => i + 1).join(', ');
const SUBTRACT = `update instrument_counts c set instruments = c.instruments - r.n
  from (${GROUPED} from removed_rows group by ${GROUP_BY}) r
  where (${KEY.map((k) => `c.${k}`).join(', ')}) = (${KEY.map((k) => `r.${k}`).join(', ')});`;
const ADD = `insert into instrument_counts as c (${KEY_LIST}, instruments)
  ${GROUPED} from added_rows group by ${GROUP_BY}
  on conflict (${KEY_LIST}) do update set instruments = c.instruments + excluded.instruments;`;

/** set in a transaction, the triggers leave the counts to `recountSource` */
const DEFERRED = 'irhub.counts_deferred';
const UNLESS_DEFERRED = `if current_setting('${DEFERRED}', true) = 'on' then return null; end if;`;

export const instrumentCountsMigration: NamedMigration = {
  name: '2026-11-26-13-instrument-counts',
  async up(db) {
    await db.raw(`create table instrument_counts (
      source_id text not null, institution_id text not null, instrument_class text not null,
      district text not null, sharing text not null, declared_status text not null, type_keys text[] not null,
      -- a group emptied by a harvest stays at 0 rather than cost every statement a search for empty groups
      instruments integer not null check (instruments >= 0),
      primary key (${KEY_LIST}))`);
    // a search for a type sums only that type's groups
    await db.raw('create index instrument_counts_type_keys on instrument_counts using gin (type_keys)');
    await db.raw(`create function instrument_counts_add() returns trigger language plpgsql as $$ begin ${ADD} return null; end $$`);
    await db.raw(`create function instrument_counts_remove() returns trigger language plpgsql as $$ begin ${SUBTRACT} return null; end $$`);
    // an update is a removal of the old rows and an addition of the new ones
    await db.raw(`create function instrument_counts_move() returns trigger language plpgsql as $$ begin ${SUBTRACT} ${ADD} return null; end $$`);
    await db.raw('create trigger instrument_counts_insert after insert on instruments referencing new table as added_rows for each statement execute function instrument_counts_add()');
    await db.raw('create trigger instrument_counts_delete after delete on instruments referencing old table as removed_rows for each statement execute function instrument_counts_remove()');
    await db.raw('create trigger instrument_counts_update after update on instruments referencing old table as removed_rows new table as added_rows for each statement execute function instrument_counts_move()');
    await db.raw(`insert into instrument_counts (${KEY_LIST}, instruments) ${GROUPED} from instruments group by ${GROUP_BY}`);
  },
  async down(db) {
    for (const event of ['insert', 'delete', 'update']) await db.raw(`drop trigger instrument_counts_${event} on instruments`);
    for (const fn of ['add', 'remove', 'move']) await db.raw(`drop function instrument_counts_${fn}()`);
    await db.raw('drop table instrument_counts');
  },
};

/** the three trigger functions, each opening with `guard` (nothing, or the deferral's early return) */
async function replaceCountFunctions(db: Knex, guard: string): Promise<void> {
  for (const [name, body] of [['add', ADD], ['remove', SUBTRACT], ['move', `${SUBTRACT} ${ADD}`]]) {
    await db.raw(`create or replace function instrument_counts_${name}() returns trigger language plpgsql as $$ begin ${guard} ${body} return null; end $$`);
  }
}

export const deferredCountsMigration: NamedMigration = {
  name: '2026-11-30-50-deferred-counts',
  up: (db) => replaceCountFunctions(db, UNLESS_DEFERRED),
  down: (db) => replaceCountFunctions(db, ''),
};

/**
 * For the rest of this transaction, writes to `instruments` leave the counts alone. Whoever calls it
 * must `recountSource` every source it writes before committing (one with several transactions: the
 * counts of its source are those before its write until its last one).
 */
export async function deferCounts(trx: Knex.Transaction): Promise<void> {
  await trx.raw('select set_config(?, \'on\', true)', [DEFERRED]);
}

/** counts a source's instruments again, whole; only key columns of that source's rows may have changed */
export async function recountSource(trx: Knex.Transaction, sourceId: string): Promise<void> {
  await trx('instrument_counts').where('source_id', sourceId).delete();
  await trx.raw(`insert into instrument_counts (${KEY_LIST}, instruments) ${GROUPED} from instruments where source_id = ? group by ${GROUP_BY}`, [sourceId]);
}

/** The filters a count from `instrument_counts` can answer exactly. */
export interface DimensionFilter {
  sourceIds: readonly string[];
  classes?: readonly string[] | null;
  districts?: readonly string[] | null;
  institutionIds?: readonly string[] | null;
  institutionTypes?: readonly string[] | null;
  sharing?: readonly string[] | null;
  declaredStatuses?: readonly string[] | null;
  /** instruments of any of these types */
  typeKeys?: readonly string[] | null;
}

function counted(db: Knex, filter: DimensionFilter): Knex.QueryBuilder {
  const query = db('instrument_counts as c').whereIn('c.source_id', [...filter.sourceIds]);
  if (filter.classes?.length) query.whereIn('c.instrument_class', [...filter.classes]);
  if (filter.districts?.length) query.whereIn('c.district', [...filter.districts]);
  if (filter.institutionIds?.length) query.whereIn('c.institution_id', [...filter.institutionIds]);
  if (filter.institutionTypes?.length) query.whereIn('c.institution_id', db('institutions').select('id').whereIn('type', [...filter.institutionTypes]));
  if (filter.sharing?.length) query.whereIn('c.sharing', [...filter.sharing]);
  if (filter.declaredStatuses?.length) query.whereIn('c.declared_status', [...filter.declaredStatuses]);
  if (filter.typeKeys?.length) query.whereRaw('c.type_keys && ?::text[]', [[...filter.typeKeys]]);
  return query;
}

export async function countInstruments(db: Knex, filter: DimensionFilter): Promise<number> {
  const [row] = await counted(db, filter).sum({ total: 'c.instruments' }) as Array<{ total: number | string | null }>;
  return Number(row?.total ?? 0);
}

export function countFacetsByDimension(db: Knex, filter: DimensionFilter): Promise<Facets> {
  return countFacets(db, counted(db, filter), 'c');
}
