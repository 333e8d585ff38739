/**
 * Accounts through the gateway: users added by the administrator, tokens issued by the hub or
 * by an identity provider (JWKS), verified at the gateway; forged, expired or unknown-user
 * tokens refused; roles enforced by the subgraphs, which verify the caller's token themselves.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, startTestHub, tempDir, type TestHub } from './support/test-hub.ts';
import { startHub } from '../gateway/hub.ts';
import { USER_TOKEN_AUDIENCE, USER_TOKEN_ISSUER } from '../subgraphs/auth/user-tokens.ts';

const run = promisify(execFile);
const CLI = path.resolve('gateway/bin/irhub.js');
const ME = '{ me { id role institutionId institutionName } }';
const DECIDE = `mutation { decideProcurementCheck(input: { checkId: "pc_x", decision: APPROVE, reason: "ok" }) { id } }`;

describe.each(DATABASE_TARGETS)('accounts ($name)', (target) => {
  let hub: TestHub;
  const cli = (...args: string[]) => run('node', [CLI, ...args], { env: { ...process.env, IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken } })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

  beforeAll(async () => { hub = await startTestHub(target); });
  afterAll(async () => hub?.close());

  it('adds users and issues tokens from the command line; the gateway knows who calls', async () => {
    const added = await cli('users', 'add', 'li.lei', '--institution', 'company-acme', '--institution-name', '深圳艾克米科技有限公司');
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('user li.lei added: USER of 深圳艾克米科技有限公司');
    const token = (await cli('token', 'li.lei')).stdout.trim();
    const me = await hub.gql<{ me: { id: string; role: string; institutionId: string } }>(ME, {}, token);
    expect(me.data?.me).toEqual({ id: 'li.lei', role: 'USER', institutionId: 'company-acme', institutionName: '深圳艾克米科技有限公司' });
    const again = await cli('users', 'add', 'li.lei', '--institution', 'company-acme', '--institution-name', 'x');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('user li.lei already exists');
    const unknownInstitution = await cli('users', 'add', 'han.mei', '--institution', 'inst-nope');
    expect(unknownInstitution.stderr).toContain('no institution inst-nope in the catalog');
    const noUser = await cli('token', 'nobody');
    expect(noUser.stderr).toContain('no user nobody');
  });

  it('lets a role do only what it may', async () => {
    await cli('users', 'add', 'reviewer.1', '--institution', 'gov', '--institution-name', '市科技创新局', '--role', 'REVIEWER');
    await cli('users', 'add', 'user.1', '--institution', 'company-acme', '--institution-name', '深圳艾克米科技有限公司');
    const user = (await cli('token', 'user.1')).stdout.trim();
    const reviewer = (await cli('token', 'reviewer.1')).stdout.trim();
    const asUser = await hub.gql(DECIDE, {}, user);
    expect(asUser.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(asUser.errors?.[0].message).toContain('user.1 is USER');
    const asReviewer = await hub.gql(DECIDE, {}, reviewer);
    expect(asReviewer.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const listUsers = await hub.gql('{ users { id } }', {}, reviewer);
    expect(listUsers.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses forged, expired and unknown-user tokens with a clear error', async () => {
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('user.1').setIssuer(USER_TOKEN_ISSUER).setAudience(USER_TOKEN_AUDIENCE)
      .setExpirationTime('1h').sign(new TextEncoder().encode('not the hub secret'));
    const response = await hub.gql(ME, {}, forged);
    expect(response.status).toBe(401);
    expect(response.errors?.[0].message).toContain('not valid');
    const secret = new TextEncoder().encode(readFileSync(path.join(hub.dataDir, 'user-token-secret'), 'utf8').trim());
    const stale = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('user.1').setIssuer(USER_TOKEN_ISSUER).setAudience(USER_TOKEN_AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(secret);
    const expired = await hub.gql(ME, {}, stale);
    expect(expired.status).toBe(401);
    expect(expired.errors?.[0].message).toMatch(/bearer token expired at .*; ask for a new one/);
    const ghost = await hub.userTokens.issue('ghost', 1);
    const unknown = await hub.gql(ME, {}, ghost.token);
    expect(unknown.errors?.[0].message).toContain('user ghost is not registered');
  });

  it('has each hub subgraph verify the caller itself: a forged token or the old claims header gets nothing', async () => {
    const accountsUrl = /@join__graph\(name: "accounts", url: "([^"]+)"\)/.exec(hub.composition.state.sdl ?? '')?.[1];
    expect(accountsUrl).toBeTruthy();
    const direct = (headers: Record<string, string>, query: string) => fetch(accountsUrl!, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) })
      .then(async (r) => ({ status: r.status, body: await r.json() as { data?: { users?: unknown[] }; errors?: Array<{ message: string; extensions?: { code?: string } }> } }));
    // what a router forwarding the caller's Authorization header would send
    const asAdmin = await direct({ authorization: `Bearer ${hub.adminToken}` }, '{ users { id } }');
    expect(asAdmin.body.data?.users?.length).toBeGreaterThan(0);
    const user = (await cli('token', 'user.1')).stdout.trim();
    expect((await direct({ authorization: `Bearer ${user}` }, '{ users { id } }')).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setIssuer(USER_TOKEN_ISSUER).setAudience(USER_TOKEN_AUDIENCE).setExpirationTime('1h').sign(new TextEncoder().encode('guess'));
    const refused = await direct({ authorization: `Bearer ${forged}` }, '{ users { id } }');
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // the header the gateway used to forward (and connectors used to see) now counts for nothing
    const oldHeader = await direct({ 'x-irhub-claims': 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiQURNSU4ifQ.x' }, '{ users { id } }');
    expect(oldHeader.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(oldHeader.body.errors?.[0].message).toContain('needs a bearer token');
  });
});

describe('accounts with an identity provider (JWKS)', () => {
  it('verifies tokens signed by the provider and refuses the hub to issue them', async () => {
    const temp = tempDir();
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    const jwksFile = path.join(temp.dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
    const hub = await startHub({ port: 0, host: '127.0.0.1', dataDir: path.join(temp.dir, 'hub'), demo: false, schedule: false, jwksFile, log: () => {} });
    try {
      const gql = async (query: string, token: string) => (await fetch(hub.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) })).json() as Promise<{ data?: { me?: { id: string } }; errors?: Array<{ message: string }> }>;
      await gql('mutation { addUser(input: { id: "sso.user", institutionId: "company-sso", institutionName: "单点登录公司" }) { id } }', hub.adminToken);
      const idpToken = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setSubject('sso.user').setIssuer(USER_TOKEN_ISSUER).setAudience(USER_TOKEN_AUDIENCE).setExpirationTime('10m').sign(privateKey);
      expect((await gql(ME, idpToken)).data?.me?.id).toBe('sso.user');
      const expired = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setSubject('sso.user').setIssuer(USER_TOKEN_ISSUER).setAudience(USER_TOKEN_AUDIENCE).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(privateKey);
      expect((await gql(ME, expired)).errors?.[0].message).toMatch(/bearer token expired at/);
      const issued = await gql('mutation { issueToken(userId: "sso.user") { token } }', hub.adminToken);
      expect(issued.errors?.[0].message).toContain('identity provider');
    } finally {
      await hub.close();
      temp.remove();
    }
  });
});
