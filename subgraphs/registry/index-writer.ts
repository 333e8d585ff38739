/**
 * Writes one harvest into the catalog index as its pages arrive: institutions merged by name,
 * instruments upserted, and at the end (for a full harvest) the source's instruments that are gone
 * deleted. The connector's next page is read while the database writes this one, and no more than
 * those two pages are held: a million-row source is never in memory whole.
 *
 * On a server database the whole run is one transaction: a failure rolls everything back, readers
 * see the old index until it commits, and the counts are left to its end (instrument-counts.ts).
 * Its rows go by COPY into a table of the transaction's own and from there into the index.
 * The embedded database has one connection, which a transaction holds from every other query (a
 * harvest of 40,000 rows kept a query waiting 12 s), so there each page is a transaction of its own
 * and the queries waiting meanwhile are answered between pages; the watermark moves only with the
 * last step, so a run that fails half-way is redone from the same point the next time.
 */
import type { Knex } from 'knex';
import type { CanonicalInstrument } from '../../connectors/sdk/canonical.ts';
import { instrumentId } from '../../connectors/sdk/source-id.ts';
import { institutionIdFor, institutionNameKey } from './institution-identity.ts';
import { searchDocument } from '../catalog/search/search-document.ts';
import { inferModelTypes } from '../catalog/search/model-type-inference.ts';
import { learnFromSharedModels, recordSynonyms, synonymsFromRecord, SynonymTally } from '../catalog/search/learned-synonyms.ts';
import { resolveDistrict } from '../../schema/districts.ts';
import { deferCounts, recountSource } from '../catalog/instrument-counts.ts';
import { vacuumAnalyze } from '../storage/table-upkeep.ts';
import { copyInto, copyText } from '../storage/copy-rows.ts';

const INSERT_CHUNK = 500;
const ROWS_BETWEEN_YIELDS = 100;
/** a write that changes this many rows leaves enough dead versions and stale statistics to matter */
const UPKEEP_AFTER_ROWS = 5000;
/** the tables an index write changes; the counts first, which every filter-only listing reads */
const INDEX_TABLES = ['instrument_counts', 'instruments', 'institutions', 'search_synonyms'];
/** long enough for a request waiting at the gateway to reach the database (gateway, subgraph, query) */
const STEP_PAUSE_MS = 25;

export type IndexStep = (trx: Knex.Transaction) => Promise<void>;

/** runs a step of an index write: inside the run's one transaction, or in one of its own (see above) */
interface StepRunner {
  /** how the instruments' rows reach the database */
  rows: RowSink;
  /** the counts are left to the end of the run (instrument-counts.ts), which must recount the source */
  countsDeferred: boolean;
  step(work: IndexStep): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

async function oneTransaction(db: Knex, sourceId: string): Promise<StepRunner> {
  const trx = await db.transaction();
  await deferCounts(trx);
  return {
    rows: await copiedRows(trx, sourceId),
    countsDeferred: true,
    step: (work) => work(trx),
    commit: async () => { await trx.commit(); },
    rollback: async () => { if (!trx.isCompleted()) await trx.rollback(); },
  };
}

/** the counts follow each step, so a listing's total agrees with its rows while the run goes on */
function transactionPerStep(db: Knex): StepRunner {
  return {
    rows: jsonRows,
    countsDeferred: false,
    async step(work) {
      await db.transaction((trx) => work(trx));
      // PGlite answers within the same turn of the event loop: without a pause the next step
      // would start before a waiting request had even been read from its socket
      await new Promise((resolve) => setTimeout(resolve, STEP_PAUSE_MS));
    },
    commit: async () => {},
    rollback: async () => {},
  };
}

export interface IndexEnd {
  mode: 'FULL' | 'INCREMENTAL';
  /** local ids the source deleted (incremental) */
  deletedLocalIds: readonly string[];
  /** local ids whose new version was rejected: their previous version is kept, not deleted */
  keepLocalIds: readonly string[];
  /** the local ids the run wrote or found unchanged (full) */
  listedLocalIds: ReadonlySet<string>;
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
    search_vector: search.vector,
  };
}

type InstrumentRow = ReturnType<typeof instrumentRow>;

/** the columns a harvest writes, every one of the row's */
const COLUMNS = ['id', 'source_id', 'local_id', 'name', 'name_en', 'model', 'manufacturer', 'country', 'instrument_class', 'class_code',
  'class_inferred', 'owner_category', 'original_value', 'purchase_date', 'institution_id', 'district', 'address', 'sharing',
  'declared_status', 'external_rate', 'internal_rate', 'contact_name', 'contact_phone', 'contact_email', 'specs', 'functions',
  'latitude', 'longitude', 'extra', 'source_updated_at', 'harvested_at', 'type_keys', 'search_vector'] as const satisfies readonly (keyof InstrumentRow)[];
// a column the row gains and the list forgets would never be written: this fails to compile instead
const everyColumn: Exclude<keyof InstrumentRow, typeof COLUMNS[number]> extends never ? true : never = true;
void everyColumn;

/** what a row says of its instrument: every column but its key and the time of the harvest */
const CONTENT = COLUMNS.filter((c) => c !== 'id' && c !== 'harvested_at');

/**
 * The statement that writes rows read from `source` (a row set with the table's columns) into the
 * index. A row the index holds as it is stays untouched: a nightly run finds most rows unchanged,
 * and rewriting each (a new version, new entries in every index) was most of its work.
 */
function upsertFrom(source: string): string {
  const changed = `(${CONTENT.map((c) => `instruments.${c}`).join(', ')}) is distinct from (${CONTENT.map((c) => `excluded.${c}`).join(', ')})`;
  return `insert into instruments (${COLUMNS.join(', ')}) select ${COLUMNS.join(', ')} from ${source}
    on conflict (id) do update set ${COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')} where ${changed}`;
}

/** how a page's instruments are sent: encoded while the page before is written, then written */
interface RowSink {
  encode(rows: readonly InstrumentRow[]): string[];
  write(trx: Knex.Transaction, encoded: readonly string[]): Promise<void>;
}

/**
 * JSON.stringify writes a lone surrogate (half a character, from a broken export) as an escape the
 * database refuses as text; sent as a string parameter it became U+FFFD, which is kept. A run of
 * backslashes before it of even length is escaped backslashes, not the escape's own.
 */
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/gi;

function chunkJson(rows: readonly InstrumentRow[]): string {
  const json = JSON.stringify(rows);
  // the plain search finds nearly every chunk clean; the expression is read only where it may match
  return json.includes('\\ud') ? json.replace(LONE_SURROGATE, '$1\\ufffd') : json;
}

/**
 * The embedded database (knex-pglite has no COPY stream): a chunk of rows per statement, as one JSON
 * parameter read by the table's own row type. A VALUES list of a few hundred rows bound 18,000
 * parameters, which cost the database a third more than the rows' own writing and knex as much again.
 */
const JSON_UPSERT = upsertFrom('json_populate_recordset(null::instruments, ?::json)');
const jsonRows: RowSink = {
  encode(rows) {
    const chunks: string[] = [];
    for (let from = 0; from < rows.length; from += INSERT_CHUNK) chunks.push(chunkJson(rows.slice(from, from + INSERT_CHUNK)));
    return chunks;
  },
  async write(trx, chunks) {
    for (const json of chunks) await trx.raw(JSON_UPSERT, [json]);
  },
};

/**
 * A server database: the page is copied into a table private to the run's transaction (no log, no
 * indexes) and moved from there into the index in one statement, which can update rows (COPY cannot).
 * A source's first harvest has no row to update (the run's local ids are distinct, harvest.ts): its
 * pages are copied straight into the index, which saves the database a tenth of its work.
 * Strings reach it as UTF-8, in which a lone surrogate is U+FFFD as on the JSON path.
 */
const COPIED_UPSERT = upsertFrom('incoming_instruments');
async function copiedRows(trx: Knex.Transaction, sourceId: string): Promise<RowSink> {
  const encode = (rows: readonly InstrumentRow[]) => [copyText(rows, COLUMNS)];
  // a replica's run of the same source waits for this one, so it cannot add rows between this look and the copy
  await trx('sources').where('id', sourceId).forUpdate().first('id');
  const indexed = await trx('instruments').where('source_id', sourceId).first('id');
  if (!indexed) return { encode, write: (step, [text]) => copyInto(step, 'instruments', COLUMNS, text) };
  await trx.raw('create temporary table incoming_instruments (like instruments including defaults) on commit drop');
  return {
    encode,
    async write(step, [text]) {
      await copyInto(step, 'incoming_instruments', COLUMNS, text);
      // one round trip: the statements wait on nothing from this process between them
      await step.raw(`${COPIED_UPSERT}; truncate incoming_instruments`);
    },
  };
}

interface InstitutionRow { id: string; name: string; name_key: string; type: string; district: string | null }

export interface PreparedPage {
  institutionRows: InstitutionRow[];
  /** the instruments' rows as the database is sent them */
  rows: string[];
  count: number;
}

/** One harvest's write into the index: `write` each page as it arrives, then `finish` or `abort`. */
export class IndexWriter {
  private readonly institutionDistricts = new Map<string, string | null>();
  private readonly synonyms = new SynonymTally();
  private imported = 0;

  private constructor(private readonly steps: StepRunner, private readonly sourceId: string, private readonly harvestedAt: Date) {}

  static async open(db: Knex, sourceId: string, harvestedAt: Date, options: { inSteps: boolean }): Promise<IndexWriter> {
    return new IndexWriter(options.inSteps ? transactionPerStep(db) : await oneTransaction(db, sourceId), sourceId, harvestedAt);
  }

  /**
   * A page made ready for the database: its rows built and encoded, which is the harvest's own
   * work, done while the database is still writing the page before. It gives way to the event loop
   * every few rows: the write in flight needs this process between its statements, and a page built
   * in one piece (150 ms) left the database waiting for it that long.
   */
  async prepare(instruments: readonly CanonicalInstrument[]): Promise<PreparedPage> {
    const rows: InstrumentRow[] = [];
    for (let from = 0; from < instruments.length; from += ROWS_BETWEEN_YIELDS) {
      if (from > 0) await new Promise(setImmediate);
      for (const i of instruments.slice(from, from + ROWS_BETWEEN_YIELDS)) {
        rows.push(instrumentRow(this.sourceId, i, this.harvestedAt));
        this.synonyms.add(synonymsFromRecord({ ...i, id: instrumentId(this.sourceId, i.localId) }));
      }
    }
    await new Promise(setImmediate);
    return { institutionRows: this.newInstitutions(instruments), rows: this.steps.rows.encode(rows), count: instruments.length };
  }

  /** institutions first (merged by name), then the page's instruments, a chunk per statement */
  async write(page: PreparedPage): Promise<void> {
    if (page.count === 0) return;
    const { institutionRows } = page;
    await this.steps.step(async (trx) => {
      if (institutionRows.length > 0) {
        // the first source to name an institution sets its name and type; later ones only fill a
        // missing district. Neither touches a row it does not change: a changed row stays locked
        // until the run commits, and another source's harvest naming it would wait for all of it
        await trx('institutions').insert(institutionRows).onConflict('name_key').ignore();
        const districts = institutionRows.filter((r) => r.district !== null).map((r) => ({ name_key: r.name_key, district: r.district }));
        if (districts.length > 0) {
          await trx.raw(`update institutions set district = given.district from json_to_recordset(?::json) as given(name_key text, district text)
            where institutions.name_key = given.name_key and institutions.district is null`, [JSON.stringify(districts)]);
        }
      }
      await this.steps.rows.write(trx, page.rows);
    });
    this.imported += page.count;
  }

  /** institutions this run has not written yet, or whose district it learns only now */
  private newInstitutions(instruments: readonly CanonicalInstrument[]): InstitutionRow[] {
    const rows = new Map<string, InstitutionRow>();
    for (const i of instruments) {
      const key = institutionNameKey(i.institution.name);
      const district = i.institution.district ?? i.district ?? null;
      const known = this.institutionDistricts.get(key);
      if (known !== undefined && (known !== null || district === null)) continue;
      this.institutionDistricts.set(key, district);
      const row = rows.get(key);
      if (row) row.district ??= district;
      else rows.set(key, { id: institutionIdFor(i.institution.name), name: i.institution.name, name_key: key, type: i.institution.type, district });
    }
    // in one order, so two harvests naming the same new institutions wait for each other instead of deadlocking within a page
    return [...rows.values()].sort((a, b) => (a.name_key < b.name_key ? -1 : a.name_key > b.name_key ? 1 : 0));
  }

  /** deletes what the source no longer lists, infers and learns from the whole index, runs `last` (the watermark) and commits */
  async finish(end: IndexEnd, last: IndexStep): Promise<{ imported: number; deleted: number }> {
    let deleted = 0;
    await this.steps.step(async (trx) => {
      if (end.mode === 'FULL') {
        // the rows this run wrote carry its time; of the others, a row it found unchanged is one it listed.
        // `<> all` of an array given as a value is looked up in a hash (an anti-join with unnest() was
        // planned as a nested loop over 100,000 × 100,000 ids once: 640 s)
        deleted = await trx('instruments').where('source_id', this.sourceId).where('harvested_at', '<', this.harvestedAt)
          .whereRaw('local_id <> all(?::text[])', [[...end.listedLocalIds, ...end.keepLocalIds]])
          .delete();
      } else if (end.deletedLocalIds.length > 0) {
        deleted = await trx('instruments').where('source_id', this.sourceId).whereIn('local_id', [...end.deletedLocalIds]).delete();
      }
      if (this.steps.countsDeferred) await recountSource(trx, this.sourceId);
      if (deleted > 0) {
        await trx('institutions').whereNotExists(trx('instruments').whereRaw('instruments.institution_id = institutions.id')).delete();
      }
      // these statements read the whole index, and the planner's estimate for them calls for JIT
      // compilation, which took longer (1.3 s) than the statements themselves on server PostgreSQL
      await trx.raw('set local jit = off');
      await inferModelTypes(trx);
      await recordSynonyms(trx, this.synonyms);
      await learnFromSharedModels(trx, this.sourceId);
      await last(trx);
    });
    await this.steps.commit();
    return { imported: this.imported, deleted };
  }

  /** a failed run: on a server nothing of it stays; in steps, the pages written stay (newer versions) and nothing is deleted */
  abort(): Promise<void> {
    return this.steps.rollback();
  }
}

/** After the write's transaction committed (VACUUM cannot run inside one): see table-upkeep.ts. */
export async function keepIndexHealthy(db: Knex, changedRows: number): Promise<void> {
  if (changedRows < UPKEEP_AFTER_ROWS) return;
  // a table at a time: on the embedded database's one connection, queries waiting meanwhile go between them
  for (const table of INDEX_TABLES) await vacuumAnalyze(db, [table]);
}
