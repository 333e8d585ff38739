/**
 * `npm run eval:search`: the labelled queries of queries.json against the demo inventory,
 * through the gateway. The truth comes from the demo generator (which type and model each
 * instrument really is), not from the index. Prints precision@10, recall and result-set
 * precision per kind of query, and every query that falls short.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHub } from '../../../../gateway/hub.ts';
import { gatewayLimitsFromEnv, withoutRateLimits } from '../../../../gateway/limits.ts';
import { demoTruth, instrumentsOfType } from '../../../../connectors/demo/demo-truth.ts';

interface LabelledQuery { query: string; kind: string; type?: string; model?: string }

const queries = JSON.parse(readFileSync(new URL('./queries.json', import.meta.url), 'utf8')) as LabelledQuery[];
const truth = demoTruth();

function relevant(q: LabelledQuery): Set<string> {
  return q.model ? new Set(truth.filter(({ row }) => row.model === q.model).map((t) => t.id)) : instrumentsOfType(truth, q.type ?? '');
}

const dir = mkdtempSync(path.join(tmpdir(), 'irhub-eval-'));
const hub = await startHub({ port: 0, host: '127.0.0.1', dataDir: dir, demo: true, schedule: false, limits: withoutRateLimits(gatewayLimitsFromEnv()), log: () => {} });
const SEARCH = 'query ($text: String!, $after: String) { instruments(filter: { text: $text }, first: 100, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }';

async function results(text: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const response = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: SEARCH, variables: { text, after } }) });
    const body = await response.json() as { data: { instruments: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } }; errors?: unknown };
    if (body.errors) throw new Error(`${text}: ${JSON.stringify(body.errors)}`);
    ids.push(...body.data.instruments.edges.map((e) => e.node.id));
    if (!body.data.instruments.pageInfo.hasNextPage) break;
    after = body.data.instruments.pageInfo.endCursor;
  }
  return ids;
}

const byKind = new Map<string, { n: number; p10: number; recall: number; precision: number }>();
const shortfalls: string[] = [];
try {
  for (const q of queries) {
    const want = relevant(q);
    const got = await results(q.query);
    const top = got.slice(0, 10);
    const p10 = top.filter((id) => want.has(id)).length / Math.min(10, want.size || 1);
    const found = got.filter((id) => want.has(id)).length;
    const recall = want.size ? found / want.size : 1;
    const precision = got.length ? found / got.length : want.size ? 0 : 1;
    for (const kind of [q.kind, 'all']) {
      const k = byKind.get(kind) ?? { n: 0, p10: 0, recall: 0, precision: 0 };
      byKind.set(kind, { n: k.n + 1, p10: k.p10 + p10, recall: k.recall + recall, precision: k.precision + precision });
    }
    if (p10 < 1 || recall < 1 || precision < 0.9) shortfalls.push(`  "${q.query}" (${q.kind}): P@10 ${p10.toFixed(2)}, recall ${recall.toFixed(2)} (${found}/${want.size}), precision ${precision.toFixed(2)} of ${got.length}`);
  }
} finally {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`search evaluation: ${queries.length} labelled queries over the demo inventory (${truth.length} instruments)`);
console.log('kind          queries  P@10   recall  precision');
for (const [kind, k] of [...byKind].sort((a, b) => (a[0] === 'all' ? 1 : b[0] === 'all' ? -1 : a[0].localeCompare(b[0])))) {
  console.log(`${kind.padEnd(13)} ${String(k.n).padStart(7)}  ${(k.p10 / k.n).toFixed(3)}  ${(k.recall / k.n).toFixed(3)}   ${(k.precision / k.n).toFixed(3)}`);
}
if (shortfalls.length) console.log(`queries short of perfect:\n${shortfalls.join('\n')}`);
