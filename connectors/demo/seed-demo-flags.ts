/**
 * On the demo's first start, after its year of use is recorded: the nightly fake-busy job runs
 * once, so the centre's list, the statistics and the report show flagged instruments at once.
 */
import type { Knex } from 'knex';
import { localIdOf, sourceIdOf } from '../sdk/source-id.ts';
import type { SourceRegistry } from '../../subgraphs/registry/source-registry.ts';
import { fakeBusyRulesFromEnv, flagFakeBusy } from '../../subgraphs/oversight/jobs/flag-fake-busy.ts';

export async function seedDemoFlags(db: Knex, registry: SourceRegistry, now: Date): Promise<string> {
  const summary = await flagFakeBusy(db, {
    now,
    rules: fakeBusyRulesFromEnv(),
    calendar: (instrumentId, from, to) => {
      const sourceId = sourceIdOf(instrumentId) ?? '';
      return registry.connectorClient(sourceId, 10_000).calendar(localIdOf(sourceId, instrumentId) ?? '', from, to);
    },
  });
  return `demo: fake-busy check of ${summary.instruments.toLocaleString('en-US')} instruments over ${summary.quietDays} days: ${summary.raised} flagged`;
}
