/**
 * The instrument listing behind `instruments(filter, first, after, sort)`: by id with keyset
 * pagination, by relevance (search/ranking.ts) or by distance with offsets, over only the
 * sources that the serving supergraph knows (a source whose composition failed is invisible).
 * Counts come from `instrument_counts` when the filter allows, else stop at a bound: a page of 20
 * must not cost a count of a third of a million rows.
 */
import type { Knex } from 'knex';
import { badInput } from '../bad-input.ts';
import { decodeCursor, encodeCursor, pageSize } from './cursor.ts';
import { INSTRUMENT_COLUMNS, type InstrumentRow } from './rows.ts';
import { applyDimensions, applyTextMatch, checkFilter, dimensionFilter, whereWords, type InstrumentFilterInput } from './instrument-filter.ts';
import { countFacetsByDimension, countInstruments } from './instrument-counts.ts';
import { parseTextQuery, type TextQuery } from './search/text-query.ts';
import type { PhraseTable } from './search/query-units.ts';
import { distanceSql, haversineKm } from './search/nearness.ts';
import { countFacets, type Facets } from './search/facets.ts';
import { findAvailable, type OwnerCalendar } from './search/availability.ts';
import { rankTextMatches } from './search/ranking.ts';

export const MAX_PAGE = 100;

export interface InstrumentPage {
  /** exact when `totalCountExact`, otherwise at least this many match */
  totalCount: number;
  totalCountExact: boolean;
  rows: InstrumentRow[];
  /** relevance of each row for a text search, null otherwise */
  scores: Array<number | null>;
  /** km from filter.near, when given */
  distances: Array<number | null>;
  /** first free slot in the availability window, when one was asked for */
  freeFrom: Array<Date | null>;
  cursors: string[];
  facets(): Promise<Facets>;
  hasNextPage: boolean;
}

/** A listing's filter, checked, with its text parsed once (`parseTextQuery`) for every query the listing runs. */
export interface ListingRequest {
  filter: InstrumentFilterInput;
  text: TextQuery | null;
}

export function listingRequest(filter: InstrumentFilterInput, phrases?: PhraseTable): ListingRequest {
  const { text } = checkFilter(filter);
  return { filter, text: text ? parseTextQuery(text, phrases) : null };
}

/** The whole match set as a query: every filter, and the text's match condition. */
function matching(db: Knex, { filter, text }: ListingRequest, activeSourceIds: readonly string[]): Knex.QueryBuilder {
  // with a text, the filters join the words and types inside their GIN scans
  const query = applyDimensions(db, db('instruments as i'), filter, activeSourceIds, text ? 'filter keys' : 'columns');
  return text ? applyTextMatch(query, text) : query;
}

const roundKm = (km: number | null) => (km === null ? null : Math.round(Number(km) * 100) / 100);

export type InstrumentSort = 'RELEVANCE' | 'DISTANCE' | 'ID';

/** how many candidates an availability search checks against owners' calendars at most */
export const MAX_AVAILABILITY_CANDIDATES = 1000;

/**
 * The listing narrowed to instruments with a free slot in the window: candidates come from
 * the ordinary listing (retired and under-repair ones excluded) and are checked in order until
 * the page is full. Pages are offsets into that checked list.
 */
export async function listAvailableInstruments(db: Knex, request: ListingRequest, first: number | null | undefined, after: string | null | undefined, activeSourceIds: readonly string[], sort: InstrumentSort, calendar: OwnerCalendar): Promise<InstrumentPage> {
  const limit = pageSize(first, MAX_PAGE, 20);
  const cursor = after ? decodeCursor(after) : null;
  if (cursor && !('offset' in cursor)) throw badInput('after', 'cursor does not belong to this search');
  const offset = cursor && 'offset' in cursor ? cursor.offset : 0;
  const { filter } = request;
  const window = { from: filter.availableFrom!, to: filter.availableTo! };
  const candidates = await listInstruments(db, { text: request.text, filter: { ...filter, declaredStatuses: (filter.declaredStatuses ?? ['IDLE', 'IN_USE']).filter((s) => s === 'IDLE' || s === 'IN_USE') } }, MAX_AVAILABILITY_CANDIDATES, null, activeSourceIds, sort, MAX_AVAILABILITY_CANDIDATES);
  const free = await findAvailable(candidates.rows.map((r) => r.id), window, calendar, offset + limit + 1);
  const indexes = candidates.rows.map((r, i) => (free.has(r.id) ? i : -1)).filter((i) => i >= 0);
  const pageIndexes = indexes.slice(offset, offset + limit);
  // exact when every candidate was checked; otherwise the candidates still unchecked may be free too
  const allChecked = free.size <= offset + limit && candidates.totalCountExact && candidates.rows.length === candidates.totalCount;
  return {
    totalCount: allChecked ? indexes.length : candidates.totalCount,
    totalCountExact: allChecked,
    rows: pageIndexes.map((i) => candidates.rows[i]),
    scores: pageIndexes.map((i) => candidates.scores[i]),
    distances: pageIndexes.map((i) => candidates.distances[i]),
    freeFrom: pageIndexes.map((i) => free.get(candidates.rows[i].id) ?? null),
    cursors: pageIndexes.map((_, n) => encodeCursor({ offset: offset + n + 1 })),
    hasNextPage: indexes.length > offset + limit,
    facets: candidates.facets,
  };
}

/** a count that would read more matches than this says "at least" instead */
export const COUNT_BOUND = 1000;

async function boundedCount(db: Knex, query: Knex.QueryBuilder): Promise<{ count: number; exact: boolean }> {
  const [row] = await db.from(query.select(db.raw('1')).limit(COUNT_BOUND + 1).as('m')).count<{ count: number | string }[]>({ count: '*' });
  const count = Number(row?.count ?? 0);
  return count > COUNT_BOUND ? { count: COUNT_BOUND, exact: false } : { count, exact: true };
}

/**
 * The count of a listing: exact from `instrument_counts` when only its dimensions filter it; for
 * a text naming a type, that type's members from there too and the instruments matching by words
 * alone counted up to the bound; otherwise the whole match counted up to the bound.
 */
async function countListing(db: Knex, request: ListingRequest, activeSourceIds: readonly string[]): Promise<{ count: number; exact: boolean }> {
  const { filter, text: parsed } = request;
  const dimensions = dimensionFilter(filter, activeSourceIds);
  if (dimensions && !parsed) return { count: await countInstruments(db, dimensions), exact: true };
  if (dimensions && parsed?.typeKeys.length) {
    const byWordsAlone = async () => {
      if (!parsed.units.length) return { count: 0, exact: true };
      const words = whereWords(applyDimensions(db, db('instruments as i'), filter, activeSourceIds, 'filter keys'), parsed, 'enough');
      // the type's members are counted already; a text naming it exactly matches only untyped rows by words
      if (!parsed.exactTypeKeys.length) words.whereRaw('not (i.type_keys && ?::text[])', [parsed.typeKeys]);
      return boundedCount(db, words);
    };
    const [ofType, alone] = await Promise.all([countInstruments(db, { ...dimensions, typeKeys: parsed.typeKeys }), byWordsAlone()]);
    return { count: ofType + alone.count, exact: alone.exact };
  }
  return boundedCount(db, matching(db, request, activeSourceIds));
}

type RowWithRank = InstrumentRow & { score?: number; distance_km?: number };

async function fullRows(db: Knex, ranking: Array<{ id: string; score?: number; distance_km?: number }>): Promise<RowWithRank[]> {
  const full = new Map((await db('instruments').select(INSTRUMENT_COLUMNS).whereIn('id', ranking.map((r) => r.id)) as InstrumentRow[]).map((r) => [r.id, r]));
  return ranking.map((r) => ({ ...full.get(r.id)!, score: r.score, distance_km: r.distance_km }));
}

export async function listInstruments(db: Knex, request: ListingRequest, first: number | null | undefined, after: string | null | undefined, activeSourceIds: readonly string[], sort: InstrumentSort = 'RELEVANCE', maxPage = MAX_PAGE): Promise<InstrumentPage> {
  const limit = pageSize(first, maxPage, 20);
  const cursor = after ? decodeCursor(after) : null;
  const { filter, text } = request;
  if (sort === 'DISTANCE' && !filter.near) throw badInput('sort', 'DISTANCE needs filter.near');
  const byOffset = Boolean(text) || sort === 'DISTANCE';
  if (cursor && byOffset && !('offset' in cursor)) throw badInput('after', 'cursor does not belong to this search');
  if (cursor && !byOffset && !('after' in cursor)) throw badInput('after', 'cursor does not belong to this listing');
  const offset = cursor && 'offset' in cursor ? cursor.offset : 0;
  let rows: RowWithRank[];
  let counted: { count: number; exact: boolean };
  if (sort === 'DISTANCE' && filter.near) {
    // the radius bounds the matches, and sorting by distance visits each of them anyway: count in the same pass
    const ranking = await matching(db, request, activeSourceIds)
      .select('i.id', db.raw('? as distance_km', [distanceSql(db, filter.near)]), db.raw('count(*) over () as total_count'))
      .orderBy([{ column: 'distance_km' }, { column: 'i.id' }]).offset(offset).limit(limit + 1) as Array<{ id: string; distance_km: number; total_count: number | string }>;
    rows = await fullRows(db, ranking);
    counted = ranking.length || offset === 0 ? { count: Number(ranking[0]?.total_count ?? 0), exact: true } : await countListing(db, request, activeSourceIds);
  } else if (text) {
    // counted beside the ranking, on a connection of its own: when the candidates turn out to be every
    // match the count is not needed, but then it was a count of few rows; when they are not, it is the
    // count of many, which waited for the ranking (30 ms after 40 at a million instruments)
    const counting = countListing(db, request, activeSourceIds);
    counting.catch(() => {});
    const ranked = await rankTextMatches(db, text, filter, activeSourceIds, offset, limit + 1);
    let whole: { count: number; exact: boolean };
    [rows, whole] = await Promise.all([
      fullRows(db, ranked.ids.map((id, n) => ({ id, score: ranked.scores[n] }))),
      ranked.exact ? { count: ranked.matched, exact: true } : counting,
    ]);
    counted = { ...whole, count: Math.max(whole.count, ranked.matched) };
  } else {
    const pageQuery = matching(db, request, activeSourceIds).select(INSTRUMENT_COLUMNS.map((c) => `i.${c}`)).orderBy('i.id').limit(limit + 1);
    if (cursor && 'after' in cursor) pageQuery.where('i.id', '>', cursor.after);
    [rows, counted] = await Promise.all([pageQuery as Promise<RowWithRank[]>, countListing(db, request, activeSourceIds)]);
  }
  const hasNextPage = rows.length > limit;
  const page = rows.slice(0, limit);
  const dimensions = text ? null : dimensionFilter(filter, activeSourceIds);
  return {
    totalCount: counted.count,
    totalCountExact: counted.exact,
    rows: page,
    scores: page.map((r) => (r.score === undefined ? null : Math.round(Number(r.score) * 1000) / 1000)),
    distances: page.map((r) => (filter.near ? roundKm(r.distance_km ?? haversineKm(filter.near, r)) : null)),
    freeFrom: page.map(() => null),
    cursors: page.map((r, n) => encodeCursor(byOffset ? { offset: offset + n + 1 } : { after: r.id })),
    hasNextPage,
    facets: () => (dimensions ? countFacetsByDimension(db, dimensions) : countFacets(db, matching(db, request, activeSourceIds), 'i')),
  };
}
