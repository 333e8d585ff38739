/**
 * Ranking a text search: an exact model, then an exact type, then a type, then how well the words
 * match (SCORE_WEIGHTS; the score is on each edge).
 *
 * Scoring reads every row it scores, and at a million instruments a common type has tens of
 * thousands of members ("核磁共振波谱仪": 17,000), spread over as many table pages. So the rows to
 * score are gathered first, from the index, along each way a row can match — its exact model, its
 * exact type, its type, all of its words — each way stopping after `CANDIDATES_PER_WAY` rows
 * (the type's members said in their owners' own words after a page: the type's way holds them
 * too), and only those are scored. When no way reached its limit the candidates are every match, and ranking
 * and count are exact. When one did, its rows left out match the same way as rows already scored
 * (members of the same named type, or rows holding all the words), so they tie with what is shown
 * or differ only in how many of the words they also hold; the listing then counts them apart.
 */
import type { Knex } from 'knex';
import { applyDimensions, applyTextMatch, whereWords, type InstrumentFilterInput } from '../instrument-filter.ts';
import { allUnitsTsquery, anyUnitTsquery, SCORE_WEIGHTS, unitTsquery, type TextQuery } from './text-query.ts';

/** rows taken along each way of matching — ten pages of twenty; deeper pages take more */
export const CANDIDATES_PER_WAY = 200;

export interface RankedPage {
  ids: string[];
  scores: number[];
  /** matches found: every match when `exact`, else a lower bound */
  matched: number;
  exact: boolean;
}

/** how much of the text a record says: the share of its units it holds (generic ones count a third) */
function coverageSql(text: TextQuery): { sql: string; bindings: string[] } {
  if (!text.units.length) return { sql: '0', bindings: [] };
  const weight = (generic: boolean) => (generic ? 1 / 3 : 1);
  const total = text.units.reduce((sum, u) => sum + weight(u.generic), 0);
  return {
    sql: `((${text.units.map((u) => `${weight(u.generic)} * (i.search_vector @@ to_tsquery('simple', ?))::int`).join(' + ')}) / ${total})`,
    bindings: text.units.map((u) => unitTsquery(u)),
  };
}

function scoreSql(db: Knex, text: TextQuery): Knex.Raw {
  const coverage = coverageSql(text);
  const any = anyUnitTsquery(text);
  return db.raw(`(case when ?::text is not null and i.model_key = ? then ${SCORE_WEIGHTS.exactModel} else 0 end
    + case when i.type_keys && ?::text[] then ${SCORE_WEIGHTS.exactType} when i.type_keys && ?::text[] then ${SCORE_WEIGHTS.type} else 0 end
    + ${SCORE_WEIGHTS.coverage} * ${coverage.sql}
    + ${SCORE_WEIGHTS.text} * ${any ? "ts_rank(i.search_vector, to_tsquery('simple', ?))" : '0'})`,
  [text.model, text.model ?? '', text.exactTypeKeys, text.typeKeys, ...coverage.bindings, ...(any ? [any] : [])]);
}

interface MatchWay {
  way: string;
  where(q: Knex.QueryBuilder): void;
  /** a way among rows another way gathers whole unless it is cut: it needs only the page's rows, and never says the count is cut */
  pageOnly?: boolean;
}

/** The ways a row can match the text, each a condition the index answers. */
function matchWays(text: TextQuery): MatchWay[] {
  const ways: MatchWay[] = [];
  if (text.model) ways.push({ way: 'model', where: (q) => applyTextMatch(q.where('i.model_key', text.model!), text) });
  if (text.units.some((u) => !u.generic)) {
    // rows saying every unit first, so a limit on the rows saying enough never crowds them out
    ways.push({ way: 'every word', where: (q) => whereWords(q, text, 'every') });
    ways.push({ way: 'enough words', where: (q) => whereWords(q, text, 'enough') });
  }
  const ownWords = allUnitsTsquery(text, true);
  if (text.typeKeys.length && ownWords) {
    // members of a type rank by whether their owners wrote the searched words themselves: those
    // that did are gathered apart, so a type's other thousands never crowd them out. The words are
    // checked on the type's rows (`is true` keeps them off the word index): intersecting with every
    // row holding the words' common pairs took 10–40 ms at 100,000, reading the members 1 ms; the query
    // is parsed once (a sub-select), not for every row the filter reads. They are members of the
    // type, which the type's own way gathers: this one only has to fill the page
    ways.push({ way: 'type in own words', pageOnly: true, where: (q) => q.whereRaw('i.type_keys && ?::text[]', [text.typeKeys]).whereRaw(`(i.search_vector @@ (select to_tsquery('simple', ?))) is true`, [ownWords]) });
  }
  if (text.exactTypeKeys.length) ways.push({ way: 'exact type', where: (q) => q.whereRaw('i.type_keys && ?::text[]', [text.exactTypeKeys]) });
  if (text.typeKeys.length > text.exactTypeKeys.length) ways.push({ way: 'type', where: (q) => q.whereRaw('i.type_keys && ?::text[]', [text.typeKeys]) });
  return ways;
}

export async function rankTextMatches(db: Knex, text: TextQuery, filter: InstrumentFilterInput, activeSourceIds: readonly string[], offset: number, limit: number, candidatesPerWay = CANDIDATES_PER_WAY): Promise<RankedPage> {
  const ways = matchWays(text);
  if (!ways.length) return { ids: [], scores: [], matched: 0, exact: true };
  const perWay = Math.max(candidatesPerWay, offset + limit);
  const streams = ways.map(({ way, where, pageOnly }) => {
    const q = applyDimensions(db, db('instruments as i').select('i.id', db.raw('? as way', [way])), filter, activeSourceIds, 'filter keys');
    where(q);
    return q.limit(pageOnly ? offset + limit : perWay);
  });
  const pageOnlyWays = ways.filter((w) => w.pageOnly).map((w) => w.way);
  const rows = await db
    .with('candidates', db.queryBuilder().unionAll(streams, true))
    .with('found', db.raw(`select count(distinct id) as matched,
      exists (select 1 from candidates where way <> all(?::text[]) group by way having count(*) >= ?) as cut from candidates`, [pageOnlyWays, perWay]))
    .select('found.matched', 'found.cut', 'page.id', 'page.score')
    .from('found')
    .joinRaw(`left join lateral (select i.id, ? as score from instruments i where i.id in (select id from candidates)
      order by score desc, i.id offset ? limit ?) page on true`, [scoreSql(db, text), offset, limit]) as Array<{ matched: number | string; cut: boolean; id: string | null; score: number | null }>;
  const page = rows.filter((r) => r.id !== null);
  return {
    ids: page.map((r) => r.id!),
    scores: page.map((r) => Number(r.score)),
    matched: Number(rows[0]?.matched ?? 0),
    exact: !rows[0]?.cut,
  };
}
