/**
 * City statistics and utilisation rankings at scale: `cityStatistics` and the rankings through
 * the gateway over `count` instruments with a year of usage sessions (100 per instrument by
 * default: 10 million at 100,000), the monthly roll-up rebuilt from them, and the nightly
 * fake-busy run. Target: the statistics query ≤ 500 ms at 100,000 instruments.
 *   npx tsx bench/city-statistics.ts [count=100000] [sessionsPerInstrument=100]     (DATABASE_URL=… for server PostgreSQL)
 */
import { startIndexedHub } from './indexed-hub.ts';
import { machineLine, percentile } from './machine.ts';
import { monthOf } from '../subgraphs/usage/usage-months.ts';
import { rebuildUsageMonthly } from '../subgraphs/usage/usage-store.ts';

const count = Number(process.argv[2] ?? 100_000);
const ROUNDS = 5;
const SESSIONS_PER_INSTRUMENT = Number(process.argv[3] ?? 100);
const year = Number(monthOf(new Date()).slice(0, 4));
const QUERIES: Array<{ name: string; query: string; variables: Record<string, unknown> }> = [
  { name: 'statistics, last 12 months', query: `{ cityStatistics { instruments institutions serviceHours orders satisfaction byClass { count } byDistrict { count } monthly { usedHours } } }`, variables: {} },
  { name: 'statistics, a quarter, one district', query: `query ($f: CityStatisticsFilter) { cityStatistics(filter: $f) { instruments serviceHours institutionsByType { count } monthly { usedHours } } }`, variables: { f: { period: `${year}-Q3`, districts: ['南山区'] } } },
  { name: 'statistics, a year, universities', query: `query ($f: CityStatisticsFilter) { cityStatistics(filter: $f) { instruments serviceHours sharingRate { hourShare } valueBands { atLeast500k } } }`, variables: { f: { period: String(year), institutionTypes: ['UNIVERSITY'] } } },
  { name: 'statistics with flagged (first 100)', query: `{ cityStatistics { instruments flagged { totalCount nodes { instrumentName kind } } } }`, variables: {} },
  { name: 'instrument ranking, top 20', query: `{ instrumentUtilisationRanking(first: 20) { rank instrument { id name } utilisation { share } } }`, variables: {} },
  { name: 'institution ranking, least used', query: `{ institutionUtilisationRanking(first: 20, order: LEAST_USED) { rank institution { name } utilisation { share } } }`, variables: {} },
];

console.log(machineLine());
const { hub, close } = await startIndexedHub('oversight', count);
try {
  const db = hub.database.db;
  let started = performance.now();
  // a year of sessions as owners report them (about 100 per instrument: 10 million at 100,000), then
  // the monthly roll-up rebuilt from them, as insertUsageSessions keeps it
  // g in the lateral makes it run per row, so every session gets its own random day and hour
  const inserted = await db.raw(`insert into usage_sessions (instrument_id, started_at, ended_at, user_kind, reported_by, evidence)
    select i.id, x.start, x.start + make_interval(hours => x.len), case when random() < 0.25 then 'EXTERNAL' else 'INTERNAL' end, 'bench', 'METER'
    from instruments i cross join generate_series(1, ?) g
    cross join lateral (select date_trunc('day', now() - interval '365 days') + make_interval(days => (random() * 363)::int + g * 0, hours => 1 + (random() * 6)::int) as start,
      1 + (random() * 3)::int as len) x`, [SESSIONS_PER_INSTRUMENT]) as { rowCount: number };
  const rowCount = inserted.rowCount;
  console.log(`usage_sessions: ${Number(rowCount).toLocaleString('en-US')} sessions inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  await rebuildUsageMonthly(db);
  const [{ n }] = await db('usage_monthly').count('* as n') as Array<{ n: number | string }>;
  console.log(`usage_monthly: rebuilt from the sessions, ${Number(n).toLocaleString('en-US')} instrument-months in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await db.raw('analyze');
  started = performance.now();
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const body = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.adminToken}` },
      body: JSON.stringify({ query, variables }) }).then((r) => r.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  interface Run { id: string; status: string; instruments: number; raised: number }
  let run = (await gql<{ runFakeBusyDetection: Run }>('mutation { runFakeBusyDetection { id status instruments raised } }')).runFakeBusyDetection;
  while (run.status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    [run] = (await gql<{ fakeBusyRuns: Run[] }>('query ($id: ID) { fakeBusyRuns(id: $id) { id status instruments raised } }', { id: run.id })).fakeBusyRuns;
  }
  console.log(`fake-busy run (calendars read through the connector): ${run.status}, ${run.instruments.toLocaleString('en-US')} instruments, ${run.raised.toLocaleString('en-US')} flags in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await db.raw('analyze');

  for (const q of QUERIES) {
    const times: number[] = [];
    for (let round = 0; round < ROUNDS + 1; round++) {
      const t = performance.now();
      const response = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.adminToken}` }, body: JSON.stringify({ query: q.query, variables: q.variables }) });
      const body = await response.json() as { errors?: Array<{ message: string }> };
      if (body.errors) throw new Error(`${q.name}: ${body.errors.map((e) => e.message).join('; ')}`);
      if (round > 0) times.push(performance.now() - t); // the first warms the plan caches
    }
    times.sort((a, b) => a - b);
    console.log(`${q.name.padEnd(40)} p50 ${percentile(times, 50).toFixed(0).padStart(5)} ms   max ${times[times.length - 1].toFixed(0).padStart(5)} ms`);
  }
} finally {
  await close();
}
