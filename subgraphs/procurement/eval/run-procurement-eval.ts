/**
 * `npm run eval:procurement`: the labelled planned purchases of purchases.json, named
 * differently from the inventory, checked through the gateway against the demo inventory.
 * The truth comes from the demo generator (what each instrument really is), not from the index.
 * Prints recall@10 of the true duplicates, how often a purchase nobody duplicates is flagged
 * HIGH or MEDIUM (a false alarm), and every case that falls short.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHub } from '../../../gateway/hub.ts';
import { gatewayLimitsFromEnv, withoutRateLimits } from '../../../gateway/limits.ts';
import { demoTruth, instrumentsOfType } from '../../../connectors/demo/demo-truth.ts';

interface LabelledPurchase { kind: string; type?: string; name: string; model?: string; manufacturer?: string; specs?: string; budget: number }

const TARGET_RECALL = 0.95;
const TARGET_FALSE_ALARMS = 0.05;

const purchases = JSON.parse(readFileSync(new URL('./purchases.json', import.meta.url), 'utf8')) as LabelledPurchase[];
const truth = demoTruth();
const CHECK = `query ($input: PlannedPurchaseInput!) { procurementCheck(input: $input, first: 10) {
  duplicateRisk candidates { instrument { id } } } }`;

const dir = mkdtempSync(path.join(tmpdir(), 'irhub-eval-'));
const hub = await startHub({ port: 0, host: '127.0.0.1', dataDir: dir, demo: true, schedule: false, limits: withoutRateLimits(gatewayLimitsFromEnv()), log: () => {} });
const byKind = new Map<string, { n: number; recall: number; flagged: number }>();
const shortfalls: string[] = [];
let noneCases = 0;
let falseAlarms = 0;
try {
  for (const p of purchases) {
    const { kind, type, ...input } = p;
    const response = await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: CHECK, variables: { input: { ...input, budget: String(input.budget) } } }) });
    const body = await response.json() as { data?: { procurementCheck: { duplicateRisk: string; candidates: Array<{ instrument: { id: string } }> } }; errors?: unknown };
    if (!body.data) throw new Error(`${p.name}: ${JSON.stringify(body.errors)}`);
    const { duplicateRisk, candidates } = body.data.procurementCheck;
    const flagged = duplicateRisk === 'HIGH' || duplicateRisk === 'MEDIUM';
    if (!type) {
      noneCases++;
      if (flagged) {
        falseAlarms++;
        shortfalls.push(`  "${p.name}" (nobody owns one): ${duplicateRisk}, top candidate ${candidates[0]?.instrument.id ?? '-'}`);
      }
      continue;
    }
    const want = instrumentsOfType(truth, type);
    const found = candidates.slice(0, 10).filter((c) => want.has(c.instrument.id)).length;
    const recall = found / Math.min(10, want.size);
    const k = byKind.get(kind) ?? { n: 0, recall: 0, flagged: 0 };
    byKind.set(kind, { n: k.n + 1, recall: k.recall + recall, flagged: k.flagged + (flagged ? 1 : 0) });
    if (recall < 1 || !flagged) shortfalls.push(`  "${p.name}"${p.model ? ` ${p.model}` : ''} (${kind}, ${type}): recall@10 ${recall.toFixed(2)} (${found}/${Math.min(10, want.size)}), risk ${duplicateRisk}`);
  }
} finally {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
}
const all = [...byKind.values()].reduce((a, k) => ({ n: a.n + k.n, recall: a.recall + k.recall, flagged: a.flagged + k.flagged }), { n: 0, recall: 0, flagged: 0 });
console.log(`procurement evaluation: ${purchases.length} labelled purchases (${all.n} with duplicates, ${noneCases} of types nobody owns) over the demo inventory (${truth.length} instruments)`);
console.log('kind           cases  recall@10  flagged HIGH/MEDIUM');
for (const [kind, k] of [...byKind].sort((a, b) => a[0].localeCompare(b[0]))) {
  console.log(`${kind.padEnd(14)} ${String(k.n).padStart(5)}  ${(k.recall / k.n).toFixed(3)}      ${(k.flagged / k.n).toFixed(3)}`);
}
const recall = all.recall / all.n;
const falseAlarmRate = falseAlarms / noneCases;
console.log(`${'all'.padEnd(14)} ${String(all.n).padStart(5)}  ${recall.toFixed(3)}      ${(all.flagged / all.n).toFixed(3)}`);
console.log(`recall@10 ${recall.toFixed(3)} (target ≥ ${TARGET_RECALL}): ${recall >= TARGET_RECALL ? 'met' : 'NOT met'}`);
console.log(`false alarms ${falseAlarms}/${noneCases} = ${(falseAlarmRate * 100).toFixed(1)} % (target ≤ ${TARGET_FALSE_ALARMS * 100} %): ${falseAlarmRate <= TARGET_FALSE_ALARMS ? 'met' : 'NOT met'}`);
if (shortfalls.length) console.log(`cases short of perfect:\n${shortfalls.join('\n')}`);
if (recall < TARGET_RECALL || falseAlarmRate > TARGET_FALSE_ALARMS) process.exitCode = 1;
