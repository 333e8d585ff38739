/**
 * Where trust ends: a connector never sees who the hub's caller is, and answers nothing but
 * its hub. An institution's connector sits behind a recorder that keeps every request's
 * headers; the hub's calls to it (gateway fetches, harvest, calendar) carry the hub's
 * signature and no identity; a call without, with another secret, changed, replayed or stale
 * is refused; rotating a source's secret invalidates the old one; secrets are stored sealed
 * (an older hub's plain ones too, on start) and never printed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveConnector, type ServedConnector } from '../connectors/sdk/serve-connector.ts';
import { createSpreadsheetAdapter } from '../connectors/spreadsheet/spreadsheet-connector.ts';
import { SIGNATURE_HEADER, newSourceSecret, signHubRequest } from '../connectors/sdk/hub-credential.ts';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, REMOTE_CREDENTIAL, startTestHub, tempDir, type TestHub } from './support/test-hub.ts';
import { startHub } from '../gateway/hub.ts';
import { jsonCatalogueConfig, startJsonCatalogue, writeSheet, type JsonCatalogue } from './support/source-fixtures.ts';

const run = promisify(execFile);
const CLI = path.resolve('gateway/bin/irhub.js');

interface Recorded { method: string; url: string; headers: http.IncomingHttpHeaders }

/** a reverse proxy in front of a connector that keeps what each request carried */
async function startRecorder(target: () => string): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers });
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(k))) as Record<string, string>;
      fetch(`${target()}${request.url}`, { method: request.method, headers, body: request.method === 'POST' ? Buffer.concat(chunks) : undefined })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => { response.writeHead(502); response.end(); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const ROW = ['W-1', '场发射扫描电子显微镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '南方科技大学', '高等院校', '南山区', '对外开放', '在用', '400'];

describe.each(DATABASE_TARGETS)('trust boundaries ($name)', (target) => {
  let hub: TestHub;
  let connector: ServedConnector;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  let catalogue: JsonCatalogue;
  /** what the institution started its connector with; "restarting" it with another is changing this */
  const running = { secret: REMOTE_CREDENTIAL };
  let userToken = '';
  const OWNER_API_TOKEN = 'owner-api-token-5f1c9e2a7b';
  const cli = (...args: string[]) => run('node', [CLI, ...args], { cwd: hub.dataDir, env: { ...process.env, IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken } })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
  const signedFetch = (url: string, secret: string, init: { method?: string; body?: string } = {}, now = Date.now()) => {
    const target = new URL(url);
    return fetch(url, { ...init, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signHubRequest(secret, init.method ?? 'GET', target.pathname + target.search, init.body ?? '', now) } });
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
    const file = writeSheet(hub.dataDir, 'watched.csv', [ROW]);
    connector = await serveConnector({ sourceId: 'watched', credential: () => running.secret, adapter: createSpreadsheetAdapter('watched', { file }) });
    recorder = await startRecorder(() => connector.url);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('watched', 'REMOTE', { url: recorder.url }));
    expect(added.errors).toBeUndefined();
    catalogue = await startJsonCatalogue([{ id: 'R-1', name: 'X射线衍射仪', model: 'D8 ADVANCE', brand: 'Bruker', category: '分析仪器', owner: '科仪租赁', district: '南山区', sharing: 'open', state: 'available' }]);
    const rest = await hub.gql(ADD_SOURCE, addSourceInput('rental', 'REST', { ...jsonCatalogueConfig(catalogue.url), headers: { Authorization: `Bearer ${OWNER_API_TOKEN}` } }));
    expect(rest.errors).toBeUndefined();
    await hub.gql('mutation { addUser(input: { id: "zhang.wei", institutionId: "company-x", institutionName: "某公司" }) { id } }');
    userToken = (await hub.gql<{ issueToken: { token: string } }>('mutation { issueToken(userId: "zhang.wei") { token } }')).data!.issueToken.token;
  });
  afterAll(async () => {
    await hub?.close();
    await recorder?.close();
    await connector?.close();
    await catalogue?.close();
  });

  it('sends a connector the hub\'s signature and never the caller\'s identity', async () => {
    recorder.requests.length = 0;
    const live = await hub.gql<{ instrument: { live: { state: string } | null } }>('{ instrument(id: "watched:W-1") { name live { state } } }', {}, userToken);
    expect(live.errors).toBeUndefined();
    expect(live.data?.instrument.live?.state).toBeTruthy();
    const from = new Date(Date.now() + 7 * 86_400_000);
    const slots = await hub.gql('query ($from: DateTime!, $to: DateTime!) { instrument(id: "watched:W-1") { availability(from: $from, to: $to) { from } } }', { from: from.toISOString(), to: new Date(from.getTime() + 2 * 86_400_000).toISOString() }, userToken);
    expect(slots.errors).toBeUndefined();
    const harvest = await hub.gql<{ harvestSource: { status: string } }>('mutation { harvestSource(id: "watched", full: true) { status } }');
    expect(harvest.data?.harvestSource.status).toBe('SUCCEEDED');
    const paths = new Set(recorder.requests.map((r) => r.url.split('?')[0]));
    expect(paths).toEqual(new Set(['/graphql', '/calendar', '/harvest']));
    for (const request of recorder.requests) {
      expect(request.headers.authorization, `${request.method} ${request.url}`).toBeUndefined();
      expect(request.headers['x-irhub-claims']).toBeUndefined();
      expect(JSON.stringify(request.headers)).not.toContain(userToken);
      expect(JSON.stringify(request.headers)).not.toContain(hub.adminToken);
      expect(request.headers[SIGNATURE_HEADER]).toMatch(/^t=\d+,n=[\w-]+,s=[\w-]+$/);
    }
  });

  it('refuses every call to a connector that its hub did not sign, and accepts its hub\'s', async () => {
    const place = { bookingId: 'b1', localId: 'W-1', from: new Date().toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() };
    for (const [route, init] of [['/bookings/place', { method: 'POST', body: JSON.stringify(place) }], ['/bookings/cancel', { method: 'POST', body: '{"externalRef":"x"}' }], ['/harvest', {}], ['/usage', {}], ['/calendar?localId=W-1', {}]] as const) {
      const anonymous = await fetch(`${connector.url}${route}`, { ...init, headers: { 'content-type': 'application/json' } });
      expect(anonymous.status, route).toBe(401);
      expect((await anonymous.json() as { error: string }).error).toContain('answers its hub only');
    }
    const graphql = await fetch(`${connector.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ _service { sdl } }"}' });
    expect(graphql.status).toBe(401);
    const harvest = `${connector.url}/harvest?limit=10`;
    const signed = await signedFetch(harvest, REMOTE_CREDENTIAL);
    expect(signed.status).toBe(200);
    expect((await signed.json() as { instruments: unknown[] }).instruments).toHaveLength(1);
    const forged = await signedFetch(harvest, newSourceSecret());
    expect(forged.status).toBe(401);
    expect((await forged.json() as { error: string }).error).toContain('does not match');
    const stale = await signedFetch(harvest, REMOTE_CREDENTIAL, {}, Date.now() - 5 * 60_000);
    expect(stale.status).toBe(401);
    expect((await stale.json() as { error: string }).error).toContain('expired');
    const header = signHubRequest(REMOTE_CREDENTIAL, 'GET', '/harvest?limit=10');
    expect((await fetch(harvest, { headers: { [SIGNATURE_HEADER]: header } })).status).toBe(200);
    const replayed = await fetch(harvest, { headers: { [SIGNATURE_HEADER]: header } });
    expect(replayed.status).toBe(401);
    expect((await replayed.json() as { error: string }).error).toContain('replayed');
    // a signature over one request does not carry another: other route, other body
    const otherRoute = await fetch(`${connector.url}/usage`, { headers: { [SIGNATURE_HEADER]: signHubRequest(REMOTE_CREDENTIAL, 'GET', '/harvest?limit=10') } });
    expect(otherRoute.status).toBe(401);
    const cancel = signHubRequest(REMOTE_CREDENTIAL, 'POST', '/bookings/cancel', '{"externalRef":"a"}');
    const changed = await fetch(`${connector.url}/bookings/cancel`, { method: 'POST', headers: { [SIGNATURE_HEADER]: cancel }, body: '{"externalRef":"b"}' });
    expect(changed.status).toBe(401);
  });

  it('rotates a source\'s secret: the old one is refused, the secret is written to a file and never printed', async () => {
    // a connector the hub runs itself follows at once
    const rental = hub.registry.connectorEndpoint('rental')!;
    const old = rental.credential;
    expect((await signedFetch(`${rental.url}/harvest?limit=1`, old)).status).toBe(200);
    const rotated = await cli('sources', 'rotate', 'rental');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('the old one is refused');
    expect((await signedFetch(`${rental.url}/harvest?limit=1`, old)).status).toBe(401);
    const fresh = hub.registry.connectorEndpoint('rental')!.credential;
    expect(fresh).not.toBe(old);
    expect(rotated.stdout + rotated.stderr).not.toContain(fresh);
    expect((await hub.gql<{ harvestSource: { status: string } }>('mutation { harvestSource(id: "rental", full: true) { status } }')).data?.harvestSource.status).toBe('SUCCEEDED');

    // a remote connector gets its new secret through a file only its owner can read
    const remote = await cli('sources', 'rotate', 'watched', '--credential-file', 'watched.secret');
    expect(remote.code).toBe(0);
    const file = path.join(hub.dataDir, 'watched.secret');
    expect(remote.stdout).toContain(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, 'utf8').trim();
    expect(remote.stdout).not.toContain(secret);
    const before = await hub.gql<{ harvestSource: { status: string; error: string } }>('mutation { harvestSource(id: "watched", full: true) { status error } }');
    expect(before.data?.harvestSource).toMatchObject({ status: 'FAILED' });
    expect(before.data?.harvestSource.error).toContain('does not match');
    running.secret = secret;
    const after = await hub.gql<{ harvestSource: { status: string } }>('mutation { harvestSource(id: "watched", full: true) { status } }');
    expect(after.data?.harvestSource.status).toBe('SUCCEEDED');
    expect((await signedFetch(`${connector.url}/harvest?limit=1`, REMOTE_CREDENTIAL)).status).toBe(401);
  });

  it('stores source configs and credentials sealed, and prints no secret', async () => {
    const rows = await hub.database.db('sources').select('id', 'config', 'credential') as Array<{ id: string; config: string; credential: string }>;
    expect(rows.length).toBe(2);
    for (const row of rows) {
      expect(row.config).toMatch(/^sealed:v1:/);
      expect(row.credential).toMatch(/^sealed:v1:/);
    }
    expect(JSON.stringify(rows)).not.toContain(OWNER_API_TOKEN);
    const list = await cli('sources', 'list');
    const query = JSON.stringify(await hub.gql('{ sources { id kind connectorUrl connectorError lastRun { error } } }'));
    for (const text of [list.stdout, query, hub.logs.join('\n')]) {
      expect(text).not.toContain(OWNER_API_TOKEN);
      expect(text).not.toContain(REMOTE_CREDENTIAL);
      expect(text).not.toContain(hub.registry.connectorEndpoint('rental')!.credential);
    }
  });
});

describe('a data directory of an older hub', () => {
  it('has its plain source configs sealed and given a credential on start', async () => {
    const temp = tempDir();
    const dataDir = path.join(temp.dir, 'hub');
    const open = () => startHub({ port: 0, host: '127.0.0.1', dataDir, demo: false, schedule: false, log: () => {} });
    let hub = await open();
    try {
      const file = writeSheet(temp.dir, 'old.csv', [ROW]);
      const gql = async (query: string, variables: object) => (await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.adminToken}` }, body: JSON.stringify({ query, variables }) })).json() as Promise<{ data?: { harvestSource?: { status: string } }; errors?: unknown }>;
      expect((await gql(ADD_SOURCE, addSourceInput('old', 'SPREADSHEET', { file }))).errors).toBeUndefined();
      // as an older hub stored it: the config in plain text, no credential
      await hub.database.db('sources').where({ id: 'old' }).update({ config: JSON.stringify({ file }), credential: null });
      await hub.close();
      hub = await open();
      const row = await hub.database.db('sources').where({ id: 'old' }).first('config', 'credential') as { config: string; credential: string };
      expect(row.config).toMatch(/^sealed:v1:/);
      expect(row.credential).toMatch(/^sealed:v1:/);
      expect((await gql('mutation { harvestSource(id: "old", full: true) { status } }', {})).data?.harvestSource?.status).toBe('SUCCEEDED');
    } finally {
      await hub.close();
      temp.remove();
    }
  });
});
