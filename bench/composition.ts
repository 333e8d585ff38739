/**
 * Supergraph composition as the hub does it, at 10, 50 and 200 sources, and what requests see
 * meanwhile. A real hub (gateway/hub.ts, PGlite in a temporary directory) composes the catalog
 * with one implementing type per source, every hub subgraph (gateway/hub-subgraphs.ts) and one
 * connector subgraph per source in its worker (gateway/supergraph/compose.ts). The sources are
 * spreadsheet sources with connectors of their own, stored as a replica stores them and followed
 * with registry.sync(), so each size composes once rather than once per source added.
 * Per size: the median of 3 recompositions. At the largest size, clients query the gateway while it
 * is idle, while it recomposes, and while sources are added and removed (composition and the
 * swap of the gateway's schema), and the longest event-loop delay of the hub's process shows what
 * ran on the thread that answers requests.
 *   npx tsx bench/composition.ts [10 50 200]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startHub } from '../gateway/hub.ts';
import { HUB_SUBGRAPH_MODULES } from '../gateway/hub-subgraphs.ts';
import { gatewayLimitsFromEnv, withoutRateLimits } from '../gateway/limits.ts';
import { newSourceSecret } from '../connectors/sdk/hub-credential.ts';
import { DEFAULT_SCHEDULE } from '../subgraphs/registry/source-registry.ts';
import { machineLine, percentile } from './machine.ts';

const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
const sizes = counts.length ? counts : [10, 50, 200];
const CLIENTS = 4;
const IDLE_MS = 10_000;
const HEADER = '仪器编号,仪器名称,规格型号,生产厂商,分类,原值（万元）,所属单位,单位类型,所在区,共享方式,运行状态,对外收费（元/小时）';
const NAMES = ['场发射扫描电镜', '原子力显微镜', '透射电子显微镜', 'X射线衍射仪', '激光共聚焦显微镜', '核磁共振波谱仪', '液相色谱-质谱联用仪', '差示扫描量热仪'];
const QUERY = `{ instruments(filter: { text: "显微镜" }, first: 10) { totalCount edges { node { id name model institution { name } externalRate } } } }`;

console.log(machineLine());
const dir = mkdtempSync(path.join(tmpdir(), 'irhub-bench-composition-'));
const file = path.join(dir, 'owner.csv');
writeFileSync(file, `${[HEADER, ...Array.from({ length: 200 }, (_, i) => `C-${i},${NAMES[i % NAMES.length]},M-${i},Zeiss,分析仪器,300,深圳大学,高等院校,南山区,对外开放,闲置,400`)].join('\n')}\n`);
const logs: string[] = [];
const hub = await startHub({
  port: 0, host: '127.0.0.1', dataDir: path.join(dir, 'hub'), demo: false, schedule: false, limits: withoutRateLimits(gatewayLimitsFromEnv()), log: (line) => logs.push(line),
});
const sourceId = (i: number) => `s${String(i).padStart(3, '0')}`;

/** stores sources as another replica would and has the hub follow them: connectors start, one composition, one swap */
async function grow(to: number): Promise<void> {
  const stored = (await hub.registry.store.list()).length;
  for (let i = stored + 1; i <= to; i++) {
    await hub.registry.store.insert({ id: sourceId(i), kind: 'spreadsheet', display_name: sourceId(i), config: { file }, credential: newSourceSecret(), schedule: DEFAULT_SCHEDULE });
  }
  await hub.registry.sync();
}

async function query(): Promise<boolean> {
  const response = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
  const body = await response.json() as { data?: { instruments: { totalCount: number } }; errors?: unknown };
  return response.ok && !body.errors && (body.data?.instruments.totalCount ?? 0) > 0;
}

/** clients query in a closed loop while `work` runs; the longest the hub's main thread could not answer is `stalledMs` */
async function whileQuerying(work: () => Promise<unknown>): Promise<{ ms: number[]; failed: number; workMs: number; stalledMs: number }> {
  const ms: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let failed = 0;
  let done = false;
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (!done) {
      const started = performance.now();
      if (!(await query())) failed++;
      ms.push(performance.now() - started);
    }
  });
  const started = performance.now();
  await work();
  const workMs = performance.now() - started;
  done = true;
  await Promise.all(clients);
  loop.disable();
  return { ms: ms.sort((a, b) => a - b), failed, workMs, stalledMs: loop.max / 1e6 };
}

const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
const latency = (name: string, r: { ms: number[]; failed: number; workMs: number; stalledMs: number }) =>
  console.log(`  ${name.padEnd(44)} ${String(r.ms.length).padStart(5)} queries in ${(r.workMs / 1000).toFixed(1)} s: p50 ${percentile(r.ms, 50).toFixed(1)} ms, p95 ${percentile(r.ms, 95).toFixed(1)} ms, max ${r.ms.at(-1)!.toFixed(0)} ms, ${r.failed} failed; main thread blocked at most ${r.stalledMs.toFixed(0)} ms`);

try {
  await grow(1);
  await hub.registry.harvest(sourceId(1), { full: true });
  const hubSubgraphs = ['catalog', ...HUB_SUBGRAPH_MODULES.map((m) => m.name)];
  const missing = hubSubgraphs.filter((name) => !hub.composition.state.sdl!.includes(`@join__graph(name: "${name}"`));
  if (missing.length > 0) throw new Error(`the supergraph lacks hub subgraphs ${missing.join(', ')}`);
  console.log(`hub subgraphs: ${hubSubgraphs.join(', ')}; one connector subgraph per source; ${CLIENTS} clients querying the catalog through the gateway`);
  for (const n of sizes) {
    const followMs = await timed(() => grow(n));
    if (hub.composition.state.sourceIds.length !== n) throw new Error(`the supergraph has ${hub.composition.state.sourceIds.length} sources, not ${n}: ${hub.composition.state.lastError}`);
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) runs.push(await timed(() => hub.composition.recompose()));
    runs.sort((a, b) => a - b);
    console.log(`composition with ${String(n).padStart(3)} sources: median ${runs[1].toFixed(0)} ms (runs: ${runs.map((x) => x.toFixed(0)).join(', ')} ms; `
      + `in the worker ${hub.composition.state.composeMs} ms when served; following the new sources, connectors started, composed and swapped: ${(followMs / 1000).toFixed(1)} s)`);
  }
  const largest = sizes.at(-1)!;
  console.log(`query latency at ${largest} sources:`);
  latency('idle', await whileQuerying(() => new Promise((resolve) => setTimeout(resolve, IDLE_MS))));
  latency('during 5 recompositions', await whileQuerying(async () => { for (let r = 0; r < 5; r++) await hub.composition.recompose(); }));
  latency('during 2 sources added and removed (4 swaps)', await whileQuerying(async () => {
    for (let r = 0; r < 2; r++) {
      await grow(largest + 1);
      await hub.registry.remove(sourceId(largest + 1));
    }
  }));
  const composed = logs.filter((l) => l.startsWith('supergraph composed with')).at(-1);
  console.log(`last log line: ${composed && composed.length > 300 ? `${composed.slice(0, 300)}…` : composed}`);
} finally {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
}
