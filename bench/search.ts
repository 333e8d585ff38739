/**
 * Search latency and throughput through the gateway, and the same queries straight to the
 * catalog subgraph so the gateway's share is visible. A mix of text, filter and text+filter
 * queries, pages of 20, catalog fields only.
 *   npx tsx bench/search.ts [count=100000]     (DATABASE_URL=… for server PostgreSQL)
 */
import { startIndexedHub } from './indexed-hub.ts';
import { machineLine, percentile } from './machine.ts';

const count = Number(process.argv[2] ?? 100_000);
const FIELDS = 'totalCount totalCountExact edges { score node { id name model manufacturer instrumentClass district sharing externalRate institution { name } } }';
const MIX: Array<{ kind: string; filter: Record<string, unknown> }> = [
  { kind: 'text', filter: { text: '场发射扫描电镜' } },
  { kind: 'text', filter: { text: 'Transmission Electron Microscope' } },
  { kind: 'text', filter: { text: 'LC-MS' } },
  { kind: 'text', filter: { text: 'JEM2100F' } },
  { kind: 'text', filter: { text: '核磁共振波谱仪' } },
  { kind: 'text', filter: { text: 'Zeiss 共聚焦' } },
  { kind: 'filter', filter: { classes: ['ANALYTICAL'], districts: ['南山区'] } },
  { kind: 'filter', filter: { sharing: ['OPEN'], institutionTypes: ['HOSPITAL'] } },
  { kind: 'filter', filter: { classes: ['PROCESS_EXPERIMENT'], maxExternalRate: '500' } },
  { kind: 'text+filter', filter: { text: 'X射线衍射仪', districts: ['南山区'], sharing: ['OPEN'] } },
  { kind: 'text+filter', filter: { text: 'GPU服务器', institutionTypes: ['UNIVERSITY'] } },
  { kind: 'text+filter', filter: { text: 'MRI', classes: ['MEDICAL_RESEARCH'] } },
];

console.log(machineLine());
const { hub, close } = await startIndexedHub('search', count);
try {
  const catalogUrl = /@join__graph\(name: "catalog", url: "([^"]+)"\)/.exec(hub.composition.state.sdl ?? '')?.[1];
  if (!catalogUrl) throw new Error('catalog URL not found in the supergraph');

  const counts = new Map<number, { totalCount: number; totalCountExact: boolean }>();
  const ask = async (url: string, i: number) => {
    const { filter } = MIX[i % MIX.length];
    const t0 = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `query ($f: InstrumentFilter) { instruments(filter: $f, first: 20) { ${FIELDS} } }`, variables: { f: filter } }) });
    const body = await response.json() as { errors?: unknown; data?: { instruments: { totalCount: number; totalCountExact: boolean } } };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    counts.set(i % MIX.length, body.data!.instruments);
    return performance.now() - t0;
  };
  for (const [name, url] of [['gateway', hub.graphqlUrl], ['catalog direct', catalogUrl]] as const) {
    for (let i = 0; i < MIX.length * 2; i++) await ask(url, i); // warm plans and caches
    const times: number[] = [];
    for (let i = 0; i < MIX.length * 25; i++) times.push(await ask(url, i));
    times.sort((a, b) => a - b);
    const clients = 16;
    const perClient = MIX.length * 5;
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < perClient; i++) await ask(url, c + i);
    }));
    const seconds = (performance.now() - started) / 1000;
    console.log(`${name.padEnd(15)} 1 client: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (${times.length} queries); ${clients} clients: ${Math.round((clients * perClient) / seconds)} queries/s`);
  }
  // per kind through the gateway, one client
  for (const kind of ['text', 'filter', 'text+filter']) {
    const indexes = MIX.map((m, i) => (m.kind === kind ? i : -1)).filter((i) => i >= 0);
    const times: number[] = [];
    for (let r = 0; r < 20; r++) for (const i of indexes) times.push(await ask(hub.graphqlUrl, i));
    times.sort((a, b) => a - b);
    console.log(`  gateway, ${kind.padEnd(11)} p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`);
  }
  // facets, which the mix leaves out: one filter, one text, one text+filter query, through the gateway
  const FACETS = 'facets { classes { value count } districts { value count } institutionTypes { value count } institutions { value label count } sharing { value count } }';
  const facetTimes: string[] = [];
  for (const i of [MIX.findIndex((m) => m.kind === 'filter'), MIX.findIndex((m) => m.kind === 'text'), MIX.findIndex((m) => m.kind === 'text+filter')]) {
    const times: number[] = [];
    for (let r = 0; r < 12; r++) {
      const t0 = performance.now();
      const response = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `query ($f: InstrumentFilter) { instruments(filter: $f, first: 20) { totalCount ${FACETS} } }`, variables: { f: MIX[i].filter } }) });
      const body = await response.json() as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    facetTimes.push(`${JSON.stringify(MIX[i].filter)} p50 ${percentile(times, 50).toFixed(1)} ms`);
  }
  console.log(`  with facets, gateway: ${facetTimes.join('; ')}`);
  // what the portal would show as the count of each query
  console.log(`  totalCount: ${MIX.map((m, i) => `${JSON.stringify(m.filter)} ${counts.get(i)!.totalCount.toLocaleString('en-US')}${counts.get(i)!.totalCountExact ? '' : '+'}`).join('; ')}`);
} finally {
  await close();
}
