/**
 * What an outsider can learn from the hub's answers, and what the hub reads of a request: no stack
 * trace, SQL or file path in any response (a subgraph's unexpected error, an owner's system failing),
 * control characters refused as bad input, introspection and field suggestions for staff only, bodies
 * over the limit answered 413 everywhere, and bodies read only as the type they declare.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { serveConnector, type ServedConnector } from '../connectors/sdk/serve-connector.ts';
import { createSpreadsheetAdapter } from '../connectors/spreadsheet/spreadsheet-connector.ts';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, REMOTE_CREDENTIAL, startTestHub, type TestHub } from './support/test-hub.ts';

/** what must never reach a caller: SQL, stack frames, paths of this machine */
const LEAKS = /select |insert into|stacktrace|node_modules|\/work\/|\.ts:\d+|    at /i;

async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

describe.each(DATABASE_TARGETS)('response hygiene ($name)', (target) => {
  let hub: TestHub;
  let failing: ServedConnector;
  let catalogUrl: string;
  let connectorClosed = false;

  beforeAll(async () => {
    hub = await startTestHub(target);
    const file = path.join(hub.dataDir, 'owner.csv');
    writeFileSync(file, '仪器编号,仪器名称,规格型号,生产厂商,分类,所属单位,单位类型,所在区,共享方式,运行状态\nO-1,X射线衍射仪,D8 ADVANCE,Bruker,分析仪器,深圳大学,高等院校,南山区,对外开放,闲置\n');
    const sheet = createSpreadsheetAdapter('owner', { file });
    // an institution's own connector whose system fails with an error that quotes its SQL
    failing = await serveConnector({
      sourceId: 'owner',
      credential: REMOTE_CREDENTIAL,
      adapter: { ...sheet, liveStatus: async () => { throw new Error('relation "设备状态" does not exist: select 状态 from 设备状态 where 编号 = any($1) at /srv/owner/status.ts:12'); } },
    });
    const added = await hub.gql(ADD_SOURCE, addSourceInput('owner', 'REMOTE', { url: failing.url }));
    expect(added.errors).toBeUndefined();
    catalogUrl = /@join__graph\(name: "catalog", url: "([^"]+)"\)/.exec(hub.composition.state.sdl!)![1];
  });
  afterAll(async () => {
    await hub?.close();
    if (!connectorClosed) await failing?.close();
  });

  it('refuses NUL and other control characters as bad input naming the argument, before any subgraph', async () => {
    const variable = await post(hub.graphqlUrl, JSON.stringify({ query: 'query ($id: ID!) { instrument(id: $id) { id } }', variables: { id: 'owner:O-1\u0000' } }));
    expect(variable.status).toBe(400);
    expect(JSON.parse(variable.text).errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: '$id' } });
    const literal = await post(hub.graphqlUrl, JSON.stringify({ query: '{ instruments(filter: { text: "电镜\\u0007" }) { totalCount } }' }));
    expect(literal.status).toBe(400);
    expect(JSON.parse(literal.text).errors[0]).toMatchObject({ message: expect.stringContaining('U+0007'), extensions: { code: 'BAD_USER_INPUT', argument: 'instruments(filter).text' } });
    // line breaks and tabs are text
    expect((await hub.gql('{ instruments(filter: { text: "电镜\\n\\t" }) { totalCount } }', {}, null)).errors).toBeUndefined();
  });

  it('masks a subgraph\'s unexpected error to a code and an id, with nothing of the inside', async () => {
    // straight to the catalog, past the gateway's check: PostgreSQL refuses the NUL and quotes its statement
    const direct = await post(catalogUrl, JSON.stringify({ query: 'query ($id: ID!) { instrument(id: $id) { id } }', variables: { id: 'a\u0000b' } }));
    const error = JSON.parse(direct.text).errors[0];
    expect(error.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
    expect(error.message).toBe(`internal error (logged as ${error.extensions.errorId})`);
    expect(direct.text).not.toMatch(LEAKS);
  });

  it('names the failing source but not its system\'s error', async () => {
    const answer = await post(hub.graphqlUrl, JSON.stringify({ query: '{ instrument(id: "owner:O-1") { name live { state } } }' }));
    const body = JSON.parse(answer.text);
    expect(body.data.instrument.name).toBe('X射线衍射仪');
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'SOURCE_UNAVAILABLE', sourceId: 'owner' } });
    expect(body.errors[0].message).toMatch(/^source owner: the owner's system did not answer/);
    expect(answer.text).not.toMatch(LEAKS);
    expect(answer.text).not.toContain('设备状态');
  });

  it('opens introspection and field suggestions to staff only', async () => {
    const introspect = JSON.stringify({ query: '{ __schema { queryType { name } } }' });
    const anonymous = await post(hub.graphqlUrl, introspect);
    expect(anonymous.status).toBe(403);
    expect(JSON.parse(anonymous.text).errors[0].extensions.code).toBe('INTROSPECTION_NOT_ALLOWED');
    expect((await hub.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await hub.gql('{ __typename }', {}, null)).data).toEqual({ __typename: 'Query' });

    const misspelt = '{ instrumnts { totalCount } }';
    const hidden = (await hub.gql(misspelt, {}, null)).errors![0].message;
    expect(hidden).not.toMatch(/Did you mean/);
    expect(hidden).toContain('[Suggestion hidden]');
    expect((await hub.gql(misspelt)).errors![0].message).toMatch(/Did you mean "instruments"/);
  });

  it('answers a body over the limit with 413 at the gateway, a hub subgraph and a connector', async () => {
    const huge = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(3 * 1024 * 1024) } });
    for (const url of [hub.graphqlUrl, catalogUrl, `${failing.url}/graphql`]) {
      const started = performance.now();
      expect((await post(url, huge)).status, url).toBe(413);
      expect(performance.now() - started, url).toBeLessThan(1000);
    }
  });

  it('reads a POST body only as JSON: a text/plain one is never executed', async () => {
    const mutation = JSON.stringify({ query: 'mutation { reportUsage(sessions: []) { accepted } }' });
    for (const url of [hub.graphqlUrl, catalogUrl]) {
      // a cross-site form can send this without the browser asking first
      const simple = await post(url, mutation, { 'content-type': 'text/plain' });
      expect(simple.status, url).toBe(400);
      expect(simple.text, url).toMatch(/Cross-Site Request Forgery/);
      // even with a preflight header the text is not read as JSON
      const declared = await post(url, mutation, { 'content-type': 'text/plain', 'apollo-require-preflight': 'yes' });
      expect(declared.status, url).toBe(400);
      expect(declared.text, url).toMatch(/invalid Content-Type/);
      expect(JSON.parse(declared.text).data, url).toBeUndefined();
    }
    // a connector answers nobody but its hub
    const connector = await post(`${failing.url}/graphql`, JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain', 'apollo-require-preflight': 'yes' });
    expect([400, 401]).toContain(connector.status);
    expect(JSON.parse(connector.text).data).toBeUndefined();
  });

  it('names a connector that cannot be reached, but not its address', async () => {
    const address = new URL(failing.url).host;
    await failing.close();
    connectorClosed = true;
    const answer = await post(hub.graphqlUrl, JSON.stringify({ query: '{ instrument(id: "owner:O-1") { name live { state } } }' }));
    const body = JSON.parse(answer.text);
    expect(body.data.instrument.name).toBe('X射线衍射仪');
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/^source owner: unreachable/), extensions: { code: 'SOURCE_UNAVAILABLE', sourceId: 'owner' } });
    expect(answer.text).not.toContain(address);
    expect(answer.text).not.toMatch(/ECONNREFUSED/);
  });
});
