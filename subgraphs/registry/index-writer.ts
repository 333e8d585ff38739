/**
 * Writes one harvest into the catalog index: institutions merged by name, instruments upserted,
 * and (for a full harvest) the source's instruments that are gone deleted. On a server database
 * it is one transaction: a failure rolls everything back, and readers see the old index until
 * it commits. The embedded database has one connection, which a transaction holds from every
 * other query (a harvest of 40,000 rows kept a query waiting 12 s), so there each step of a few
 * thousand instruments is a transaction of its own and the queries waiting meanwhile are
 * answered between steps; the watermark moves only with the last step, so a run that fails
 * half-way is redone from the same point the next time.
 */
import type { Knex } from 'knex';
import type { CanonicalInstrument } from '../../connectors/sdk/canonical.ts';
import { instrumentId } from '../../connectors/sdk/source-id.ts';
import { institutionIdFor, institutionNameKey } from './institution-identity.ts';
import { searchDocument } from '../catalog/search/search-document.ts';
import { inferModelTypes } from '../catalog/search/model-type-inference.ts';
import { learnFromSharedModels, recordSynonyms, synonymsFromRecord } from '../catalog/search/learned-synonyms.ts';
import { resolveDistrict } from '../../schema/districts.ts';
import { vacuumAnalyze } from '../storage/table-upkeep.ts';

const INSERT_CHUNK = 500;
/** a write that changes this many rows leaves enough dead versions and stale statistics to matter */
const UPKEEP_AFTER_ROWS = 5000;
/** the tables an index write changes; the counts first, which every filter-only listing reads */
const INDEX_TABLES = ['instrument_counts', 'instruments', 'institutions', 'search_synonyms'];
/** instruments a step writes on the embedded database: well under a second of other queries' waiting */
const STEP_INSTRUMENTS = 1000;
/** long enough for a request waiting at the gateway to reach the database (gateway, subgraph, query) */
const STEP_PAUSE_MS = 25;

export type IndexStep = (trx: Knex.Transaction) => Promise<void>;

/** runs the steps of an index write: in one transaction, or each in its own (see above) */
export type IndexSteps = (steps: readonly IndexStep[]) => Promise<void>;

export function indexSteps(db: Knex, oneTransaction: boolean): IndexSteps {
  if (oneTransaction) return (steps) => db.transaction(async (trx) => { for (const step of steps) await step(trx); });
  return async (steps) => {
    for (const step of steps) {
      await db.transaction((trx) => step(trx));
      // PGlite answers within the same turn of the event loop: without a pause the next step
      // would start before a waiting request had even been read from its socket
      await new Promise((resolve) => setTimeout(resolve, STEP_PAUSE_MS));
    }
  };
}

export interface IndexWrite {
  sourceId: string;
  mode: 'FULL' | 'INCREMENTAL';
  instruments: readonly CanonicalInstrument[];
  /** local ids the source deleted (incremental) */
  deletedLocalIds: readonly string[];
  /** local ids whose new version was rejected: their previous version is kept, not deleted */
  keepLocalIds: readonly string[];
  harvestedAt: Date;
}

function instrumentRow(sourceId: string, i: CanonicalInstrument, harvestedAt: Date) {
  const search = searchDocument(i);
  // an instrument without coordinates of its own stands at its district's centre
  const district = resolveDistrict(i.district ?? i.institution.district ?? '');
  const located = i.latitude !== null && i.longitude !== null;
  return {
    id: instrumentId(sourceId, i.localId),
    source_id: sourceId,
    local_id: i.localId,
    name: i.name,
    name_en: i.nameEn,
    model: i.model,
    manufacturer: i.manufacturer,
    country: i.country,
    instrument_class: i.instrumentClass,
    class_code: i.classCode,
    class_inferred: i.classInferred,
    owner_category: i.ownerCategory,
    original_value: i.originalValue,
    purchase_date: i.purchaseDate,
    institution_id: institutionIdFor(i.institution.name),
    district: i.district ?? i.institution.district,
    address: i.address,
    sharing: i.sharing,
    declared_status: i.declaredStatus,
    external_rate: i.externalRate,
    internal_rate: i.internalRate,
    contact_name: i.contactName,
    contact_phone: i.contactPhone,
    contact_email: i.contactEmail,
    specs: i.specs,
    functions: i.functions,
    latitude: located ? i.latitude : district?.lat ?? null,
    longitude: located ? i.longitude : district?.lng ?? null,
    extra: i.extra,
    source_updated_at: i.updatedAt,
    harvested_at: harvestedAt,
    type_keys: search.typeKeys,
    name_terms: search.nameTerms,
    detail_terms: search.detailTerms,
  };
}

/**
 * The statement that writes a chunk of instruments: the rows go as one JSON parameter, read by the
 * table's own row type. A VALUES list of a few hundred rows bound 18,000 parameters, which cost the
 * database a third more than the rows' own writing and knex as much again to number.
 */
function upsertSql(columns: readonly string[]): string {
  return `insert into instruments (${columns.join(', ')})
    select ${columns.join(', ')} from json_populate_recordset(null::instruments, ?::json)
    on conflict (id) do update set ${columns.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`;
}

/**
 * JSON.stringify writes a lone surrogate (half a character, from a broken export) as an escape the
 * database refuses as text; sent as a string parameter it became U+FFFD, which is kept. A run of
 * backslashes before it of even length is escaped backslashes, not the escape's own.
 */
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/gi;

function chunkJson(rows: readonly ReturnType<typeof instrumentRow>[]): string {
  return JSON.stringify(rows).replace(LONE_SURROGATE, '$1\\ufffd');
}

/** `last` runs in the write's last step (the harvest's watermark) */
export async function writeIndex(run: IndexSteps, write: IndexWrite, last: IndexStep): Promise<{ imported: number; deleted: number }> {
  const institutions = new Map<string, CanonicalInstrument['institution']>();
  for (const i of write.instruments) {
    const key = institutionNameKey(i.institution.name);
    const known = institutions.get(key);
    if (!known) institutions.set(key, { ...i.institution, district: i.institution.district ?? i.district });
    else if (!known.district) known.district = i.institution.district ?? i.district;
  }
  const institutionRows = [...institutions.entries()].map(([key, inst]) => ({
    id: institutionIdFor(inst.name), name: inst.name, name_key: key, type: inst.type, district: inst.district,
  }));
  const steps: IndexStep[] = [async (trx) => {
    for (let i = 0; i < institutionRows.length; i += INSERT_CHUNK) {
      // first source to name an institution sets its name and type; later ones only fill gaps
      await trx('institutions').insert(institutionRows.slice(i, i + INSERT_CHUNK))
        .onConflict('name_key').merge({ district: trx.raw('coalesce(institutions.district, excluded.district)') });
    }
  }];
  const chunkRows = (from: number) => write.instruments.slice(from, Math.min(from + INSERT_CHUNK, write.instruments.length))
    .map((inst) => instrumentRow(write.sourceId, inst, write.harvestedAt));
  const firstRows = write.instruments.length > 0 ? chunkRows(0) : [];
  const upsert = firstRows.length > 0 ? upsertSql(Object.keys(firstRows[0])) : '';
  // the next chunk is built while the database writes this one: on a server the two take about as long
  let nextJson = firstRows.length > 0 ? chunkJson(firstRows) : '';
  for (let from = 0; from < write.instruments.length; from += STEP_INSTRUMENTS) {
    const to = Math.min(from + STEP_INSTRUMENTS, write.instruments.length);
    steps.push(async (trx) => {
      for (let i = from; i < to; i += INSERT_CHUNK) {
        const json = nextJson;
        const following = i + INSERT_CHUNK;
        [, nextJson] = await Promise.all([
          trx.raw(upsert, [json]),
          (async () => {
            // the statement reaches the database first
            await new Promise((resolve) => setImmediate(resolve));
            return following < write.instruments.length ? chunkJson(chunkRows(following)) : '';
          })(),
        ]);
      }
    });
  }
  let deleted = 0;
  steps.push(async (trx) => {
    if (write.mode === 'FULL') {
      deleted = await trx('instruments').where('source_id', write.sourceId).where('harvested_at', '<', write.harvestedAt)
        .whereNotIn('local_id', [...write.keepLocalIds]).delete();
    } else if (write.deletedLocalIds.length > 0) {
      deleted = await trx('instruments').where('source_id', write.sourceId).whereIn('local_id', [...write.deletedLocalIds]).delete();
    }
    if (deleted > 0) {
      await trx('institutions').whereNotExists(trx('instruments').whereRaw('instruments.institution_id = institutions.id')).delete();
    }
    // these statements read the whole index, and the planner's estimate for them calls for JIT
    // compilation, which took longer (1.3 s) than the statements themselves on server PostgreSQL
    await trx.raw('set local jit = off');
    await inferModelTypes(trx);
    await recordSynonyms(trx, write.instruments.flatMap((i) => synonymsFromRecord({ ...i, id: instrumentId(write.sourceId, i.localId) })));
    await learnFromSharedModels(trx, write.sourceId);
    await last(trx);
  });
  await run(steps);
  return { imported: write.instruments.length, deleted };
}

/** After the write's transaction committed (VACUUM cannot run inside one): see table-upkeep.ts. */
export async function keepIndexHealthy(db: Knex, changedRows: number): Promise<void> {
  if (changedRows < UPKEEP_AFTER_ROWS) return;
  // a table at a time: on the embedded database's one connection, queries waiting meanwhile go between them
  for (const table of INDEX_TABLES) await vacuumAnalyze(db, [table]);
}
