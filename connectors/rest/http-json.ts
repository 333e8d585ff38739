/**
 * One JSON call to an owner's API, with every way it can go wrong turned into a
 * ConnectorError that names the source, the method and the URL: unreachable (refused, no
 * answer in time), an HTTP error status with the start of its body, or a body that is not JSON.
 */
import { ConnectorError } from '../sdk/contract.ts';
import { readPath } from '../sdk/mapping.ts';

export interface JsonApi {
  sourceId: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface JsonCall {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  body?: unknown;
  /** what a status means for this call, e.g. 409 on a booking: the slot is taken */
  statusMeanings?: Partial<Record<number, string>>;
}

const BODY_EXCERPT = 200;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT ? `${flat.slice(0, BODY_EXCERPT)}…` : flat;
}

/** Why fetch failed, in the words an operator searches for: ECONNREFUSED, ENOTFOUND, a timeout. */
function failureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown; errors?: Array<{ code?: unknown }> } } | null)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (typeof code === 'string') return code;
  if (typeof cause?.message === 'string' && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export async function callJson(api: JsonApi, call: JsonCall): Promise<unknown> {
  const what = `${call.method} ${call.url.href}`;
  const headers: Record<string, string> = { accept: 'application/json', ...api.headers };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  let status: number;
  let text: string;
  try {
    const response = await fetch(call.url, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(api.timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    throw new ConnectorError(`source ${api.sourceId}: ${what} is unreachable (${failureReason(error, api.timeoutMs)})`, 'UNREACHABLE');
  }
  if (status < 200 || status > 299) {
    const answered = `${what} answered HTTP ${status}${text.trim() ? `: ${excerpt(text)}` : ''}`;
    const meaning = call.statusMeanings?.[status];
    if (meaning) throw new ConnectorError(`source ${api.sourceId}: ${meaning} (${answered})`, 'SOURCE');
    if (status === 401 || status === 403) throw new ConnectorError(`source ${api.sourceId}: ${answered} (check the credentials in the source's headers)`, 'CONFIG');
    throw new ConnectorError(`source ${api.sourceId}: ${answered}`, 'SOURCE');
  }
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConnectorError(`source ${api.sourceId}: ${what} answered malformed JSON (${error instanceof Error ? error.message : String(error)}): ${excerpt(text)}`, 'MALFORMED');
  }
}

/** The array at `itemsPath` of a response (the response itself without one), or a MALFORMED error. */
export function itemsAt(api: JsonApi, body: unknown, itemsPath: string | undefined, url: URL): unknown[] {
  const items = itemsPath ? readPath(body, itemsPath) : body;
  if (Array.isArray(items)) return items;
  const found = items === undefined ? 'nothing' : items === null ? 'null' : typeof items === 'object' ? 'an object' : `${typeof items} ${JSON.stringify(items)}`;
  const where = itemsPath ? `"${itemsPath}"` : 'the response';
  throw new ConnectorError(`source ${api.sourceId}: GET ${url.href}: ${where} is not an array (found ${found})`, 'MALFORMED');
}
