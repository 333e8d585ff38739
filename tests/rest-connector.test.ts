/**
 * The `rest` connector kind against a real JSON HTTP API on 127.0.0.1: a rental company's
 * equipment catalogue that pages by page number or by cursor, answers live state in batches,
 * keeps reservations, and sometimes fails in the ways owners' APIs do.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRestConfig } from '../connectors/rest/config.ts';
import { createRestAdapter } from '../connectors/rest/rest-connector.ts';
import { ConnectorError, type ConnectorAdapter, type SourceRecord } from '../connectors/sdk/contract.ts';
import { normalizeRecord } from '../connectors/sdk/canonical.ts';
import { checkConformance } from '../connectors/sdk/conformance.ts';
import { listAll, rejection } from './support/adapter-listing.ts';

const HOUR = 3600_000;
const UPDATED_BASE = Date.parse('2024-01-01T00:00:00Z');
const tomorrow = (h: number) => {
  const day = new Date(Date.now() + 24 * HOUR);
  day.setUTCHours(0, 0, 0, 0);
  return new Date(day.getTime() + h * HOUR);
};

interface Equipment {
  id?: string;
  name: { zh: string; en: string };
  model: string;
  brand: string;
  category: string;
  owner: string;
  district: string;
  sharing: string;
  state: string;
  updatedAt: string;
  weight: number;
  meta: { tags: string[] };
}

const STATES = ['available', 'rented', '维护中'];
const IDS = Array.from({ length: 23 }, (_, i) => `R-${String(i + 1).padStart(2, '0')}`);
/** 24 items: 23 with ids and, 12th in the list, one the owner forgot to number */
const EQUIPMENT: Equipment[] = IDS.map((id, i) => ({
  id,
  name: { zh: `扫描电子显微镜 ${i + 1}`, en: `Scanning Electron Microscope ${i + 1}` },
  model: `Apreo ${i + 1}`,
  brand: 'Thermo Fisher',
  category: i % 3 === 0 ? '分析仪器' : '01',
  owner: '深圳某仪器租赁有限公司',
  district: '宝安',
  sharing: 'open',
  state: STATES[i % 3],
  updatedAt: new Date(UPDATED_BASE + (i + 1) * HOUR).toISOString(),
  weight: 120 + i,
  meta: { tags: ['sem'] },
}));
EQUIPMENT.splice(11, 0, { ...EQUIPMENT[0], id: undefined, name: { zh: '无编号设备', en: 'Unnumbered' } });

interface Reservation { id: string; start: string; end: string; holder?: string; purpose?: string }
interface Seen { method: string; path: string; query: URLSearchParams; authorization?: string; body?: unknown }

interface OwnerApi {
  url: string;
  seen: Seen[];
  /** whether list pages say how many items there are in all */
  giveTotal: boolean;
  reservations: Map<string, Reservation[]>;
  requestsTo(path: string): Seen[];
  close(): Promise<void>;
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

async function startOwnerApi(): Promise<OwnerApi> {
  let nextReservation = 1;
  const api: OwnerApi = {
    url: '',
    seen: [],
    giveTotal: true,
    reservations: new Map(),
    requestsTo: (path) => api.seen.filter((s) => s.path === path),
    close: async () => {},
  };
  const listed = (query: URLSearchParams) => {
    const since = query.get('updatedSince');
    return since ? EQUIPMENT.filter((e) => Date.parse(e.updatedAt) > Date.parse(since)) : EQUIPMENT;
  };
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const segments = url.pathname.split('/').map(decodeURIComponent);
    const path = segments.join('/');
    let text = '';
    for await (const chunk of request) text += chunk;
    const body = text ? JSON.parse(text) : undefined;
    api.seen.push({ method: request.method ?? '', path, query: url.searchParams, authorization: request.headers.authorization, body });
    const route = `${request.method} ${segments.slice(0, 4).join('/')}`;
    const q = url.searchParams;

    if (route === 'GET /api/v1/equipment' && segments.length === 4) {
      const page = Number(q.get('page'));
      const size = Number(q.get('pageSize'));
      const items = listed(q);
      return json(response, 200, { data: { items: items.slice((page - 1) * size, page * size), ...(api.giveTotal ? { total: items.length } : {}) } });
    }
    if (route === 'GET /api/v1/equipment' && segments[5] === 'reservations') {
      return json(response, 200, { data: api.reservations.get(segments[4]) ?? [] });
    }
    if (route === 'POST /api/v1/equipment' && segments[5] === 'reservations') {
      const list = api.reservations.get(segments[4]) ?? [];
      if (list.some((r) => r.start < body.end && r.end > body.start)) return json(response, 409, { error: 'time slot not available' });
      const reservation = { id: `res-${nextReservation++}`, ...body };
      api.reservations.set(segments[4], [...list, reservation]);
      return json(response, 201, { id: reservation.id, status: 'confirmed' });
    }
    if (route === 'DELETE /api/v1/reservations') {
      for (const [id, list] of api.reservations) {
        if (list.some((r) => r.id === segments[4])) {
          api.reservations.set(id, list.filter((r) => r.id !== segments[4]));
          response.writeHead(204).end();
          return;
        }
      }
      return json(response, 404, { error: `reservation ${segments[4]} not found` });
    }
    if (route === 'GET /api/v1/equipment-by-cursor') {
      const start = Number((q.get('cursor') ?? 'c0').slice(1));
      const size = Number(q.get('limit'));
      const end = start + size;
      return json(response, 200, { data: EQUIPMENT.slice(start, end), next: end < EQUIPMENT.length ? `c${end}` : null });
    }
    if (route === 'GET /api/v1/equipment-all') return json(response, 200, EQUIPMENT);
    if (route === 'GET /api/v1/status') {
      const ids = (q.get('ids') ?? '').split(',');
      const states: Record<string, string> = { 'R-01': 'running', 'R-02': 'idle', 'R-03': 'fault', 'R-04': 'weird' };
      // the API also answers for an instrument nobody asked about
      return json(response, 200, { data: [...ids, 'R-99'].map((id) => ({ id, state: states[id] ?? 'idle', at: '2025-05-01T08:00:00Z' })) });
    }
    if (route === 'GET /api/v1/secret') {
      if (request.headers.authorization !== 'Bearer good') return json(response, 401, { error: 'invalid token' });
      return json(response, 200, { data: { items: EQUIPMENT.slice(0, 2) } });
    }
    if (route === 'GET /api/v1/broken') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"data": {"items": [ {"id": "R-1", ');
      return;
    }
    if (route === 'GET /api/v1/error') {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`Internal error: ${'detail '.repeat(60)}`);
      return;
    }
    if (route === 'GET /api/v1/not-array') return json(response, 200, { data: { items: { id: 'R-01' } } });
    if (route === 'GET /api/v1/slow') {
      setTimeout(() => json(response, 200, { data: { items: [] } }), 2000);
      return;
    }
    json(response, 404, { error: `no route ${route}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return api;
}

function restConfigJson(baseUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    baseUrl: `${baseUrl}/api/v1`,
    list: { path: '/equipment', itemsPath: 'data.items', paging: { type: 'page', pageParam: 'page', sizeParam: 'pageSize', pageSize: 5, startPage: 1 }, sinceParam: 'updatedSince' },
    fields: {
      local_id: 'id', name: 'name.zh', name_en: 'name.en', model: 'model', manufacturer: 'brand', category: 'category',
      institution: 'owner', district: 'district', sharing: 'sharing', status: 'state', updated_at: 'updatedAt',
    },
    values: { status: { available: 'IDLE', rented: 'IN_USE', 维护中: 'MAINTENANCE' } },
    defaults: { institutionType: 'ENTERPRISE' },
    live: { path: '/status', idsParam: 'ids', itemsPath: 'data', idPath: 'id', statePath: 'state', observedAtPath: 'at', values: { running: 'IN_USE', fault: 'MAINTENANCE' }, batchSize: 10 },
    calendar: { path: '/equipment/{id}/reservations', fromParam: 'from', toParam: 'to', itemsPath: 'data', fromPath: 'start', toPath: 'end' },
    booking: { path: '/equipment/{id}/reservations', refPath: 'id', cancelPath: '/reservations/{ref}' },
    ...overrides,
  };
}

const listedIds = (records: SourceRecord[]) => records.map((r) => r.values.local_id).filter((id) => id !== undefined).map(String);

describe('rest connector', () => {
  let api: OwnerApi;
  const adapterFor = (overrides: Record<string, unknown> = {}) => createRestAdapter('rental', parseRestConfig('rental', restConfigJson(api.url, overrides)));

  beforeAll(async () => {
    api = await startOwnerApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(() => {
    api.seen.length = 0;
    api.giveTotal = true;
    api.reservations.clear();
  });

  it('maps nested JSON paths to canonical values through the value maps, keeping scalar extras', async () => {
    const { records } = await listAll(adapterFor(), 100);
    const first = records.find((r) => r.values.local_id === 'R-01')!;
    expect(first.ref).toBe('item R-01');
    expect(first.values).toMatchObject({ name: '扫描电子显微镜 1', name_en: 'Scanning Electron Microscope 1', manufacturer: 'Thermo Fisher', status: 'IDLE' });
    expect(first.extra).toEqual({ weight: '120' });
    const defaults = parseRestConfig('rental', restConfigJson(api.url)).defaults;
    const normalized = (id: string) => {
      const result = normalizeRecord(records.find((r) => r.values.local_id === id)!, defaults);
      return result.ok ? result.instrument : result.problems;
    };
    expect(normalized('R-01')).toMatchObject({ declaredStatus: 'IDLE', sharing: 'OPEN', instrumentClass: 'ANALYTICAL', district: '宝安区', institution: { type: 'ENTERPRISE' } });
    expect(normalized('R-02')).toMatchObject({ declaredStatus: 'IN_USE', instrumentClass: 'ANALYTICAL' });
    expect(normalized('R-03')).toMatchObject({ declaredStatus: 'MAINTENANCE' });

    // the item without an id is named by where it stands
    const unnumbered = records.find((r) => r.values.local_id === undefined)!;
    expect(unnumbered.ref).toBe('page 3 item 2');
    const problems = normalizeRecord(unnumbered, defaults);
    expect(problems.ok ? null : problems.problems).toEqual([{ ref: 'page 3 item 2', field: 'local_id', reason: 'missing required value' }]);
  });

  it('pages by page number, every item exactly once, stopping at the total the API gives', async () => {
    const { records } = await listAll(adapterFor(), 100);
    expect(records).toHaveLength(EQUIPMENT.length);
    expect(listedIds(records).sort()).toEqual(IDS);
    expect(api.requestsTo('/api/v1/equipment').map((s) => `${s.query.get('page')}/${s.query.get('pageSize')}`)).toEqual(['1/5', '2/5', '3/5', '4/5', '5/5']);
  });

  it('pages until an empty page when the API gives no total', async () => {
    api.giveTotal = false;
    const { records } = await listAll(adapterFor(), 100);
    expect(listedIds(records).sort()).toEqual(IDS);
    expect(api.requestsTo('/api/v1/equipment').map((s) => s.query.get('page'))).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('keeps within the hub\'s limit when the API\'s pages are larger', async () => {
    const { records, pageSizes } = await listAll(adapterFor(), 3);
    expect(records).toHaveLength(EQUIPMENT.length);
    expect(new Set(listedIds(records)).size).toBe(IDS.length);
    expect(Math.max(...pageSizes)).toBeLessThanOrEqual(3);
  });

  it('pages by the API\'s cursor, asking for no more than the limit', async () => {
    const list = { path: '/equipment-by-cursor', itemsPath: 'data', paging: { type: 'cursor', cursorParam: 'cursor', nextCursorPath: 'next', sizeParam: 'limit', pageSize: 4 } };
    const { records } = await listAll(adapterFor({ list }), 100);
    expect(records).toHaveLength(EQUIPMENT.length);
    expect(listedIds(records).sort()).toEqual(IDS);
    const asked = api.requestsTo('/api/v1/equipment-by-cursor');
    expect(asked).toHaveLength(6);
    expect(asked.map((s) => s.query.get('limit'))).toEqual(Array(6).fill('4'));
    expect(asked[0].query.has('cursor')).toBe(false);
    expect(asked[1].query.get('cursor')).toBe('c4');

    api.seen.length = 0;
    const small = await listAll(adapterFor({ list }), 3);
    expect(listedIds(small.records).sort()).toEqual(IDS);
    expect(api.requestsTo('/api/v1/equipment-by-cursor')[0].query.get('limit')).toBe('3');
  });

  it('reads an unpaged list that is the response itself', async () => {
    const list = { path: '/equipment-all', paging: { type: 'none' } };
    const whole = await listAll(adapterFor({ list }), 100);
    expect(whole.records).toHaveLength(EQUIPMENT.length);
    const paged = await listAll(adapterFor({ list }), 10);
    expect(paged.pageSizes).toEqual([10, 10, 4]);
    expect(listedIds(paged.records).sort()).toEqual(IDS);
  });

  it('asks only for items changed since the last harvest when the API takes a since parameter', async () => {
    const adapter = adapterFor();
    expect(adapter.incremental).toBe(true);
    const since = new Date(UPDATED_BASE + 20 * HOUR);
    const { records } = await listAll(adapter, 100, since);
    expect(listedIds(records)).toEqual(['R-21', 'R-22', 'R-23']);
    expect(api.requestsTo('/api/v1/equipment')[0].query.get('updatedSince')).toBe(since.toISOString());

    const { sinceParam: _ignored, ...list } = restConfigJson(api.url).list as Record<string, unknown>;
    const full = adapterFor({ list });
    expect(full.incremental).toBe(false);
    expect((await listAll(full, 100, since)).records).toHaveLength(EQUIPMENT.length);
  });

  it('reports an unreachable API, naming the source and the URL', async () => {
    const gone = await startOwnerApi();
    await gone.close();
    const adapter = createRestAdapter('rental', parseRestConfig('rental', restConfigJson(gone.url)));
    const error = await rejection(adapter.listInstruments({ limit: 10 }));
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toBe(`source rental: GET ${gone.url}/api/v1/equipment?page=1&pageSize=5 is unreachable (ECONNREFUSED)`);
  });

  it('reports an API that does not answer in time as unreachable', async () => {
    const list = { path: '/slow', itemsPath: 'data.items', paging: { type: 'none' } };
    const started = Date.now();
    const error = await rejection(adapterFor({ list, timeoutMs: 300 }).listInstruments({ limit: 10 }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toBe(`source rental: GET ${api.url}/api/v1/slow is unreachable (no answer within 300 ms)`);
  });

  it('reports malformed JSON, an error status with the start of its body, refused credentials and a list that is not an array', async () => {
    const none = (path: string) => ({ list: { path, itemsPath: 'data.items', paging: { type: 'none' } } });

    const malformed = await rejection(adapterFor(none('/broken')).listInstruments({ limit: 10 }));
    expect(malformed.code).toBe('MALFORMED');
    expect(malformed.message).toMatch(new RegExp(`^source rental: GET ${api.url}/api/v1/broken answered malformed JSON \\(.+\\): \\{"data"`));

    const failed = await rejection(adapterFor(none('/error')).listInstruments({ limit: 10 }));
    expect(failed.code).toBe('SOURCE');
    const excerpt = `Internal error: ${'detail '.repeat(60)}`.slice(0, 200);
    expect(failed.message).toBe(`source rental: GET ${api.url}/api/v1/error answered HTTP 500: ${excerpt}…`);

    const refused = await rejection(adapterFor(none('/secret')).listInstruments({ limit: 10 }));
    expect(refused.code).toBe('CONFIG');
    expect(refused.message).toMatch(/^source rental: GET .*\/secret answered HTTP 401: \{"error":"invalid token"\} \(check the credentials in the source's headers\)/);
    const allowed = await adapterFor({ ...none('/secret'), headers: { Authorization: 'Bearer good' } }).listInstruments({ limit: 10 });
    expect(allowed.records).toHaveLength(2);
    expect(api.requestsTo('/api/v1/secret').map((s) => s.authorization)).toEqual([undefined, 'Bearer good']);

    const notArray = await rejection(adapterFor(none('/not-array')).listInstruments({ limit: 10 }));
    expect(notArray.code).toBe('MALFORMED');
    expect(notArray.message).toBe(`source rental: GET ${api.url}/api/v1/not-array: "data.items" is not an array (found an object)`);
  });

  it('asks for live state in batches of the configured size, mapping the owner\'s states', async () => {
    const live = await adapterFor().liveStatus(IDS);
    const asked = api.requestsTo('/api/v1/status');
    expect(asked).toHaveLength(3);
    expect(asked.map((s) => s.query.get('ids')!.split(',').length).sort()).toEqual([10, 10, 3]);
    expect(live.size).toBe(IDS.length);
    expect(live.has('R-99')).toBe(false);
    expect(Object.fromEntries(['R-01', 'R-02', 'R-03', 'R-04'].map((id) => [id, live.get(id)!.state])))
      .toEqual({ 'R-01': 'IN_USE', 'R-02': 'IDLE', 'R-03': 'MAINTENANCE', 'R-04': 'UNKNOWN' });
    expect(live.get('R-01')!.observedAt.toISOString()).toBe('2025-05-01T08:00:00.000Z');

    api.seen.length = 0;
    const withoutLive = await adapterFor({ live: undefined }).liveStatus(IDS);
    expect(withoutLive.size).toBe(0);
    expect(api.seen).toEqual([]);
  });

  it('returns the reservations overlapping [from, to), with the id URL-encoded into the path', async () => {
    const id = 'R/7 x';
    api.reservations.set(id, [
      { id: 'a', start: tomorrow(10).toISOString(), end: tomorrow(12).toISOString() },
      { id: 'b', start: tomorrow(14).toISOString(), end: tomorrow(15).toISOString() },
    ]);
    const adapter = adapterFor();
    const window = async (from: Date, to: Date) => (await adapter.calendar(id, from, to)).map((b) => b.from.toISOString());
    expect(await window(tomorrow(12), tomorrow(14))).toEqual([]);
    expect(await window(tomorrow(11), tomorrow(14.5))).toEqual([tomorrow(10).toISOString(), tomorrow(14).toISOString()]);
    expect(await window(tomorrow(15), tomorrow(20))).toEqual([]);
    const asked = api.seen[0];
    expect(asked.path).toBe(`/api/v1/equipment/${id}/reservations`);
    expect(asked.query.get('from')).toBe(tomorrow(12).toISOString());
    expect(asked.query.get('to')).toBe(tomorrow(14).toISOString());
    expect(await adapterFor({ calendar: undefined }).calendar(id, tomorrow(0), tomorrow(24))).toEqual([]);
  });

  it('writes a booking back, reports a taken slot, and cancels', async () => {
    const adapter = adapterFor();
    const booking = { bookingId: 'hub-1', localId: 'R-05', from: tomorrow(9), to: tomorrow(11), holder: '王工', purpose: '断口形貌观察' };
    expect(await adapter.placeBooking!(booking)).toEqual({ externalRef: 'res-1' });
    expect(api.requestsTo('/api/v1/equipment/R-05/reservations').find((s) => s.method === 'POST')!.body)
      .toEqual({ start: tomorrow(9).toISOString(), end: tomorrow(11).toISOString(), holder: '王工', purpose: '断口形貌观察' });
    expect(await adapter.calendar('R-05', tomorrow(0), tomorrow(24))).toEqual([{ from: tomorrow(9), to: tomorrow(11) }]);

    const taken = await rejection(adapter.placeBooking!({ ...booking, bookingId: 'hub-2', from: tomorrow(10), to: tomorrow(12) }));
    expect(taken.code).toBe('SOURCE');
    expect(taken.message).toMatch(/^source rental: slot taken in owner's system \(POST .*\/equipment\/R-05\/reservations answered HTTP 409/);

    await adapter.cancelBooking!('res-1');
    expect(api.seen.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/reservations/res-1' });
    expect(await adapter.calendar('R-05', tomorrow(0), tomorrow(24))).toEqual([]);
    const again = await rejection(adapter.cancelBooking!('res-1'));
    expect(again.message).toMatch(/DELETE .*\/reservations\/res-1 answered HTTP 404/);

    expect(adapterFor({ booking: undefined }).placeBooking).toBeUndefined();
  });

  it('passes the connector conformance kit', async () => {
    const report = await checkConformance(adapterFor(), { sourceId: 'rental', defaults: { institutionType: 'ENTERPRISE' }, pageSize: 4 });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report).toMatchObject({ ok: true, instruments: IDS.length, rejected: 1 });
  });
});

describe('rest connector config', () => {
  const base = {
    baseUrl: 'http://127.0.0.1:5123/api/v1',
    list: { path: '/equipment', itemsPath: 'data.items', paging: { type: 'page', pageParam: 'page', sizeParam: 'pageSize', pageSize: 200, startPage: 1 } },
    fields: { local_id: 'id', name: 'name', category: 'category', institution: 'owner' },
  };
  const expectConfig = (json: unknown, message: RegExp) => {
    let thrown: unknown;
    try {
      parseRestConfig('rental', json);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConnectorError);
    expect((thrown as ConnectorError).code).toBe('CONFIG');
    expect((thrown as ConnectorError).message).toMatch(message);
  };

  it('fills in defaults', () => {
    expect(parseRestConfig('rental', { ...base, baseUrl: 'http://127.0.0.1:5123/api/v1/' })).toMatchObject({
      baseUrl: 'http://127.0.0.1:5123/api/v1', headers: {}, timeoutMs: 10_000,
    });
    const live = { path: '/status', idsParam: 'ids', itemsPath: 'data', idPath: 'id', statePath: 'state' };
    expect(parseRestConfig('rental', { ...base, live }).live).toMatchObject({ batchSize: 100, values: {} });
  });

  it('names the source and the key of every mistake', () => {
    expectConfig({ ...base, baseUrl: 'ftp://x' }, /^source rental: config key "baseUrl" must be an http:\/\/ or https:\/\/ URL/);
    expectConfig({ ...base, baseUrl: 'not a url' }, /config key "baseUrl" is not a URL/);
    expectConfig({ ...base, lsit: {} }, /^source rental: unknown config key "lsit"/);
    expectConfig({ ...base, list: { ...base.list, path: 'equipment' } }, /config key "list\.path" must start with "\/"/);
    expectConfig({ ...base, list: { ...base.list, paging: { type: 'offset' } } }, /config key "list\.paging\.type" must be one of "page", "cursor", "none"/);
    expectConfig({ ...base, list: { ...base.list, paging: { type: 'page', pageParam: 'page' } } }, /config key "list\.paging\.pageSize" is missing/);
    expectConfig({ ...base, list: { ...base.list, paging: { type: 'cursor', cursorParam: 'c' } } }, /config key "list\.paging\.nextCursorPath" is missing/);
    expectConfig({ ...base, list: { ...base.list, paging: { type: 'none', pageSize: 3 } } }, /unknown config key "list\.paging\.pageSize"/);
    expectConfig({ ...base, headers: { Authorization: 7 } }, /config key "headers\.Authorization" must be a non-empty string/);
    expectConfig({ ...base, timeoutMs: 5 }, /config key "timeoutMs" must be at least 100/);
    expectConfig({ ...base, calendar: { path: '/equipment/reservations', fromParam: 'f', toParam: 't', fromPath: 'a', toPath: 'b' } }, /config key "calendar\.path" must contain \{id\}/);
    expectConfig({ ...base, booking: { path: '/equipment/{id}/r', refPath: 'id', cancelPath: '/r' } }, /config key "booking\.cancelPath" must contain \{ref\}/);
    expectConfig({ ...base, live: { path: '/s', idsParam: 'ids', idPath: 'id', statePath: 's', values: { up: 'RUNNING' } } }, /config key "live\.values\.up" must be one of "IDLE", "IN_USE"/);
    expectConfig({ ...base, live: { path: '/s', idsParam: 'ids', idPath: 'id', statePath: 's', batchSize: 0 } }, /config key "live\.batchSize" must be at least 1/);
    expectConfig({ ...base, fields: { name: 'name', category: 'category', institution: 'owner' } }, /^source rental: mapping has no entry for required field "local_id"/);
    expectConfig({ ...base, values: { sharing: { yes: 'SOMETIMES' } } }, /config key "values\.sharing\.yes" maps to "SOMETIMES", which is not a sharing mode/);
  });
});
