/**
 * The yearly national report at city scale: `irhub report national` for last year over `count`
 * instruments with a year of usage sessions (100 per instrument by default, a quarter of them
 * by other institutions: 10 million at 100,000), through the gateway, both files streamed to
 * disk. Target: the equipment sheet in under 2 minutes at 100,000 instruments.
 *   npx tsx bench/national-report.ts [count=100000] [sessionsPerInstrument=100]     (DATABASE_URL=… for server PostgreSQL)
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { nationalReportCommand } from '../gateway/cli/national-report-command.ts';
import { rebuildUsageMonthly } from '../subgraphs/usage/usage-store.ts';
import { startIndexedHub } from './indexed-hub.ts';
import { machineLine } from './machine.ts';

const count = Number(process.argv[2] ?? 100_000);
const SESSIONS_PER_INSTRUMENT = Number(process.argv[3] ?? 100);
const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear() - 1;

console.log(machineLine());
const { hub, dir, close } = await startIndexedHub('national', count);
try {
  const db = hub.database.db;
  const [{ n: present }] = await db('usage_sessions').count('* as n') as Array<{ n: number | string }>;
  if (Number(present) === count * SESSIONS_PER_INSTRUMENT) {
    console.log(`reusing ${Number(present).toLocaleString('en-US')} sessions`);
  } else {
    let started = performance.now();
    await db('usage_monthly').delete();
    await db('usage_sessions').delete();
    // a year of 1–4 h sessions on random days and hours of the report's year (Asia/Shanghai);
    // i and g in the lateral make it run per row, so every session gets its own day and hour
    const inserted = await db.raw(`insert into usage_sessions (instrument_id, started_at, ended_at, user_kind, reported_by, evidence)
      select i.id, x.start, x.start + make_interval(hours => x.len), case when random() < 0.25 then 'EXTERNAL' else 'INTERNAL' end, 'bench', 'METER'
      from instruments i cross join generate_series(1, ?) g
      cross join lateral (select make_timestamptz(?, 1, 1, 0, 0, 0, 'Asia/Shanghai') + make_interval(days => (random() * 363)::int + g * 0 + length(i.id) * 0, hours => 8 + (random() * 10)::int) as start,
        1 + (random() * 3)::int as len) x`, [SESSIONS_PER_INSTRUMENT, year]) as { rowCount: number };
    console.log(`usage_sessions: ${Number(inserted.rowCount).toLocaleString('en-US')} sessions in ${year} inserted in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    started = performance.now();
    await rebuildUsageMonthly(db);
    console.log(`usage_monthly: rebuilt from the sessions in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await db.raw('analyze');
  }
  const out = path.join(dir, `national-${year}`);
  const started = performance.now();
  const code = await nationalReportCommand(['--year', String(year), '--out', out], (line) => console.log(line), { IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken });
  if (code !== 0) throw new Error(`report national exited ${code}`);
  const size = (file: string) => `${(statSync(path.join(out, file)).size / 2 ** 20).toFixed(0)} MiB`;
  console.log(`both files (equipment.xlsx ${size('equipment.xlsx')}, service-records.xlsx ${size('service-records.xlsx')}) in ${((performance.now() - started) / 1000).toFixed(0)} s`
    + ' (target: the equipment sheet under 2 minutes at 100,000 instruments)');
} finally {
  await close();
}
