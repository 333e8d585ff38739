/**
 * The filtered instrument listing behind `instruments(filter, first, after)`: each filter
 * of API.md as a WHERE clause over indexed columns, keyset pagination by id, and only the
 * sources that the serving supergraph knows (a source whose composition failed is invisible).
 */
import type { Knex } from 'knex';
import { GraphQLError } from 'graphql';
import { resolveDistrict } from '../../schema/districts.ts';
import { decodeCursor, encodeCursor, pageSize } from './cursor.ts';
import type { InstrumentRow } from './rows.ts';
import { parseTextQuery, SCORE_WEIGHTS, tsquery } from './search/text-query.ts';
import { applyNear, checkNear, distanceSql, haversineKm, type NearInput } from './search/nearness.ts';
import { countFacets, type Facets } from './search/facets.ts';
import { findAvailable, MAX_WINDOW_DAYS, type OwnerCalendar } from './search/availability.ts';

export interface InstrumentFilterInput {
  text?: string | null;
  classes?: string[] | null;
  districts?: string[] | null;
  institutionIds?: string[] | null;
  institutionTypes?: string[] | null;
  sharing?: string[] | null;
  sourceIds?: string[] | null;
  declaredStatuses?: string[] | null;
  maxExternalRate?: string | null;
  near?: NearInput | null;
  availableFrom?: Date | null;
  availableTo?: Date | null;
}

export const MAX_PAGE = 100;
export const MAX_TEXT_LENGTH = 200;

export interface InstrumentPage {
  totalCount: number;
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

function badInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });
}

/** Checks that need no database, so a bad query never reaches it. */
export function checkFilter(filter: InstrumentFilterInput): { districts: string[] | null; text: string | null } {
  let text = filter.text?.trim() ?? null;
  if (text === '') text = null;
  if (text && text.length > MAX_TEXT_LENGTH) throw badInput(`filter.text is ${text.length} characters; at most ${MAX_TEXT_LENGTH} are searched`, 'filter.text');
  let districts: string[] | null = null;
  if (filter.districts) {
    districts = filter.districts.map((d) => {
      const resolved = resolveDistrict(d);
      if (!resolved) throw badInput(`filter.districts: unknown district "${d}"`, 'filter.districts');
      return resolved.zh;
    });
  }
  if (filter.near) checkNear(filter.near);
  const { availableFrom: from, availableTo: to } = filter;
  if ((from && !to) || (!from && to)) throw badInput('filter.availableFrom and filter.availableTo go together', 'filter.availableTo');
  if (from && to && to.getTime() <= from.getTime()) throw badInput('filter.availableTo must be after filter.availableFrom', 'filter.availableTo');
  if (from && to && to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86400_000) throw badInput(`filter.availableFrom to availableTo spans more than ${MAX_WINDOW_DAYS} days`, 'filter.availableTo');
  return { districts, text };
}

export function applyFilter(db: Knex, query: Knex.QueryBuilder, filter: InstrumentFilterInput, activeSourceIds: readonly string[]): Knex.QueryBuilder {
  const { districts, text } = checkFilter(filter);
  if (filter.near) applyNear(db, query, filter.near);
  query.whereIn('i.source_id', [...activeSourceIds]);
  if (filter.sourceIds?.length) query.whereIn('i.source_id', filter.sourceIds);
  if (filter.classes?.length) query.whereIn('i.instrument_class', filter.classes);
  if (districts?.length) query.whereIn('i.district', districts);
  if (filter.institutionIds?.length) query.whereIn('i.institution_id', filter.institutionIds);
  if (filter.institutionTypes?.length) query.whereIn('i.institution_id', db('institutions').select('id').whereIn('type', filter.institutionTypes));
  if (filter.sharing?.length) query.whereIn('i.sharing', filter.sharing);
  if (filter.declaredStatuses?.length) query.whereIn('i.declared_status', filter.declaredStatuses);
  if (filter.maxExternalRate) query.where('i.external_rate', '<=', filter.maxExternalRate);
  if (text) {
    const parsed = parseTextQuery(text);
    query.where((q) => {
      // a text that names a type exactly ("高效液相色谱仪", "PPMS") wants that type: words it shares with
      // instruments of another recognised type (液相色谱-质谱联用仪, 0.1 ppm) do not make them matches
      if (parsed.terms.length && parsed.exactTypeKeys.length) q.orWhereRaw(`(i.search_vector @@ to_tsquery('simple', ?) and cardinality(i.type_keys) = 0)`, [tsquery(parsed.terms, '&')]);
      else if (parsed.terms.length) q.orWhereRaw(`i.search_vector @@ to_tsquery('simple', ?)`, [tsquery(parsed.terms, '&')]);
      if (parsed.typeKeys.length) q.orWhereRaw('i.type_keys && ?::text[]', [parsed.typeKeys]);
      if (!parsed.terms.length && !parsed.typeKeys.length) q.whereRaw('false');
    });
  }
  return query;
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
export async function listAvailableInstruments(db: Knex, filter: InstrumentFilterInput, first: number | null | undefined, after: string | null | undefined, activeSourceIds: readonly string[], sort: InstrumentSort, calendar: OwnerCalendar): Promise<InstrumentPage> {
  const limit = pageSize(first, MAX_PAGE, 20);
  const cursor = after ? decodeCursor(after) : null;
  if (cursor && !('offset' in cursor)) throw badInput('after: cursor does not belong to this search', 'after');
  const offset = cursor && 'offset' in cursor ? cursor.offset : 0;
  const window = { from: filter.availableFrom!, to: filter.availableTo! };
  const candidates = await listInstruments(db, { ...filter, declaredStatuses: (filter.declaredStatuses ?? ['IDLE', 'IN_USE']).filter((s) => s === 'IDLE' || s === 'IN_USE') }, MAX_AVAILABILITY_CANDIDATES, null, activeSourceIds, sort, MAX_AVAILABILITY_CANDIDATES);
  const free = await findAvailable(candidates.rows.map((r) => r.id), window, calendar, offset + limit + 1);
  const indexes = candidates.rows.map((r, i) => (free.has(r.id) ? i : -1)).filter((i) => i >= 0);
  const pageIndexes = indexes.slice(offset, offset + limit);
  return {
    // exact when every candidate was checked; otherwise the candidates still unchecked may be free too
    totalCount: free.size <= offset + limit && candidates.rows.length === candidates.totalCount ? indexes.length : candidates.totalCount,
    rows: pageIndexes.map((i) => candidates.rows[i]),
    scores: pageIndexes.map((i) => candidates.scores[i]),
    distances: pageIndexes.map((i) => candidates.distances[i]),
    freeFrom: pageIndexes.map((i) => free.get(candidates.rows[i].id) ?? null),
    cursors: pageIndexes.map((_, n) => encodeCursor({ offset: offset + n + 1 })),
    hasNextPage: indexes.length > offset + limit,
    facets: candidates.facets,
  };
}

export async function listInstruments(db: Knex, filter: InstrumentFilterInput, first: number | null | undefined, after: string | null | undefined, activeSourceIds: readonly string[], sort: InstrumentSort = 'RELEVANCE', maxPage = MAX_PAGE): Promise<InstrumentPage> {
  const limit = pageSize(first, maxPage, 20);
  const cursor = after ? decodeCursor(after) : null;
  const { text } = checkFilter(filter);
  const base = () => applyFilter(db, db('instruments as i'), filter, activeSourceIds);
  let pageQuery: Knex.QueryBuilder;
  let offset = 0;
  const ranked = Boolean(text) || sort === 'DISTANCE';
  if (sort === 'DISTANCE' && !filter.near) throw badInput('sort DISTANCE needs filter.near', 'sort');
  if (sort === 'DISTANCE' && filter.near) {
    if (cursor && !('offset' in cursor)) throw badInput('after: cursor does not belong to this search', 'after');
    offset = cursor && 'offset' in cursor ? cursor.offset : 0;
    pageQuery = base().select('i.id', db.raw('? as distance_km', [distanceSql(db, filter.near)])).orderBy([{ column: 'distance_km' }, { column: 'i.id' }]).offset(offset).limit(limit + 1);
  } else if (text) {
    // ranked: an exact model, then an exact type, then a type, then how well the words match
    if (cursor && !('offset' in cursor)) throw badInput('after: cursor does not belong to this search', 'after');
    offset = cursor && 'offset' in cursor ? cursor.offset : 0;
    const parsed = parseTextQuery(text);
    const score = db.raw(`(case when ?::text is not null and i.model_key = ? then ${SCORE_WEIGHTS.exactModel} else 0 end
      + case when i.type_keys && ?::text[] then ${SCORE_WEIGHTS.exactType} when i.type_keys && ?::text[] then ${SCORE_WEIGHTS.type} else 0 end
      + ${SCORE_WEIGHTS.text} * ${parsed.terms.length ? "ts_rank(i.search_vector, to_tsquery('simple', ?))" : '0'}) as score`,
    [parsed.model, parsed.model ?? '', parsed.exactTypeKeys, parsed.typeKeys, ...(parsed.terms.length ? [tsquery(parsed.terms, '|')] : [])]);
    // rank on the id and score alone; the page's full rows are read afterwards by id
    pageQuery = base().select('i.id', score).orderBy([{ column: 'score', order: 'desc' }, { column: 'i.id' }]).offset(offset).limit(limit + 1);
  } else {
    if (cursor && !('after' in cursor)) throw badInput('after: cursor does not belong to this listing', 'after');
    pageQuery = base().select('i.*').orderBy('i.id').limit(limit + 1);
    if (cursor && 'after' in cursor) pageQuery.where('i.id', '>', cursor.after);
  }
  const countAll = async () => Number((await base().count<{ count: number | string }[]>({ count: '*' }))[0]?.count ?? 0);
  let rows: Array<InstrumentRow & { score?: number; distance_km?: number; total_count?: number | string }>;
  let totalCount: number;
  if (ranked) {
    // a ranked page already visits every match to sort it: count them in the same pass
    const ranking = await pageQuery.select(db.raw('count(*) over () as total_count')) as Array<{ id: string; score?: number; distance_km?: number; total_count: number | string }>;
    totalCount = ranking.length ? Number(ranking[0].total_count) : offset > 0 ? await countAll() : 0;
    const full = new Map((await db('instruments').whereIn('id', ranking.map((r) => r.id)) as InstrumentRow[]).map((r) => [r.id, r]));
    rows = ranking.map((r) => ({ ...full.get(r.id)!, score: r.score, distance_km: r.distance_km }));
  } else {
    [rows, totalCount] = await Promise.all([pageQuery, countAll()]);
  }
  const hasNextPage = rows.length > limit;
  const page = rows.slice(0, limit);
  return {
    totalCount,
    rows: page,
    scores: page.map((r) => (r.score === undefined ? null : Math.round(Number(r.score) * 1000) / 1000)),
    distances: page.map((r) => (filter.near ? roundKm(r.distance_km ?? haversineKm(filter.near, r)) : null)),
    freeFrom: page.map(() => null),
    cursors: page.map((r, n) => encodeCursor(ranked ? { offset: offset + n + 1 } : { after: r.id })),
    hasNextPage,
    facets: () => countFacets(base),
  };
}
