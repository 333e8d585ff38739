/**
 * A rental company's REST catalogue on localhost, in its own English vocabulary (available,
 * rented, service), behind a bearer token, with live status and reservations.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { resolveDistrict } from '../../schema/districts.ts';
import type { DemoInstrumentRow } from './inventory-generator.ts';
import { seededRandom } from './inventory-generator.ts';
import { currentWeekStart } from './university-asset-db.ts';

const STATE: Record<string, string> = { 闲置: 'available', 在用: 'rented', 维修: 'service', 报废: 'retired' };
const SHARING: Record<string, string> = { 对外开放: 'open', 校内共享: 'internal', 不共享: 'closed' };

interface Reservation { id: string; equipmentId: string; start: Date; end: Date; holder: string; purpose: string }

export interface RentalRestApi {
  url: string;
  config: Record<string, unknown>;
  close(): Promise<void>;
}

function item(r: DemoInstrumentRow) {
  return {
    id: String(r.local_id),
    name: { zh: r.name, en: r.name_en },
    model: r.model, brand: r.manufacturer, origin: r.country, category: r.category,
    price: { valueWan: r.original_value_wan }, purchased: r.purchase_date,
    owner: { name: r.institution, type: r.institution_type },
    location: { district: resolveDistrict(String(r.district))?.en ?? r.district, address: r.address, lat: r.latitude, lng: r.longitude },
    sharing: SHARING[String(r.sharing)], state: STATE[String(r.status)],
    rates: { external: r.external_rate, internal: r.internal_rate },
    contact: { name: r.contact_name, phone: r.contact_phone, email: r.contact_email },
    specs: r.specs, functions: r.functions, updatedAt: '2026-06-30T00:00:00Z',
  };
}

export async function startRentalRestApi(rows: readonly DemoInstrumentRow[], options: { token: string; port?: number }): Promise<RentalRestApi> {
  const items = rows.map(item);
  const byId = new Map(items.map((i) => [i.id, i]));
  const reservations: Reservation[] = [];
  const random = seededRandom(11);
  const monday = currentWeekStart().getTime();
  for (const i of items) {
    for (let day = 0; day < 14; day++) {
      if (day % 7 >= 5 || random() > 0.2) continue;
      const start = new Date(monday + day * 86400_000 + (9 + Math.floor(random() * 5)) * 3600_000);
      reservations.push({ id: randomUUID(), equipmentId: i.id, start, end: new Date(start.getTime() + 4 * 3600_000), holder: 'walk-in customer', purpose: 'rental' });
    }
  }
  const send = (response: http.ServerResponse, status: number, body?: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body === undefined ? '' : JSON.stringify(body));
  };
  const server = http.createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${options.token}`) return send(response, 401, { error: 'unauthorized' });
    const url = new URL(request.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api' || parts[1] !== 'v1') return send(response, 404, { error: 'not found' });
    const [, , collection, id, sub] = parts;
    if (request.method === 'GET' && collection === 'equipment' && !id) {
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
      const size = Math.min(500, Math.max(1, Number(url.searchParams.get('pageSize') ?? 50)));
      const since = url.searchParams.get('updatedSince');
      const listed = since ? items.filter((i) => i.updatedAt > since) : items;
      return send(response, 200, { data: { items: listed.slice((page - 1) * size, page * size), page, pageSize: size, total: listed.length } });
    }
    if (request.method === 'GET' && collection === 'equipment' && id === 'status') {
      const now = Date.now();
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter((x) => byId.has(x));
      return send(response, 200, { items: ids.map((x) => {
        const rented = reservations.some((r) => r.equipmentId === x && r.start.getTime() <= now && r.end.getTime() > now);
        const declared = byId.get(x)!.state;
        return { id: x, state: declared === 'service' || declared === 'retired' ? declared : rented ? 'rented' : 'available', checkedAt: new Date(now).toISOString() };
      }) });
    }
    if (collection === 'equipment' && id && sub === 'reservations') {
      if (!byId.has(id)) return send(response, 404, { error: `no equipment ${id}` });
      if (request.method === 'GET') {
        const from = new Date(url.searchParams.get('from') ?? 0).getTime();
        const to = new Date(url.searchParams.get('to') ?? 8.64e15).getTime();
        return send(response, 200, { items: reservations.filter((r) => r.equipmentId === id && r.start.getTime() < to && r.end.getTime() > from)
          .map((r) => ({ id: r.id, start: r.start.toISOString(), end: r.end.toISOString() })) });
      }
      if (request.method === 'POST') {
        let text = '';
        request.on('data', (c: Buffer) => (text += c.toString()));
        request.on('end', () => {
          const body = JSON.parse(text || '{}') as { start?: string; end?: string; holder?: string; purpose?: string };
          const start = new Date(body.start ?? '');
          const end = new Date(body.end ?? '');
          if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) return send(response, 400, { error: 'start and end required' });
          if (reservations.some((r) => r.equipmentId === id && r.start < end && r.end > start)) return send(response, 409, { error: 'slot taken' });
          const reservation = { id: randomUUID(), equipmentId: id, start, end, holder: body.holder ?? '', purpose: body.purpose ?? '' };
          reservations.push(reservation);
          send(response, 201, { id: reservation.id });
        });
        return;
      }
    }
    if (request.method === 'DELETE' && collection === 'reservations' && id) {
      const index = reservations.findIndex((r) => r.id === id);
      if (index < 0) return send(response, 404, { error: `no reservation ${id}` });
      reservations.splice(index, 1);
      return send(response, 204);
    }
    return send(response, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const states = { available: 'IDLE', rented: 'IN_USE', service: 'MAINTENANCE', retired: 'RETIRED' };
  return {
    url,
    config: {
      baseUrl: `${url}/api/v1`,
      headers: { Authorization: `Bearer ${options.token}` },
      list: { path: '/equipment', itemsPath: 'data.items', totalPath: 'data.total', sinceParam: 'updatedSince',
        paging: { type: 'page', pageParam: 'page', sizeParam: 'pageSize', pageSize: 200, startPage: 1 } },
      fields: {
        local_id: 'id', name: 'name.zh', name_en: 'name.en', model: 'model', manufacturer: 'brand', country: 'origin',
        category: 'category', original_value_wan: 'price.valueWan', purchase_date: 'purchased', institution: 'owner.name',
        institution_type: 'owner.type', district: 'location.district', address: 'location.address', latitude: 'location.lat',
        longitude: 'location.lng', sharing: 'sharing', status: 'state', external_rate: 'rates.external', internal_rate: 'rates.internal',
        contact_name: 'contact.name', contact_phone: 'contact.phone', contact_email: 'contact.email', specs: 'specs', functions: 'functions',
        updated_at: 'updatedAt',
      },
      values: { sharing: { open: 'OPEN', internal: 'INTERNAL', closed: 'CLOSED' }, status: states },
      live: { path: '/equipment/status', idsParam: 'ids', itemsPath: 'items', idPath: 'id', statePath: 'state', observedAtPath: 'checkedAt', values: states },
      calendar: { path: '/equipment/{id}/reservations', fromParam: 'from', toParam: 'to', itemsPath: 'items', fromPath: 'start', toPath: 'end' },
      booking: { path: '/equipment/{id}/reservations', refPath: 'id', cancelPath: '/reservations/{ref}' },
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
