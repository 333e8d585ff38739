/**
 * Usage from the owners' own systems: the hub asks each source's connector (`GET /usage?since=`,
 * served by serveConnector from an adapter's optional `listUsage`) for the sessions recorded
 * since the last pull, and records them as reported by that source, with the same checks as a
 * report through the API. A connector without `listUsage` answers 501 and is skipped.
 */
import type { Knex } from 'knex';
import { connectorClient, type ConnectorEndpoint } from '../../connectors/sdk/connector-client.ts';
import { instrumentId } from '../../connectors/sdk/source-id.ts';
import { recordUsage, type ReportedSession, type UsageReport } from './usage-intake.ts';

/** pulls overlap by this much, so a session the owner records late is not missed; repeats are duplicates */
const PULL_OVERLAP_MS = 24 * 3_600_000;

export interface PullResult extends UsageReport {
  sourceId: string;
  /** false when the source's system reports no usage */
  supported: boolean;
}

/** a pull may read a year of sessions from the owner's system */
const PULL_TIMEOUT_MS = 30_000;

export async function pullConnectorUsage(db: Knex, sourceId: string, connector: ConnectorEndpoint | null, now: Date): Promise<PullResult> {
  if (!connector) throw new Error(`source ${sourceId}: connector is not running`);
  const mark = await db('usage_pulls').where({ source_id: sourceId }).first() as { pulled_until: Date } | undefined;
  const since = mark ? new Date(new Date(mark.pulled_until).getTime() - PULL_OVERLAP_MS) : null;
  const wire = await connectorClient(connector, PULL_TIMEOUT_MS).usage(since);
  if (wire === null) return { sourceId, supported: false, accepted: 0, duplicates: 0, rejected: 0, items: [] };
  const sessions: ReportedSession[] = wire.map((w) => ({
    instrumentId: instrumentId(sourceId, String(w.localId ?? '')),
    startedAt: new Date(String(w.startedAt)),
    endedAt: new Date(String(w.endedAt)),
    userKind: String(w.userKind),
    evidence: String(w.evidence),
  }));
  const report = await recordUsage(db, sessions, { kind: 'SOURCE', sourceId }, now);
  await db('usage_pulls').insert({ source_id: sourceId, pulled_until: now }).onConflict('source_id').merge();
  return { sourceId, supported: true, ...report };
}
