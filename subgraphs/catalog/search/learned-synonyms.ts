/**
 * Synonyms the inventory teaches: a record that gives a Chinese and an English name says they
 * name one thing; "原子力显微镜（AFM）" says AFM is 原子力显微镜; one model named differently by
 * two owners ("场发射扫描电镜" and "FE-SEM" for an SU8010) says their names are the same kind.
 * Each pair is stored with what taught it (`search_synonyms`), extends the thesaurus's phrases at
 * query time (so a Chinese search finds an English-only record of another owner), is shown with
 * the search's units (why did this match?) and can be confirmed or rejected by the centre.
 */
import type { Knex } from 'knex';
import { foldText, hasCjk } from './text-analysis.ts';
import type { Phrase } from './query-units.ts';
import { remembered } from './remembered.ts';

export type SynonymKind = 'BILINGUAL_NAME' | 'ABBREVIATION' | 'SHARED_MODEL' | 'CENTRE';
export type SynonymStatus = 'LEARNED' | 'CONFIRMED' | 'REJECTED';

export interface SynonymPair { term: string; synonym: string; kind: SynonymKind; instrumentId: string }

interface NamedRecord { id: string; name: string; nameEn: string | null; model: string | null; manufacturer: string | null }

const MIN_LENGTH = 2;
const GENERIC_ENDING = /(\s*(系统|设备|仪器|装置|system|instrument|equipment|apparatus|device|unit))+$/;
const MAX_LENGTH = 40;
/** an abbreviation in parentheses: letters, digits and hyphens, with a letter */
const ABBREVIATION = /^[A-Za-z][A-Za-z0-9\-/+]{1,11}$/;

/**
 * A name as a synonym: without the record's model and maker (a phrase is what the instrument is,
 * not which one), without designations holding digits, folded and trimmed; null when little is left.
 */
export function synonymForm(name: string, record: Pick<NamedRecord, 'model' | 'manufacturer'>): string | null {
  let text = foldText(name);
  for (const part of [record.model, record.manufacturer]) if (part) text = text.split(foldText(part)).join(' ');
  text = text.replace(/[（(][^）)]*[）)]/g, ' ').replace(/[a-z]*\d[a-z0-9\-./]*/g, ' ').replace(/[\s\-_/·,，:：;；]+/g, ' ').trim();
  // "磁镊系统" teaches 磁镊: the generic word would make another owner's "Magnetic Tweezers" say too little
  text = text.replace(GENERIC_ENDING, '').trim();
  const length = [...text.replace(/\s/g, '')].length;
  return length >= MIN_LENGTH && length <= MAX_LENGTH ? text : null;
}

type TaughtPair = Omit<SynonymPair, 'instrumentId'>;

/** What one record teaches: its two names, and an abbreviation it gives in parentheses. */
export function synonymsFromRecord(record: NamedRecord): SynonymPair[] {
  return taughtByNames(record).map((p) => ({ ...p, instrumentId: record.id }));
}

// an inventory names one kind the same way on many records: each set of names is read once
const REMEMBERED = 20_000;
const taughtByNamesSeen = new Map<string, TaughtPair[]>();

function taughtByNames(record: Omit<NamedRecord, 'id'>): TaughtPair[] {
  const key = `${record.name}\u0000${record.nameEn ?? ''}\u0000${record.model ?? ''}\u0000${record.manufacturer ?? ''}`;
  return remembered(taughtByNamesSeen, key, () => pairsTaughtBy(record), REMEMBERED);
}

function pairsTaughtBy(record: Omit<NamedRecord, 'id'>): TaughtPair[] {
  const pairs: TaughtPair[] = [];
  const name = synonymForm(record.name, record);
  const english = record.nameEn ? synonymForm(record.nameEn, record) : null;
  if (name && english && hasCjk(name) && !hasCjk(english) && name !== english) {
    pairs.push({ term: name, synonym: english, kind: 'BILINGUAL_NAME' });
  }
  for (const text of [record.name, record.nameEn]) {
    const parenthesised = text ? /^(.+?)[（(]\s*([^）)]+?)\s*[）)]\s*$/.exec(text.normalize('NFKC')) : null;
    if (!parenthesised || !ABBREVIATION.test(parenthesised[2])) continue;
    const outside = synonymForm(parenthesised[1], record);
    const abbreviation = foldText(parenthesised[2]);
    if (outside && outside !== abbreviation) pairs.push({ term: outside, synonym: abbreviation, kind: 'ABBREVIATION' });
  }
  return pairs;
}

/** records that taught a pair, kept as examples */
const MAX_EXAMPLES = 5;

interface TalliedPair { term: string; synonym: string; kind: SynonymKind; ids: string[]; occurrences: number }

/** Pairs counted as they are taught (a harvest's pages), each kept once with its first examples. */
export class SynonymTally {
  private readonly merged = new Map<string, TalliedPair>();

  static of(pairs: readonly SynonymPair[]): SynonymTally {
    const tally = new SynonymTally();
    tally.add(pairs);
    return tally;
  }

  add(pairs: readonly SynonymPair[]): void {
    for (const p of pairs) {
      const key = `${p.term}\u0000${p.synonym}`;
      const known = this.merged.get(key);
      if (known) {
        known.occurrences += 1;
        if (known.ids.length < MAX_EXAMPLES && !known.ids.includes(p.instrumentId)) known.ids.push(p.instrumentId);
      } else this.merged.set(key, { term: p.term, synonym: p.synonym, kind: p.kind, ids: [p.instrumentId], occurrences: 1 });
    }
  }

  get pairs(): TalliedPair[] {
    return [...this.merged.values()];
  }
}

/** Adds pairs to what is learned: a pair seen again counts once more; what the centre decided stays. */
export async function recordSynonyms(db: Knex | Knex.Transaction, taught: readonly SynonymPair[] | SynonymTally): Promise<void> {
  const rows = (taught instanceof SynonymTally ? taught : SynonymTally.of(taught)).pairs;
  for (let i = 0; i < rows.length; i += 500) {
    await db('search_synonyms')
      .insert(rows.slice(i, i + 500).map((r) => ({ term: r.term, synonym: r.synonym, kind: r.kind, example_instrument_ids: r.ids, occurrences: r.occurrences })))
      .onConflict(['term', 'synonym'])
      .merge({
        occurrences: db.raw('search_synonyms.occurrences + excluded.occurrences'),
        example_instrument_ids: db.raw(`(select coalesce(array_agg(distinct e), '{}') from (select unnest(search_synonyms.example_instrument_ids || excluded.example_instrument_ids) e limit ${MAX_EXAMPLES}) x)`),
      });
  }
}

/** pairs a shared model may teach in one harvest, at most, and other sources' records read per model */
const MAX_MODEL_PAIRS = 2000;
const OTHERS_PER_MODEL = 3;

/**
 * One model named differently by records of different sources: those names are one kind. Only
 * models specific enough to tell (letters and digits, five or more) and harvested just now.
 */
export async function learnFromSharedModels(db: Knex | Knex.Transaction, sourceId: string): Promise<void> {
  // one record per model of this source, a few of other sources' records of it each, all through the
  // model index (its partial condition repeated, or the planner cannot use it for the join)
  const rows = await db.raw(`
    with mine as (
      select distinct on (model_key) id, name, name_en, model, manufacturer, model_key from instruments
      where source_id = ? and model_key <> '' and length(model_key) >= 5 and model_key ~ '[a-z]' and model_key ~ '[0-9]' and model is not null
      order by model_key, id)
    select a.id, a.name, a.name_en, a.model, a.manufacturer, b.name as other_name, b.name_en as other_name_en, b.model as other_model, b.manufacturer as other_manufacturer
    from mine a cross join lateral (
      select o.name, o.name_en, o.model, o.manufacturer from instruments o
      where o.model_key = a.model_key and o.model_key <> '' and o.source_id <> ? limit ${OTHERS_PER_MODEL}) b
    limit ${MAX_MODEL_PAIRS}`, [sourceId, sourceId]) as { rows: Array<{ id: string; name: string; name_en: string | null; model: string; manufacturer: string | null; other_name: string; other_name_en: string | null; other_model: string | null; other_manufacturer: string | null }> };
  const pairs: SynonymPair[] = [];
  for (const r of rows.rows) {
    const mine = synonymForm(r.name, r);
    const theirs = synonymForm(r.other_name, { model: r.other_model, manufacturer: r.other_manufacturer });
    if (!mine || !theirs || mine === theirs) continue;
    const [term, synonym] = hasCjk(theirs) && !hasCjk(mine) ? [theirs, mine] : [mine, theirs];
    pairs.push({ term, synonym, kind: 'SHARED_MODEL', instrumentId: r.id });
  }
  await recordSynonyms(db, pairs);
}

/** The learned pairs the search uses (all but the rejected), as phrases. */
export async function learnedPhrases(db: Knex): Promise<Phrase[]> {
  const rows = await db('search_synonyms').select('term', 'synonym').whereNot('status', 'REJECTED') as Array<{ term: string; synonym: string }>;
  return rows.map(({ term, synonym }) => {
    const forms = [term, synonym];
    return { zh: forms.filter(hasCjk), en: forms.filter((f) => !hasCjk(f)) };
  });
}

export interface SynonymRow {
  id: number;
  term: string;
  synonym: string;
  kind: SynonymKind;
  example_instrument_ids: string[];
  occurrences: number;
  status: SynonymStatus;
  decided_by: string | null;
  decided_at: Date | null;
}

export async function listSynonyms(db: Knex, status: SynonymStatus | null, limit: number): Promise<SynonymRow[]> {
  const query = db('search_synonyms').orderBy([{ column: 'occurrences', order: 'desc' }, { column: 'id' }]).limit(limit);
  if (status) query.where({ status });
  return await query as SynonymRow[];
}

export async function decideSynonym(db: Knex, id: number, status: SynonymStatus, by: string): Promise<SynonymRow | null> {
  if (!Number.isSafeInteger(id)) return null;
  const [row] = await db('search_synonyms').where({ id }).update({ status, decided_by: by, decided_at: db.fn.now() }).returning('*') as SynonymRow[];
  return row ?? null;
}

/** a synonym of the centre's own: confirmed as it is added (or confirmed again if it was learned) */
export async function addCentreSynonym(db: Knex, term: string, synonym: string, by: string): Promise<SynonymRow> {
  const [row] = await db('search_synonyms')
    .insert({ term, synonym, kind: 'CENTRE', status: 'CONFIRMED', decided_by: by, decided_at: db.fn.now() })
    .onConflict(['term', 'synonym']).merge({ status: 'CONFIRMED', decided_by: by, decided_at: db.fn.now() })
    .returning('*') as SynonymRow[];
  return row;
}
