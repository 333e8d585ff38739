/**
 * Two `irhub start` processes on one server database are replicas of one hub: they start together
 * (extensions and migrations one at a time), bookings stay exclusive across them, and a source
 * added through one is searchable through the other within 30 s. Server PostgreSQL only: PGlite
 * belongs to one process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knex from 'knex';
import { REMOTE_CREDENTIAL, tempDir } from './support/test-hub.ts';
import { SHEET_HEADER } from './support/source-fixtures.ts';
import { startHubProcess, type HubProcess } from './support/hub-process.ts';
import { serveConnector, type ServedConnector } from '../connectors/sdk/serve-connector.ts';
import { createSpreadsheetAdapter } from '../connectors/spreadsheet/spreadsheet-connector.ts';
import { institutionIdFor } from '../subgraphs/registry/institution-identity.ts';
import { slot } from './support/booking-slots.ts';
import { openHubDatabase } from '../subgraphs/storage/database.ts';

const databaseUrl = process.env.DATABASE_URL;
const ROWS = [
  ['R-1', '场发射扫描电镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '400'],
  ['R-2', '原子力显微镜', '', 'Dimension Icon', 'Bruker', '分析仪器', '200', '2020-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '500'],
];

async function gql<T>(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.json() as Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
}

describe.skipIf(!databaseUrl)('replicas on one server database', () => {
  const schema = `irhub_replicas_${randomBytes(5).toString('hex')}`;
  const dirs = [tempDir(), tempDir(), tempDir()];
  const replicas: HubProcess[] = [];
  let owner: ServedConnector;
  let adminA: string;
  let userToken: string;

  beforeAll(async () => {
    const env = { DATABASE_URL: databaseUrl!, IRHUB_DATABASE_SCHEMA: schema, IRHUB_SECRET: randomBytes(32).toString('base64'), IRHUB_LOG_LEVEL: 'warn' };
    // started together on an empty schema: one sets it up, the other waits for it
    replicas.push(...await Promise.all(dirs.slice(0, 2).map((d) => startHubProcess({ ...env, IRHUB_DATA_DIR: d.dir }))));
    adminA = readFileSync(path.join(dirs[0].dir, 'admin-token'), 'utf8').trim();
    const file = path.join(dirs[2].dir, 'owner.csv');
    writeFileSync(file, `\uFEFF${[SHEET_HEADER, ...ROWS].map((r) => r.join(',')).join('\r\n')}\r\n`);
    owner = await serveConnector({ sourceId: 'replicated', credential: REMOTE_CREDENTIAL, adapter: createSpreadsheetAdapter('replicated', { file }) });
    const added = await gql(replicas[0].url, adminA, `mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`,
      { input: { id: 'zhang', role: 'USER', institutionId: institutionIdFor('南方科技大学'), institutionName: '南方科技大学' } });
    expect(added.errors).toBeUndefined();
    const issued = await gql<{ issueToken: { token: string } }>(replicas[0].url, adminA, 'mutation { issueToken(userId: "zhang", days: 1) { token } }');
    userToken = issued.data!.issueToken.token;
  }, 180_000);

  afterAll(async () => {
    for (const replica of replicas) replica.kill();
    await owner?.close();
    const db = knex({ client: 'pg', connection: databaseUrl });
    await db.raw('drop schema if exists ?? cascade', [schema]);
    await db.destroy();
    for (const d of dirs) d.remove();
  });

  it('serves a source added through one replica through the other within 30 s', async () => {
    const added = await gql<{ addSource: { source: { id: string } } }>(replicas[0].url, adminA,
      `mutation ($input: AddSourceInput!) { addSource(input: $input) { source { id } harvest { status imported } } }`,
      { input: { id: 'replicated', kind: 'REMOTE', config: JSON.stringify({ url: owner.url }), credential: REMOTE_CREDENTIAL, harvest: true } });
    expect(added.errors).toBeUndefined();
    const started = Date.now();
    let found = 0;
    while (Date.now() - started < 30_000) {
      const result = await gql<{ instrument: { name: string } | null }>(replicas[1].url, null, '{ instrument(id: "replicated:R-1") { name } }');
      if (result.data?.instrument?.name === '场发射扫描电镜') {
        const search = await gql<{ instruments: { totalCount: number } }>(replicas[1].url, null, '{ instruments(filter: { text: "原子力显微镜" }) { totalCount } }');
        found = search.data?.instruments.totalCount ?? 0;
        if (found > 0) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(found).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('lets exactly one of 50 parallel requests for one slot through, the requests split between the replicas', async () => {
    const when = slot(4, 10, 11);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => gql<{ requestBooking: { id: string } }>(replicas[i % 2].url, userToken,
      'mutation ($input: BookingRequestInput!) { requestBooking(input: $input) { id } }',
      { input: { instrumentId: 'replicated:R-2', mode: 'ASSISTED', purpose: '样品形貌表征', ...when } })));
    const won = results.filter((r) => r.data?.requestBooking);
    expect(won, JSON.stringify(results.find((r) => r.errors && r.errors[0].extensions?.code !== 'BOOKING_CONFLICT'))).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'BOOKING_CONFLICT')).toHaveLength(49);
  }, 60_000);
});

describe.skipIf(!databaseUrl)('replicas starting together on a new database', () => {
  it('set it up one at a time: all six open it (without the lock, five died on create extension)', async () => {
    const name = `irhub_test_new_${randomBytes(5).toString('hex')}`;
    const admin = knex({ client: 'pg', connection: databaseUrl });
    await admin.raw('create database ??', [name]);
    const url = new URL(databaseUrl!);
    url.pathname = `/${name}`;
    try {
      const opened = await Promise.allSettled(Array.from({ length: 6 }, () => openHubDatabase({ databaseUrl: url.toString() })));
      for (const result of opened) if (result.status === 'fulfilled') await result.value.db.destroy();
      expect(opened.map((r) => (r.status === 'fulfilled' ? 'ok' : String(r.reason)))).toEqual(Array(6).fill('ok'));
    } finally {
      await admin.raw('drop database if exists ?? with (force)', [name]);
      await admin.destroy();
    }
  }, 120_000);
});
