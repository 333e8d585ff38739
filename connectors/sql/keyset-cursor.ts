/**
 * The listing cursor of an `sql` source: the last local id of the previous page, so each page
 * is `local_id > last` in local-id order and rows added or removed while a harvest pages
 * through the table never shift a row into two pages or out of all of them. Null means from
 * the first row, once the first page was taken up by reporting rows without a local id.
 * Opaque to callers.
 */
import { ConnectorError } from '../sdk/contract.ts';

export function encodeKeysetCursor(lastLocalId: string | null): string {
  return Buffer.from(JSON.stringify({ after: lastLocalId }), 'utf8').toString('base64url');
}

export function decodeKeysetCursor(sourceId: string, cursor: string): string | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const after = (parsed as { after?: unknown } | null)?.after;
    if (typeof after === 'string' || after === null) return after;
  } catch {
    // fall through to the error below: any undecodable cursor gets the same answer
  }
  throw new ConnectorError(`source ${sourceId}: "${cursor}" is not a cursor this connector issued`, 'MALFORMED');
}
