/**
 * Where a `rest` listing stands between two hub requests: the API's page (its page number, or
 * the API's own cursor) and how many items of that page were already handed out, for when the
 * API's pages are larger than the hub's limit. Opaque to callers.
 */
import { ConnectorError } from '../sdk/contract.ts';

export interface ListPosition {
  /** the API's page number with page paging; otherwise the count of pages fetched, for refs */
  page: number;
  /** the API's cursor for this page with cursor paging; null on the first page */
  apiCursor: string | null;
  /** items of this page already returned */
  skip: number;
}

export function encodeListCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.page, position.apiCursor, position.skip]), 'utf8').toString('base64url');
}

export function decodeListCursor(sourceId: string, cursor: string): ListPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3) {
      const [page, apiCursor, skip] = parsed as unknown[];
      if (Number.isInteger(page) && (apiCursor === null || typeof apiCursor === 'string') && Number.isInteger(skip) && (skip as number) >= 0) {
        return { page: page as number, apiCursor, skip: skip as number };
      }
    }
  } catch {
    // fall through to the error below: any undecodable cursor gets the same answer
  }
  throw new ConnectorError(`source ${sourceId}: "${cursor}" is not a cursor this connector issued`, 'MALFORMED');
}
