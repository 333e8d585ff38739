/**
 * The JSON config of a `rest` source: an owner's JSON HTTP API, described by where the list
 * is and how it pages, which item path feeds which canonical field, and optionally where live
 * state, reservations and booking write-back are.
 *
 * {
 *   "baseUrl": "http://127.0.0.1:5123/api/v1", "headers": { "Authorization": "Bearer …" }, "timeoutMs": 10000,
 *   "list": { "path": "/equipment", "itemsPath": "data.items", "sinceParam": "updatedSince",
 *             "paging": { "type": "page", "pageParam": "page", "sizeParam": "pageSize", "pageSize": 200, "startPage": 1 } },
 *   "fields": { "local_id": "id", "name": "name.zh", … }, "values": { … }, "defaults": { … },
 *   "live": { "path": "/status", "idsParam": "ids", "itemsPath": "data", "idPath": "id", "statePath": "state",
 *             "values": { "running": "IN_USE" }, "batchSize": 100 },
 *   "calendar": { "path": "/equipment/{id}/reservations", "fromParam": "from", "toParam": "to",
 *                 "itemsPath": "data", "fromPath": "start", "toPath": "end" },
 *   "booking": { "path": "/equipment/{id}/reservations", "refPath": "id", "cancelPath": "/reservations/{ref}" }
 * }
 */
import type { LiveStateKey } from '../sdk/contract.ts';
import { ConfigReader } from '../sdk/config-reader.ts';
import { MAPPING_CONFIG_KEYS, readMappingConfig } from '../sdk/mapping-config.ts';
import type { MappingConfig } from '../sdk/mapping.ts';

export type RestPaging =
  | { type: 'page'; pageParam: string; sizeParam?: string; pageSize: number; startPage: number }
  | { type: 'cursor'; cursorParam: string; nextCursorPath: string; sizeParam?: string; pageSize?: number }
  | { type: 'none' };

export interface RestListConfig {
  path: string;
  /** where the array of items is in a response; absent when the response is the array */
  itemsPath?: string;
  /** where the API gives the number of items in the whole list; by default "total" beside the items */
  totalPath?: string;
  paging: RestPaging;
  sinceParam?: string;
}

export interface RestLiveConfig {
  path: string;
  idsParam: string;
  itemsPath?: string;
  idPath: string;
  statePath: string;
  observedAtPath?: string;
  /** owner state → live state; states already named like the hub's (idle, in_use, 在用 …) need no entry */
  values: Record<string, LiveStateKey>;
  batchSize: number;
}

export interface RestCalendarConfig {
  path: string;
  fromParam: string;
  toParam: string;
  itemsPath?: string;
  fromPath: string;
  toPath: string;
}

export interface RestBookingConfig {
  path: string;
  refPath: string;
  cancelPath: string;
}

export interface RestSourceConfig extends MappingConfig {
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  list: RestListConfig;
  live?: RestLiveConfig;
  calendar?: RestCalendarConfig;
  booking?: RestBookingConfig;
}

const LIVE_STATES: readonly LiveStateKey[] = ['IDLE', 'IN_USE', 'MAINTENANCE', 'RETIRED', 'OFFLINE', 'UNKNOWN'];

/** A path below baseUrl, with the placeholders the connector fills in. */
function apiPath(config: ConfigReader, key: string, placeholders: readonly string[] = []): string {
  const value = config.string(key);
  if (!value.startsWith('/')) config.fail(key, `must start with "/", found "${value}"`);
  for (const placeholder of placeholders) {
    if (!value.includes(`{${placeholder}}`)) config.fail(key, `must contain {${placeholder}}, found "${value}"`);
  }
  return value;
}

function readBaseUrl(config: ConfigReader): string {
  const value = config.string('baseUrl');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return config.fail('baseUrl', `is not a URL: "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') config.fail('baseUrl', `must be an http:// or https:// URL, found "${value}"`);
  if (url.search || url.hash) config.fail('baseUrl', 'must not have a query or fragment; put parameters in the paths');
  return value.replace(/\/+$/, '');
}

function readPaging(list: ConfigReader): RestPaging {
  const paging = list.object('paging');
  const type = paging.oneOf('type', ['page', 'cursor', 'none']);
  switch (type) {
    case 'page':
      paging.allowOnly(['type', 'pageParam', 'sizeParam', 'pageSize', 'startPage']);
      return {
        type,
        pageParam: paging.string('pageParam'),
        sizeParam: paging.optionalString('sizeParam'),
        pageSize: paging.number('pageSize', { integer: true, min: 1 }),
        startPage: paging.optionalNumber('startPage', { integer: true, min: 0 }) ?? 1,
      };
    case 'cursor':
      paging.allowOnly(['type', 'cursorParam', 'nextCursorPath', 'sizeParam', 'pageSize']);
      return {
        type,
        cursorParam: paging.string('cursorParam'),
        nextCursorPath: paging.string('nextCursorPath'),
        sizeParam: paging.optionalString('sizeParam'),
        pageSize: paging.optionalNumber('pageSize', { integer: true, min: 1 }),
      };
    case 'none':
      paging.allowOnly(['type']);
      return { type };
  }
}

function readList(config: ConfigReader): RestListConfig {
  const list = config.object('list');
  list.allowOnly(['path', 'itemsPath', 'totalPath', 'paging', 'sinceParam']);
  return {
    path: apiPath(list, 'path'),
    itemsPath: list.optionalString('itemsPath'),
    totalPath: list.optionalString('totalPath'),
    paging: readPaging(list),
    sinceParam: list.optionalString('sinceParam'),
  };
}

function readLive(config: ConfigReader): RestLiveConfig | undefined {
  const live = config.optionalObject('live');
  if (!live) return undefined;
  live.allowOnly(['path', 'idsParam', 'itemsPath', 'idPath', 'statePath', 'observedAtPath', 'values', 'batchSize']);
  const valuesReader = live.optionalObject('values');
  const values = Object.fromEntries((valuesReader?.keys() ?? []).map((state) => [state, valuesReader!.oneOf(state, LIVE_STATES)]));
  return {
    path: apiPath(live, 'path'),
    idsParam: live.string('idsParam'),
    itemsPath: live.optionalString('itemsPath'),
    idPath: live.string('idPath'),
    statePath: live.string('statePath'),
    observedAtPath: live.optionalString('observedAtPath'),
    values,
    batchSize: live.optionalNumber('batchSize', { integer: true, min: 1, max: 1000 }) ?? 100,
  };
}

function readCalendar(config: ConfigReader): RestCalendarConfig | undefined {
  const calendar = config.optionalObject('calendar');
  if (!calendar) return undefined;
  calendar.allowOnly(['path', 'fromParam', 'toParam', 'itemsPath', 'fromPath', 'toPath']);
  return {
    path: apiPath(calendar, 'path', ['id']),
    fromParam: calendar.string('fromParam'),
    toParam: calendar.string('toParam'),
    itemsPath: calendar.optionalString('itemsPath'),
    fromPath: calendar.string('fromPath'),
    toPath: calendar.string('toPath'),
  };
}

function readBooking(config: ConfigReader): RestBookingConfig | undefined {
  const booking = config.optionalObject('booking');
  if (!booking) return undefined;
  booking.allowOnly(['path', 'refPath', 'cancelPath']);
  return {
    path: apiPath(booking, 'path', ['id']),
    refPath: booking.string('refPath'),
    cancelPath: apiPath(booking, 'cancelPath', ['ref']),
  };
}

/** Read and check a `rest` source's config. */
export function parseRestConfig(sourceId: string, json: unknown): RestSourceConfig {
  const config = ConfigReader.of(sourceId, json);
  config.allowOnly(['baseUrl', 'headers', 'timeoutMs', 'list', 'live', 'calendar', 'booking', ...MAPPING_CONFIG_KEYS]);
  return {
    baseUrl: readBaseUrl(config),
    headers: config.optionalStringMap('headers') ?? {},
    timeoutMs: config.optionalNumber('timeoutMs', { integer: true, min: 100, max: 300_000 }) ?? 10_000,
    list: readList(config),
    ...readMappingConfig(config),
    live: readLive(config),
    calendar: readCalendar(config),
    booking: readBooking(config),
  };
}
