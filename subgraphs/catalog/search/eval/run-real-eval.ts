/**
 * `npm run eval:search:real`: searches over real inventories, through the gateway, scored as the
 * project's development set is (R-precision over the first min(relevant, 20) results, precision@10,
 * searches with no result). The sets:
 *   - blind/en: 436 rows from other institutions' published lists (UK, US, India, Australia), 60 searches
 *   - blind/zh: 336 rows in the way Chinese owners write them (75 real), 74 searches
 *   - ../shared/eval/real-dev (when present beside the checkout): St Andrews' 588 rows, 40 searches
 * The blind sets were written by a helper that saw no code and frozen before tuning (blind/README.md).
 * Each set is imported as its own spreadsheet source, exactly as the file is (no class column).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHub } from '../../../../gateway/hub.ts';
import { gatewayLimitsFromEnv, withoutRateLimits } from '../../../../gateway/limits.ts';

interface Case { query: string; lang: string; query_type: string; relevant: string[]; ambiguous: string[] }
interface EvalSet { id: string; label: string; dir: string }

const here = path.dirname(fileURLToPath(import.meta.url));
const SETS: EvalSet[] = [
  { id: 'blinden', label: 'blind, English-language lists', dir: path.join(here, 'blind/en') },
  { id: 'blindzh', label: 'blind, Chinese owners\' wording', dir: path.join(here, 'blind/zh') },
  { id: 'standrews', label: 'development (St Andrews)', dir: path.resolve(here, '../../../../../shared/eval/real-dev') },
].filter((s) => existsSync(path.join(s.dir, 'cases.json')));

const dataDir = mkdtempSync(path.join(tmpdir(), 'irhub-real-eval-'));
const hub = await startHub({ port: 0, host: '127.0.0.1', dataDir, demo: false, schedule: false, limits: withoutRateLimits(gatewayLimitsFromEnv()), log: () => {} });

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(hub.graphqlUrl, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.adminToken}` }, body: JSON.stringify({ query, variables }),
  });
  const body = await response.json() as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const ADD = `mutation ($input: AddSourceInput!) { addSource(input: $input) { harvest { status imported rejected seen } } }`;
const SEARCH = `query ($t: String!, $s: [String!]) { instruments(filter: { text: $t, sourceIds: $s }, first: 20) { edges { node { localId } } } }`;

const detail = process.argv.includes('--detail');
try {
  for (const set of SETS) {
    const added = await gql<{ addSource: { harvest: { status: string; imported: number; rejected: number; seen: number } } }>(ADD, {
      input: { id: set.id, kind: 'SPREADSHEET', config: JSON.stringify({ file: path.join(set.dir, 'instruments.csv') }) },
    });
    const { imported, seen } = added.addSource.harvest;
    const cases = JSON.parse(readFileSync(path.join(set.dir, 'cases.json'), 'utf8')) as Case[];
    const byType = new Map<string, { n: number; r: number }>();
    let sumR = 0;
    let sumP10 = 0;
    let none = 0;
    const lines: string[] = [];
    for (const c of cases) {
      const data = await gql<{ instruments: { edges: Array<{ node: { localId: string } }> } }>(SEARCH, { t: c.query, s: [set.id] });
      const ignore = new Set(c.ambiguous);
      const relevant = new Set(c.relevant);
      const got = data.instruments.edges.map((e) => e.node.localId).filter((id) => !ignore.has(id));
      const r = Math.min(relevant.size, 20);
      const rPrecision = got.slice(0, r).filter((id) => relevant.has(id)).length / r;
      sumR += rPrecision;
      sumP10 += got.slice(0, 10).filter((id) => relevant.has(id)).length / Math.min(10, relevant.size);
      if (got.length === 0) none += 1;
      const kind = byType.get(c.query_type) ?? { n: 0, r: 0 };
      byType.set(c.query_type, { n: kind.n + 1, r: kind.r + rPrecision });
      lines.push(`  ${rPrecision.toFixed(2)}  ${c.lang}  ${c.query_type.padEnd(14)} ${JSON.stringify(c.query)} (${relevant.size} relevant)`);
    }
    console.log(`${set.label}: ${imported} of ${seen} rows imported; ${cases.length} searches: R-precision ${(sumR / cases.length).toFixed(3)}, precision@10 ${(sumP10 / cases.length).toFixed(3)}, no result ${none}`);
    console.log(`  by kind: ${[...byType].map(([k, v]) => `${k} ${(v.r / v.n).toFixed(2)} (${v.n})`).join(', ')}`);
    if (detail) console.log(lines.sort().join('\n'));
  }
} finally {
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
}
