/**
 * The hub as separate services, each its own process, as the compose file runs them: `irhub subgraphs`
 * on configured ports; `irhub supergraph --out` writing a supergraph whose routing URLs are exactly
 * those ports, the same after the subgraphs restart; and `irhub gateway` serving only that file (no
 * database, an empty data directory): 503 until the file is there, then a search with live fields,
 * a booking and the instrument's calendar feed through it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knex from 'knex';
import { DATABASE_TARGETS, tempDir } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { freePort, freePortRun, startIrhubProcess, type IrhubProcess } from './support/hub-process.ts';
import { slot } from './support/booking-slots.ts';
import { routingUrls } from '../gateway/supergraph/file-supergraph.ts';
import { HUB_SUBGRAPH_NAMES } from '../gateway/hub-subgraphs.ts';

const run = promisify(execFile);
const CLI = path.resolve('gateway/bin/irhub.js');
const HUB_PORTS = HUB_SUBGRAPH_NAMES.length;
const CONNECTOR_PORTS = 3;

interface Response<T> { status: number; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }

async function gql<T>(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<Response<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() as Response<T>['body'] };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.each(DATABASE_TARGETS)('separate services ($name)', (target) => {
  const data = tempDir();
  const gatewayData = tempDir();
  const schema = `irhub_services_${randomBytes(5).toString('hex')}`;
  let base: number;
  let gatewayPort: number;
  let env: Record<string, string>;
  let subgraphs: IrhubProcess | null = null;
  let gateway: IrhubProcess | null = null;
  const cli = async (url: string, ...args: string[]) => {
    const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, IRHUB_URL: url } });
    return stdout;
  };
  const startSubgraphs = () => startIrhubProcess(['subgraphs'], env, 'subgraphs ready');
  const registryUrl = () => `http://127.0.0.1:${base + HUB_SUBGRAPH_NAMES.indexOf('registry')}`;
  const gatewayUrl = () => `http://127.0.0.1:${gatewayPort}`;

  beforeAll(async () => {
    base = await freePortRun(HUB_PORTS + CONNECTOR_PORTS);
    gatewayPort = await freePort();
    env = {
      IRHUB_SECRET: randomBytes(32).toString('base64url'),
      IRHUB_DATA_DIR: data.dir,
      DATABASE_URL: target.databaseUrl ?? '',
      IRHUB_DATABASE_SCHEMA: target.databaseUrl ? schema : '',
      IRHUB_SUBGRAPH_HOST: '127.0.0.1',
      IRHUB_SUBGRAPH_PORT: String(base),
      IRHUB_CONNECTOR_PORTS: `${base + HUB_PORTS}-${base + HUB_PORTS + CONNECTOR_PORTS - 1}`,
      IRHUB_LOG_LEVEL: 'warn',
    };
    subgraphs = await startSubgraphs();
    const sheet = writeSheet(data.dir, 'lab.csv', [
      ['L-1', '原子力显微镜', 'Atomic Force Microscope', 'Dimension Icon', 'Bruker', '分析仪器', '200', '2020-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '500'],
      ['L-2', '场发射扫描电镜', 'Field Emission SEM', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '在用', '400'],
    ]);
    // the command line talks to the registry subgraph itself: there is no gateway yet
    expect(await cli(registryUrl(), 'sources', 'add', 'lab', '--file', sheet)).toContain('harvest lab: SUCCEEDED');
  }, 600_000);

  afterAll(async () => {
    await gateway?.stop();
    await subgraphs?.stop();
    if (target.databaseUrl) {
      const db = knex({ client: 'pg', connection: target.databaseUrl });
      await db.raw('drop schema if exists ?? cascade', [schema]);
      await db.destroy();
    }
    data.remove();
    gatewayData.remove();
  }, 60_000);

  it('writes a supergraph whose routing URLs are the configured ports, the same after the subgraphs restart', async () => {
    const first = path.join(data.dir, 'first.graphql');
    await cli(registryUrl(), 'supergraph', '--out', first);
    const expected = new Map([
      ...HUB_SUBGRAPH_NAMES.map((name, i) => [name, `http://127.0.0.1:${base + i}/graphql`] as const),
      ['lab', `http://127.0.0.1:${base + HUB_PORTS}/graphql`] as const,
    ]);
    const urls = routingUrls(readFileSync(first, 'utf8'));
    expect(new Map([...urls].sort())).toEqual(new Map([...expected].sort()));

    await subgraphs!.stop();
    subgraphs = await startSubgraphs();
    const second = path.join(data.dir, 'second.graphql');
    await cli(registryUrl(), 'supergraph', '--out', second);
    expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
  }, 600_000);

  it('serves a search with live fields and a booking through a gateway that reads only the file', async () => {
    // not the subgraphs' own copy (supergraph.graphql in their data directory): one only `irhub supergraph --out` writes
    const file = path.join(data.dir, 'served.graphql');
    gateway = await startIrhubProcess(['gateway', '--supergraph', file], {
      // nothing of the subgraphs' but the shared secret
      IRHUB_SECRET: env.IRHUB_SECRET, IRHUB_DATA_DIR: gatewayData.dir, DATABASE_URL: '', IRHUB_DATABASE_SCHEMA: '', PORT: String(gatewayPort), IRHUB_LOG_LEVEL: 'warn',
    }, 'gateway listening');
    const notYet = await fetch(`${gatewayUrl()}/ready`);
    expect(notYet.status).toBe(503);
    expect((await gql(gatewayUrl(), null, '{ __typename }')).status).toBe(503);

    await cli(registryUrl(), 'supergraph', '--out', file);
    await until('the gateway serves the file', async () => (await fetch(`${gatewayUrl()}/ready`)).status === 200);

    const search = await gql<{ instruments: { totalCount: number; edges: Array<{ node: { id: string; name: string; live: { state: string } | null } }> } }>(gatewayUrl(), null,
      '{ instruments(filter: { text: "原子力显微镜" }) { totalCount edges { node { id name live { state } } } } }');
    expect(search.body.errors).toBeUndefined();
    const node = search.body.data!.instruments.edges.find((e) => e.node.id === 'lab:L-1')?.node;
    // live.state is resolved by the source's connector, not the catalog
    expect(node).toEqual({ id: 'lab:L-1', name: '原子力显微镜', live: { state: 'IDLE' } });

    // the administrator and a user, through the gateway: it asks the hub who a token belongs to
    await cli(gatewayUrl(), 'users', 'add', 'zhang', '--institution', 'sustech', '--institution-name', '南方科技大学');
    const token = (await cli(gatewayUrl(), 'token', 'zhang')).trim();
    const booking = await gql<{ requestBooking: { id: string; status: string; instrument: { id: string; name: string } } }>(gatewayUrl(), token,
      'mutation ($input: BookingRequestInput!) { requestBooking(input: $input) { id status instrument { id name } } }',
      { input: { instrumentId: 'lab:L-1', mode: 'ASSISTED', purpose: '样品形貌表征', ...slot(4, 10, 11) } });
    expect(booking.body.errors).toBeUndefined();
    expect(booking.body.data!.requestBooking).toMatchObject({ status: 'REQUESTED', instrument: { id: 'lab:L-1', name: '原子力显微镜' } });
    // the calendar feed on the gateway's port, relayed from the booking subgraph
    const feed = await fetch(`${gatewayUrl()}/calendar/instruments/${encodeURIComponent('lab:L-1')}.ics`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    expect(await feed.text()).toContain('Booked 已预约');
    const forged = await gql(gatewayUrl(), `${token}x`, '{ me { id } }');
    expect(forged.status).toBe(401);

    // the gateway kept nothing of its own: no database, no secrets written
    expect(readdirSync(gatewayData.dir)).toEqual([]);
  }, 600_000);

  it('follows the file: a source added later is served, live fields included, once the file is written again', async () => {
    const sheet = writeSheet(data.dir, 'clinic.csv', [
      ['C-1', '流式细胞仪', 'Flow Cytometer', 'CytoFLEX', 'Beckman', '医学诊断仪器', '150', '2021-01-01', '深圳市人民医院', '医院', '罗湖区', '对外开放', '闲置', '300'],
    ]);
    await cli(registryUrl(), 'sources', 'add', 'clinic', '--file', sheet);
    const file = path.join(data.dir, 'served.graphql');
    await cli(registryUrl(), 'supergraph', '--out', file);
    expect(routingUrls(readFileSync(file, 'utf8')).get('clinic')).toBe(`http://127.0.0.1:${base + HUB_PORTS + 1}/graphql`);
    const query = '{ instrument(id: "clinic:C-1") { name live { state } } }';
    await until('the gateway serves the new source', async () => (await gql<{ instrument: unknown }>(gatewayUrl(), null, query)).body.data?.instrument != null);
    const served = await gql<{ instrument: { name: string; live: { state: string } | null } }>(gatewayUrl(), null, query);
    // the new connector's secret was fetched before its supergraph was served
    expect(served.body.errors).toBeUndefined();
    expect(served.body.data!.instrument).toEqual({ name: '流式细胞仪', live: { state: 'IDLE' } });

    // a file it cannot serve leaves the last good supergraph serving
    writeFileSync(file, 'type Query { broken\n');
    await until('the gateway refuses the file', async () => gateway!.output().includes('was not served, the previous supergraph still is'));
    expect((await fetch(`${gatewayUrl()}/ready`)).status).toBe(200);
    expect((await gql(gatewayUrl(), null, query)).body).toEqual(served.body);
  }, 600_000);
});
