/**
 * Booking throughput through the gateway: 16 clients requesting distinct slots (each request
 * checks the owner's calendar through its connector, prices, and inserts under the exclusion
 * constraint), then 16 clients fighting over one slot at a time (one wins, the rest get
 * BOOKING_CONFLICT from the database).
 *   npx tsx bench/booking.ts [seconds=20]     (DATABASE_URL=… for server PostgreSQL)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHub } from '../gateway/hub.ts';
import { gatewayLimitsFromEnv, withoutRateLimits } from '../gateway/limits.ts';
import { machineLine, percentile } from './machine.ts';

const seconds = Number(process.argv[2] ?? 20);
const CLIENTS = 16;
const INSTRUMENTS = 64;
const HEADER = '仪器编号,仪器名称,规格型号,生产厂商,分类,原值（万元）,所属单位,单位类型,所在区,共享方式,运行状态,对外收费（元/小时）';
const REQUEST = `mutation ($input: BookingRequestInput!) { requestBooking(input: $input) { id status quote { youPay } } }`;

console.log(machineLine());
console.log(`hub database: ${process.env.DATABASE_URL ? 'server PostgreSQL' : 'PGlite'}; ${CLIENTS} clients, ${seconds} s per phase`);
const dir = mkdtempSync(path.join(tmpdir(), 'irhub-bench-booking-'));
const file = path.join(dir, 'owner.csv');
writeFileSync(file, `${[HEADER, ...Array.from({ length: INSTRUMENTS }, (_, i) => `B-${i},场发射扫描电镜,Sigma 300,Zeiss,分析仪器,300,深圳大学,高等院校,南山区,对外开放,闲置,400`)].join('\n')}\n`);
const hub = await startHub({
  port: 0, host: '127.0.0.1', dataDir: path.join(dir, 'hub'), databaseUrl: process.env.DATABASE_URL,
  databaseSchema: process.env.DATABASE_URL ? `irhub_test_bench_${Date.now()}` : undefined, demo: false, schedule: false, limits: withoutRateLimits(gatewayLimitsFromEnv()), log: () => {},
});
try {
  await hub.registry.add({ id: 'bench', kind: 'spreadsheet', config: { file } });
  await hub.registry.harvest('bench', { full: true });
  await hub.database.db('users').insert(Array.from({ length: CLIENTS }, (_, c) => ({ id: `client-${c}`, display_name: `client ${c}`, role: 'USER', institution_id: 'company-bench', institution_name: '基准测试公司' })));
  const tokens = await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => (await hub.userTokens.issue(`client-${c}`, 1)).token));

  // one-hour slots on weekdays from next week on, 09:00–18:00 Shanghai: slot n is unique per instrument
  const monday = new Date(Date.parse(`${new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)}T00:00:00+08:00`));
  while (new Date(monday.getTime() + 8 * 3_600_000).getUTCDay() !== 1) monday.setTime(monday.getTime() + 86_400_000);
  const slotAt = (n: number) => {
    const day = Math.floor(n / 9);
    const week = Math.floor(day / 5);
    const start = monday.getTime() + (week * 7 + (day % 5)) * 86_400_000 + (9 + (n % 9)) * 3_600_000;
    return { from: new Date(start).toISOString(), to: new Date(start + 3_600_000).toISOString() };
  };
  const ask = async (client: number, instrument: number, n: number) => {
    const t0 = performance.now();
    const response = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[client]}` },
      body: JSON.stringify({ query: REQUEST, variables: { input: { instrumentId: `bench:B-${instrument}`, ...slotAt(n), mode: 'ASSISTED', purpose: 'benchmark' } } }) });
    const body = await response.json() as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    return { ms: performance.now() - t0, code: body.errors?.[0]?.extensions?.code ?? 'OK' };
  };

  const phase = async (name: string, pick: (client: number, i: number) => [instrument: number, slot: number]) => {
    const times: number[] = [];
    const codes = new Map<string, number>();
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; performance.now() < until; i++) {
        const [instrument, n] = pick(client, i);
        const { ms, code } = await ask(client, instrument, n);
        times.push(ms);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }));
    const elapsed = (performance.now() - started) / 1000;
    times.sort((a, b) => a - b);
    console.log(`${name}: ${Math.round(times.length / elapsed)} requests/s, p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms; outcomes ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
  };
  // warm-up, then one client alone for the latency of a single request
  for (let i = 0; i < 20; i++) await ask(0, INSTRUMENTS - 1, 10_000 + i);
  const alone: number[] = [];
  for (let i = 0; i < 100; i++) alone.push((await ask(0, INSTRUMENTS - 1, 10_100 + i)).ms);
  alone.sort((a, b) => a - b);
  console.log(`one client       : p50 ${percentile(alone, 50).toFixed(1)} ms, p95 ${percentile(alone, 95).toFixed(1)} ms (100 requests on free slots)`);
  // distinct slots: client c books its own instruments, walking forward through the calendar
  await phase('distinct slots  ', (client, i) => [client * 4 + (i % 4), Math.floor(i / 4)]);
  // contention: every client asks for the same slot; a new slot every round
  const claimed = new Map<number, number>();
  await phase('one slot, 16 ways', (client) => {
    const n = claimed.get(client) ?? 0;
    claimed.set(client, n + 1);
    return [INSTRUMENTS - 2, 20_000 + n];
  });
} finally {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
}
