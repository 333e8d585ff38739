/**
 * Supergraph composition time at 10, 50 and 200 sources: the catalog (with one implementing
 * type per source), the hub's subgraphs and one connector subgraph per source, composed in the
 * worker exactly as the hub does it.
 *   npx tsx bench/composition.ts [10 50 200]
 */
import { readFileSync } from 'node:fs';
import { catalogTypeDefs } from '../subgraphs/catalog/schema.ts';
import { connectorTypeDefs } from '../connectors/sdk/serve-connector.ts';
import { HUB_SUBGRAPH_MODULES } from '../gateway/hub-subgraphs.ts';
import { Composer } from '../gateway/supergraph/compose.ts';
import { machineLine } from './machine.ts';

const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
const sizes = counts.length ? counts : [10, 50, 200];
const registrySdl = readFileSync(new URL('../subgraphs/registry/schema.graphql', import.meta.url), 'utf8');

console.log(machineLine());
console.log(`hub subgraphs: catalog, ${HUB_SUBGRAPH_MODULES.map((m) => m.name).join(', ')}`);
const composer = new Composer();
for (const n of sizes) {
  const ids = Array.from({ length: n }, (_, i) => `source-${i + 1}`);
  const services = [
    { name: 'catalog', url: 'http://127.0.0.1:1/graphql', typeDefs: catalogTypeDefs(ids) },
    { name: 'registry', url: 'http://127.0.0.1:2/graphql', typeDefs: registrySdl },
    ...ids.map((id, i) => ({ name: id, url: `http://127.0.0.1:${10_000 + i}/graphql`, typeDefs: connectorTypeDefs(id) })),
  ];
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const started = performance.now();
    const result = await composer.compose(services);
    if (!result.ok) throw new Error(`composition failed at ${n} sources: ${result.errors.join('; ')}`);
    runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  console.log(`composition with ${String(n).padStart(3)} sources: median ${runs[1].toFixed(0)} ms (runs: ${runs.map((x) => x.toFixed(0)).join(', ')} ms)`);
}
await composer.close();
