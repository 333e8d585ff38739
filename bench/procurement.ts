/**
 * Duplicate-purchase review speed: one check through the gateway (p50/p95 over a mix of
 * purchases named in Chinese, English, by abbreviation and by model), and a whole plan of
 * 1,000 items end to end through `irhub procurement check` (file → checks → HTML and CSV).
 * Instruments of the checked types get a year of weekly usage sessions so the idle-capacity
 * lookup does real work.
 *   npx tsx bench/procurement.ts [count=100000]     (DATABASE_URL=… for server PostgreSQL)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { INSTRUMENT_TYPES } from '../schema/instrument-types.ts';
import { procurementCommand } from '../gateway/cli/procurement-command.ts';
import { startIndexedHub } from './indexed-hub.ts';
import { rebuildUsageMonthly } from '../subgraphs/usage/usage-store.ts';
import { machineLine, percentile } from './machine.ts';

const count = Number(process.argv[2] ?? 100_000);
const MIX = [
  { name: 'Transmission Electron Microscope', budget: '8000000' },
  { name: '场发射扫描电子显微镜（含能谱）', budget: '3500000', district: '南山区' },
  { name: '电镜', model: 'JEM-2100F', manufacturer: 'JEOL', budget: '6000000' },
  { name: '600M超导核磁共振波谱仪', specs: '磁场强度600 MHz', budget: '9000000' },
  { name: 'UPLC-MS/MS', budget: '4500000' },
  { name: '3.0T MRI Scanner', budget: '22000000' },
  { name: 'X-ray Difractometer', budget: '1500000' },
  { name: '扫描隧道显微镜', budget: '5000000' },
];
const USED_TYPES = ['TEM', 'FE_SEM', 'SEM', 'NMR', 'LC_MS', 'MRI', 'XRD'];
const CHECK = `query ($input: PlannedPurchaseInput!) { procurementCheck(input: $input) { requirement duplicateRisk
  candidates { score reasons instrument { id name institution { name } } usage { share } } } }`;

console.log(machineLine());
const { hub, dir, close } = await startIndexedHub('procurement', count);
try {
  let started = performance.now();
  const { rows } = await hub.database.db.raw<{ rows: Array<{ n: string }> }>(`
    with inserted as (
      insert into usage_sessions (instrument_id, started_at, ended_at, user_kind, reported_by, evidence)
      select i.id, d, d + interval '4 hours', case when random() < 0.3 then 'EXTERNAL' else 'INTERNAL' end, 'bench', 'METER'
      from instruments i, generate_series(date_trunc('day', now()) - interval '364 days' + interval '1 hour', now() - interval '1 day', interval '7 days') d
      where i.type_keys && ?::text[]
      returning 1)
    select count(*) as n from inserted`, [USED_TYPES]);
  await rebuildUsageMonthly(hub.database.db);
  await hub.database.db.raw('analyze usage_sessions');
  await hub.database.db.raw('analyze usage_monthly');
  console.log(`usage: ${Number(rows[0].n).toLocaleString('en-US')} sessions for the instruments of ${USED_TYPES.join(', ')} in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const ask = async (i: number) => {
    const t0 = performance.now();
    const response = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: CHECK, variables: { input: MIX[i % MIX.length] } }) });
    const body = await response.json() as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return performance.now() - t0;
  };
  for (let i = 0; i < MIX.length * 2; i++) await ask(i);
  const times: number[] = [];
  for (let i = 0; i < MIX.length * 25; i++) times.push(await ask(i));
  times.sort((a, b) => a - b);
  console.log(`one check through the gateway: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (${times.length} checks, target p95 ≤ 200 ms at 1,000,000)`);

  // a plan of 1,000 items in the wordings applicants use, some for types nobody owns
  const lines = ['仪器名称,规格型号,生产厂商,预算（万元）,购置单位,所在区'];
  for (let i = 0; i < 1000; i++) {
    const type = INSTRUMENT_TYPES[(i * 7) % INSTRUMENT_TYPES.length];
    const names = [type.zh, type.en, type.abbreviations[0] ?? type.en, ...type.zhVariants];
    lines.push([names[i % names.length], '', '', String(50 + (i % 40) * 20), `计划单位${i % 30}`, i % 2 ? '南山区' : '福田区'].join(','));
  }
  const planFile = path.join(dir, 'plan-1000.csv');
  writeFileSync(planFile, `${lines.join('\n')}\n`);
  process.env.IRHUB_URL = hub.url;
  process.env.IRHUB_TOKEN = hub.adminToken;
  started = performance.now();
  const code = await procurementCommand(['check', planFile, '--out', path.join(dir, 'plan-1000.html')], () => {}, () => {});
  if (code !== 0) throw new Error(`plan check exited ${code}`);
  console.log(`plan of 1,000 items end to end (file → checks → HTML + CSV): ${((performance.now() - started) / 1000).toFixed(1)} s (target ≤ 60 s)`);
} finally {
  await close();
}
