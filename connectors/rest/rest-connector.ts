/**
 * The `rest` connector kind: an owner's JSON HTTP API, read through a JSON config and no
 * code. Listing follows the API's own paging (page numbers, cursors, or one response);
 * live state is asked for in batches; reservations and booking write-back use the paths
 * the config names, with ids and refs URL-encoded into them.
 */
import { declaredStatuses } from '../../schema/terms.ts';
import { ConnectorError, type BookingWrite, type BusyInterval, type ConnectorAdapter, type ListRequest, type LiveStateKey, type LiveStatusRecord, type SourcePage, type SourceRecord, type UnreadableRecord } from '../sdk/contract.ts';
import { mapRecord, readPath } from '../sdk/mapping.ts';
import type { RestLiveConfig, RestSourceConfig } from './config.ts';
import { callJson, itemsAt, type JsonApi } from './http-json.ts';
import { decodeListCursor, encodeListCursor, type ListPosition } from './list-cursor.ts';

type Item = Record<string, unknown>;

function isItem(value: unknown): value is Item {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function present(value: unknown): boolean {
  return value !== null && value !== undefined && String(value).trim() !== '';
}

/** An instant as APIs write it: ISO text or epoch milliseconds. */
function toInstant(value: unknown): Date | null {
  if (!present(value)) return null;
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "/equipment/{id}/reservations" with each placeholder URL-encoded. */
function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? encodeURIComponent(values[name]) : whole));
}

function liveStateOf(raw: unknown, live: RestLiveConfig): LiveStateKey {
  if (!present(raw)) return 'UNKNOWN';
  const text = String(raw).trim();
  if (Object.hasOwn(live.values, text)) return live.values[text];
  return declaredStatuses.resolve(text) ?? 'UNKNOWN';
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += size) result.push(list.slice(i, i + size));
  return result;
}

export function createRestAdapter(sourceId: string, config: RestSourceConfig): ConnectorAdapter {
  const api: JsonApi = { sourceId, headers: config.headers, timeoutMs: config.timeoutMs };
  const { list, live, calendar, booking } = config;
  const paging = list.paging;
  const idPath = config.fields.local_id!;
  const mappedTopKeys = new Set(Object.values(config.fields).map((path) => path.split('.')[0]));
  // "data.items" → "data.total": where APIs usually put the size of the whole list
  const totalPath = list.totalPath ?? (list.itemsPath ? list.itemsPath.replace(/[^.]+$/, 'total') : undefined);

  const url = (path: string, params: Record<string, string | number | undefined> = {}): URL => {
    const result = new URL(config.baseUrl + path);
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) result.searchParams.set(name, String(value));
    }
    return result;
  };

  function firstPosition(): ListPosition {
    return { page: paging.type === 'page' ? paging.startPage : 1, apiCursor: null, skip: 0 };
  }

  function listUrl(position: ListPosition, since: Date | undefined, limit: number): URL {
    const params: Record<string, string | number | undefined> = {};
    if (since && list.sinceParam) params[list.sinceParam] = since.toISOString();
    if (paging.type === 'page') {
      params[paging.pageParam] = position.page;
      if (paging.sizeParam) params[paging.sizeParam] = paging.pageSize;
    } else if (paging.type === 'cursor') {
      if (position.apiCursor !== null) params[paging.cursorParam] = position.apiCursor;
      if (paging.sizeParam) params[paging.sizeParam] = Math.min(paging.pageSize ?? limit, limit);
    }
    return url(list.path, params);
  }

  /** The position after a fully handed-out page, or null at the end of the list. */
  function nextPage(body: unknown, pageItems: number, position: ListPosition, total: number | undefined, listUrlUsed: URL): ListPosition | null {
    if (pageItems === 0) return null;
    if (paging.type === 'page') {
      const pagesRead = position.page - paging.startPage + 1;
      if (total !== undefined && pagesRead * paging.pageSize >= total) return null;
      return { page: position.page + 1, apiCursor: null, skip: 0 };
    }
    if (paging.type === 'cursor') {
      const next = readPath(body, paging.nextCursorPath);
      if (!present(next)) return null;
      if (String(next) === position.apiCursor) {
        throw new ConnectorError(`source ${sourceId}: GET ${listUrlUsed.href} returned its own cursor as the next one ("${paging.nextCursorPath}" = ${JSON.stringify(next)})`, 'MALFORMED');
      }
      return { page: position.page + 1, apiCursor: String(next), skip: 0 };
    }
    return null;
  }

  function toRecord(item: Item, fallbackRef: string): SourceRecord {
    const id = readPath(item, idPath);
    const extraNames = Object.keys(item).filter((key) => !mappedTopKeys.has(key) && !key.includes('.') && ['string', 'number', 'boolean'].includes(typeof item[key]));
    return mapRecord(present(id) ? `item ${String(id).trim()}` : fallbackRef, (path) => readPath(item, path), config, extraNames);
  }

  async function listInstruments(request: ListRequest): Promise<SourcePage> {
    const position = request.cursor ? decodeListCursor(sourceId, request.cursor) : firstPosition();
    const since = list.sinceParam ? request.since : undefined;
    const listUrlUsed = listUrl(position, since, request.limit);
    const body = await callJson(api, { method: 'GET', url: listUrlUsed });
    const items = itemsAt(api, body, list.itemsPath, listUrlUsed);
    const totalValue = totalPath ? readPath(body, totalPath) : undefined;
    const total = typeof totalValue === 'number' && Number.isFinite(totalValue) ? totalValue : undefined;

    const records: SourceRecord[] = [];
    const unreadable: UnreadableRecord[] = [];
    const handedOut = items.slice(position.skip, position.skip + request.limit);
    handedOut.forEach((item, k) => {
      const ref = `page ${position.page} item ${position.skip + k + 1}`;
      if (isItem(item)) records.push(toRecord(item, ref));
      else unreadable.push({ ref, reason: `not a JSON object: ${JSON.stringify(item)?.slice(0, 80)}` });
    });
    const consumed = position.skip + handedOut.length;
    const next = consumed < items.length ? { ...position, skip: consumed } : nextPage(body, items.length, position, total, listUrlUsed);
    return { records, unreadable, nextCursor: next ? encodeListCursor(next) : null, totalEstimate: total };
  }

  async function liveBatch(liveConfig: RestLiveConfig, ids: readonly string[], into: Map<string, LiveStatusRecord>): Promise<void> {
    const asked = new Set(ids);
    const batchUrl = url(liveConfig.path, { [liveConfig.idsParam]: ids.join(',') });
    const body = await callJson(api, { method: 'GET', url: batchUrl });
    const now = new Date();
    for (const item of itemsAt(api, body, liveConfig.itemsPath, batchUrl)) {
      if (!isItem(item)) continue;
      const id = readPath(item, liveConfig.idPath);
      if (!present(id) || !asked.has(String(id))) continue;
      const observedAt = liveConfig.observedAtPath ? toInstant(readPath(item, liveConfig.observedAtPath)) ?? now : now;
      into.set(String(id), { state: liveStateOf(readPath(item, liveConfig.statePath), liveConfig), observedAt });
    }
  }

  const adapter: ConnectorAdapter = {
    incremental: list.sinceParam !== undefined,
    listInstruments,

    async liveStatus(localIds) {
      const statuses = new Map<string, LiveStatusRecord>();
      // without a live endpoint the owner's system says nothing live: every id stays UNKNOWN
      if (!live || localIds.length === 0) return statuses;
      await Promise.all(chunks([...new Set(localIds)], live.batchSize).map((ids) => liveBatch(live, ids, statuses)));
      return statuses;
    },

    async calendar(localId: string, from: Date, to: Date): Promise<BusyInterval[]> {
      if (!calendar) return [];
      const calendarUrl = url(fillPath(calendar.path, { id: localId }), { [calendar.fromParam]: from.toISOString(), [calendar.toParam]: to.toISOString() });
      const body = await callJson(api, { method: 'GET', url: calendarUrl });
      const busy: BusyInterval[] = [];
      itemsAt(api, body, calendar.itemsPath, calendarUrl).forEach((item, i) => {
        const start = toInstant(readPath(item, calendar.fromPath));
        const end = toInstant(readPath(item, calendar.toPath));
        if (!start || !end || !(start < end)) {
          throw new ConnectorError(`source ${sourceId}: GET ${calendarUrl.href}: reservation ${i + 1} has no valid "${calendar.fromPath}" before "${calendar.toPath}"`, 'MALFORMED');
        }
        // the API may answer with more than the window; only what overlaps [from, to) is busy here
        if (start < to && end > from) busy.push({ from: start, to: end });
      });
      return busy.sort((a, b) => a.from.getTime() - b.from.getTime());
    },
  };

  if (booking) {
    adapter.placeBooking = async (write: BookingWrite) => {
      const bookingUrl = url(fillPath(booking.path, { id: write.localId }));
      const body = await callJson(api, {
        method: 'POST',
        url: bookingUrl,
        body: { start: write.from.toISOString(), end: write.to.toISOString(), holder: write.holder, purpose: write.purpose },
        statusMeanings: { 409: "slot taken in owner's system" },
      });
      const ref = readPath(body, booking.refPath);
      if (!present(ref)) throw new ConnectorError(`source ${sourceId}: POST ${bookingUrl.href} answered without a reservation id at "${booking.refPath}"`, 'MALFORMED');
      return { externalRef: String(ref) };
    };
    adapter.cancelBooking = async (externalRef: string) => {
      await callJson(api, { method: 'DELETE', url: url(fillPath(booking.cancelPath, { ref: externalRef })) });
    };
  }
  return adapter;
}
