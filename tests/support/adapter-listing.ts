/** Helpers for connector-kind tests: page through an adapter, catch its ConnectorError. */
import { expect } from 'vitest';
import { ConnectorError, type ConnectorAdapter, type SourceRecord } from '../../connectors/sdk/contract.ts';

export async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

/** every page of a listing: records, each page's record count, unreadable rows as "ref|field|reason" */
export async function listAll(adapter: ConnectorAdapter, limit: number, since?: Date) {
  const records: SourceRecord[] = [];
  const pageSizes: number[] = [];
  const unreadable: string[] = [];
  let cursor: string | undefined;
  let firstTotal: number | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await adapter.listInstruments({ limit, cursor, since });
    if (pages === 0) firstTotal = page.totalEstimate;
    records.push(...page.records);
    pageSizes.push(page.records.length);
    unreadable.push(...(page.unreadable ?? []).map((u) => `${u.ref}|${u.field}|${u.reason}`));
    if (!page.nextCursor) return { records, pageSizes, unreadable, firstTotal };
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}
