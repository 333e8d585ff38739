/**
 * The conformance kit a connector author runs against an adapter before registering it:
 * it exercises the contract the way the hub will (paging to the end, incremental listing,
 * batched live status, calendar windows) and reports each check with what went wrong.
 */
import type { ConnectorAdapter } from './contract.ts';
import type { NormalizeDefaults } from './canonical.ts';
import { readHarvestPage } from './serve-connector.ts';

export interface ConformanceCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ConformanceReport {
  ok: boolean;
  checks: ConformanceCheck[];
  instruments: number;
  rejected: number;
}

export interface ConformanceOptions {
  sourceId: string;
  defaults?: NormalizeDefaults;
  pageSize?: number;
  /** stop listing after this many pages (a runaway cursor is a failure) */
  maxPages?: number;
}

export async function checkConformance(adapter: ConnectorAdapter, options: ConformanceOptions): Promise<ConformanceReport> {
  const checks: ConformanceCheck[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 10_000;

  const localIds: string[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let rejected = 0;
  let pages = 0;
  let oversized = 0;
  let cursor: string | undefined;
  try {
    for (;;) {
      const page = await readHarvestPage(options.sourceId, adapter, options.defaults, { cursor, limit: pageSize });
      pages++;
      if (page.instruments.length + page.rejected.length > pageSize) oversized++;
      rejected += page.rejected.length;
      for (const instrument of page.instruments) {
        if (seen.has(instrument.localId)) duplicates++;
        seen.add(instrument.localId);
        localIds.push(instrument.localId);
      }
      if (!page.nextCursor) break;
      if (page.nextCursor === cursor || pages >= maxPages) throw new Error(`paging did not end after ${pages} pages (cursor ${page.nextCursor})`);
      cursor = page.nextCursor;
    }
    check('lists every instrument, page by page', true, `${localIds.length} instruments and ${rejected} rejected records in ${pages} pages`);
    check('pages respect the limit', oversized === 0, oversized ? `${oversized} pages returned more than ${pageSize} records` : `every page ≤ ${pageSize}`);
    check('local ids are unique', duplicates === 0, duplicates ? `${duplicates} local ids listed twice` : 'no local id listed twice');
  } catch (error) {
    check('lists every instrument, page by page', false, error instanceof Error ? error.message : String(error));
  }

  if (adapter.incremental) {
    try {
      const future = new Date(Date.now() + 24 * 3600_000);
      const page = await adapter.listInstruments({ since: future, limit: pageSize });
      check('incremental listing honours since', page.records.length === 0, `${page.records.length} records changed after ${future.toISOString()} (expected 0)`);
    } catch (error) {
      check('incremental listing honours since', false, error instanceof Error ? error.message : String(error));
    }
  }

  const sample = localIds.slice(0, 50);
  if (sample.length > 0) {
    try {
      const statuses = await adapter.liveStatus(sample);
      const foreign = [...statuses.keys()].filter((id) => !sample.includes(id));
      check('live status answers a batch', foreign.length === 0, foreign.length ? `answered for ids not asked: ${foreign.slice(0, 5).join(', ')}` : `${statuses.size} of ${sample.length} instruments have live data`);
    } catch (error) {
      check('live status answers a batch', false, error instanceof Error ? error.message : String(error));
    }
    try {
      const from = new Date();
      const to = new Date(from.getTime() + 14 * 24 * 3600_000);
      const busy = await adapter.calendar(sample[0], from, to);
      const bad = busy.filter((b) => !(b.from < b.to) || b.to <= from || b.from >= to);
      check('calendar returns intervals inside the window', bad.length === 0, bad.length ? `${bad.length} intervals empty or outside [from, to)` : `${busy.length} busy intervals`);
    } catch (error) {
      check('calendar returns intervals inside the window', false, error instanceof Error ? error.message : String(error));
    }
  } else {
    check('has instruments to check live status with', false, 'the listing returned no valid instrument');
  }
  return { ok: checks.every((c) => c.ok), checks, instruments: localIds.length, rejected };
}
