/**
 * One harvest run of one source: page through its connector's harvest endpoint (a connector the
 * hub hosts is paged in process), re-check every record that came over the wire, and write each
 * page into the index while the next is read (index-writer.ts).
 * Counts, rejected rows with their reasons and the duration are recorded on the run, which is
 * also what a failure leaves.
 */
import type { Knex } from 'knex';
import { canonicalToRecord, normalizeRecord, type CanonicalInstrument, type FieldProblem } from '../../connectors/sdk/canonical.ts';
import type { HarvestPage, HarvestPageReader } from '../../connectors/sdk/serve-connector.ts';
import type { ConnectorEndpoint } from '../../connectors/sdk/connector-client.ts';
import { signedInit } from '../../connectors/sdk/hub-credential.ts';
import { IndexWriter, keepIndexHealthy } from './index-writer.ts';
import type { HarvestRunRow } from './source-store.ts';

const PAGE_SIZE = 1000;
const PAGE_TIMEOUT_MS = 120_000;
const STORED_REJECTIONS = 1000;
const PROGRESS_EVERY_MS = 2000;

export interface HarvestRequest {
  /** the source's connector: `${url}/harvest` is paged */
  connector: ConnectorEndpoint;
  /**
   * a connector this hub hosts, paged without HTTP: its records were checked against the canonical
   * rules by this same code a moment before, so they are not checked twice
   */
  hostedPages: HarvestPageReader | null;
  /** incremental from this instant, when the connector supports it */
  since: Date | null;
  log: (line: string) => void;
  /** write the index a step per transaction, so the hub answers meanwhile (the embedded database; see index-writer.ts) */
  writeInSteps: boolean;
}

class HarvestFailure extends Error {}

async function readPage(request: HarvestRequest, cursor: string | null): Promise<HarvestPage> {
  if (request.hostedPages) {
    try {
      return await request.hostedPages({ limit: PAGE_SIZE, cursor: cursor ?? undefined, since: request.since ?? undefined });
    } catch (error) {
      throw new HarvestFailure(error instanceof Error ? error.message : String(error));
    }
  }
  return fetchPage(request, cursor);
}

async function fetchPage(request: HarvestRequest, cursor: string | null): Promise<HarvestPage> {
  const url = new URL('/harvest', request.connector.url);
  url.searchParams.set('limit', String(PAGE_SIZE));
  if (cursor) url.searchParams.set('cursor', cursor);
  if (request.since) url.searchParams.set('since', request.since.toISOString());
  let response: Response;
  try {
    response = await fetch(url, { ...signedInit(request.connector.credential, url), signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
  } catch (error) {
    throw new HarvestFailure(`connector at ${request.connector.url} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HarvestFailure(`connector answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const message = (body as { error?: string }).error ?? text.slice(0, 200);
    throw new HarvestFailure(message);
  }
  const page = body as HarvestPage;
  if (!Array.isArray(page.instruments) || !Array.isArray(page.rejected)) throw new HarvestFailure('connector answered a page without instruments/rejected lists');
  return page;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function rate(count: number, ms: number): string {
  return `${Math.round(count / Math.max(ms / 1000, 0.001)).toLocaleString('en-US')}/s`;
}

/**
 * Runs left RUNNING by a process that died mid-harvest (killed, crashed) would say RUNNING forever:
 * those started before `startedBefore` are marked FAILED. Returns how many.
 */
export async function failAbandonedRuns(db: Knex, startedBefore: Date): Promise<number> {
  return db('harvest_runs').where('status', 'RUNNING').andWhere('started_at', '<', startedBefore)
    .update({ status: 'FAILED', finished_at: new Date(), error: `abandoned: still RUNNING when a hub started, begun before ${startedBefore.toISOString()} (its process stopped mid-harvest)` });
}

export async function runHarvest(db: Knex, request: HarvestRequest): Promise<HarvestRunRow> {
  const { sourceId } = request.connector;
  const startedAt = new Date();
  const mode = request.since ? 'INCREMENTAL' : 'FULL';
  const [run] = await db('harvest_runs').insert({ source_id: sourceId, mode, status: 'RUNNING', started_at: startedAt }).returning('*') as HarvestRunRow[];

  const acceptedLocalIds = new Set<string>();
  const rejected: FieldProblem[] = [];
  const deletedLocalIds: string[] = [];
  let seen = 0;
  let incremental = request.since !== null;
  let lastProgress = Date.now();
  let writer: IndexWriter | null = null;
  // the page the database is writing while the next one is read: at most one, so memory holds two pages
  let writing: Promise<void> = Promise.resolve();
  try {
    writer = await IndexWriter.open(db, sourceId, startedAt, { inSteps: request.writeInSteps });
    let cursor: string | null = null;
    for (;;) {
      const page = await readPage(request, cursor);
      incremental = incremental && page.incremental;
      for (const problem of page.rejected) rejected.push(problem);
      seen += page.instruments.length + page.rejected.length;
      const accepted: CanonicalInstrument[] = [];
      for (const instrument of page.instruments) {
        // the hub trusts no connector it does not run: each record is checked again against the canonical rules
        const checked = request.hostedPages ? { ok: true as const, instrument } : normalizeRecord(canonicalToRecord(instrument));
        if (!checked.ok) {
          rejected.push(...checked.problems);
        } else if (acceptedLocalIds.has(checked.instrument.localId)) {
          rejected.push({ ref: `instrument ${instrument.localId}`, field: 'local_id', reason: 'duplicate local id in this harvest; the first record was kept', localId: instrument.localId });
        } else {
          acceptedLocalIds.add(checked.instrument.localId);
          accepted.push(checked.instrument);
        }
      }
      deletedLocalIds.push(...page.deletedLocalIds);
      // built while the database writes the page before, then written while the next is read
      const prepared = await writer.prepare(accepted);
      await writing;
      writing = writer.write(prepared);
      // awaited before the next page is written or the run ends; until then a failure must not go unhandled
      writing.catch(() => {});
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        const total = page.totalEstimate ? ` of ${page.totalEstimate.toLocaleString('en-US')}` : '';
        request.log(`harvest ${sourceId}: read ${seen.toLocaleString('en-US')}${total} records (${rate(seen, Date.now() - startedAt.getTime())})`);
      }
      if (!page.nextCursor) break;
      if (page.nextCursor === cursor) throw new HarvestFailure(`connector returned the same cursor twice (${cursor}); paging would never end`);
      cursor = page.nextCursor;
    }
    await writing;
    const readMs = Date.now() - startedAt.getTime();
    const effectiveMode = incremental ? 'INCREMENTAL' : 'FULL';
    if (effectiveMode === 'FULL' && acceptedLocalIds.size === 0) {
      const [{ count }] = await db('instruments').where('source_id', sourceId).count<{ count: string }[]>({ count: '*' });
      if (Number(count) > 0) {
        throw new HarvestFailure(`returned no valid instruments (${rejected.length} rejected) while ${count} are indexed; the index is kept (remove the source to empty it)`);
      }
    }
    const keepLocalIds = rejected.flatMap((p) => (p.localId && !acceptedLocalIds.has(p.localId) ? [p.localId] : []));
    const result = await writer.finish({ mode: effectiveMode, deletedLocalIds, keepLocalIds, listedLocalIds: acceptedLocalIds }, async (trx) => {
      await trx('sources').where({ id: sourceId }).update({ harvested_until: startedAt });
    });
    const written = Date.now();
    await keepIndexHealthy(db, result.imported + result.deleted);
    const upkeepMs = Date.now() - written;
    const durationMs = Date.now() - startedAt.getTime();
    const [done] = await db('harvest_runs').where({ id: run.id }).update({
      status: 'SUCCEEDED', mode: effectiveMode, finished_at: new Date(), duration_ms: durationMs, seen,
      imported: result.imported, deleted: result.deleted, rejected: rejected.length,
      rejected_rows: JSON.stringify(rejected.slice(0, STORED_REJECTIONS)),
    }).returning('*') as HarvestRunRow[];
    request.log(`harvest ${sourceId}: ${effectiveMode.toLowerCase()} run imported ${result.imported.toLocaleString('en-US')}, rejected ${rejected.length}, deleted ${result.deleted} in ${seconds(durationMs)} (${rate(result.imported, durationMs)}; `
      + `reading and writing ${seconds(readMs)}, deletions and what the index teaches ${seconds(written - startedAt.getTime() - readMs)}, table upkeep ${seconds(upkeepMs)})`);
    return done;
  } catch (error) {
    await writing.catch(() => {});
    await writer?.abort();
    const reason = error instanceof Error ? error.message : String(error);
    const message = reason.startsWith(`source ${sourceId}`) ? reason : `source ${sourceId}: ${reason}`;
    const [failed] = await db('harvest_runs').where({ id: run.id }).update({
      status: 'FAILED', finished_at: new Date(), duration_ms: Date.now() - startedAt.getTime(), seen,
      rejected: rejected.length, rejected_rows: JSON.stringify(rejected.slice(0, STORED_REJECTIONS)), error: message,
    }).returning('*') as HarvestRunRow[];
    request.log(`harvest ${sourceId}: FAILED: ${message}`);
    return failed;
  }
}
