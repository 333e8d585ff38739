/**
 * An administrator controls accounts after the fact: disabling a user refuses its tokens within
 * seconds (at once on this hub, within the account cache on another replica), enabling gives
 * them back, a role change takes effect on the next request, revoking kills every token issued
 * so far, and every token expires within the hub's maximum lifetime.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { ACCOUNT_CACHE_MS, USER_TOKEN_AUDIENCE, USER_TOKEN_ISSUER } from '../subgraphs/auth/user-tokens.ts';

const run = promisify(execFile);
const CLI = path.resolve('gateway/bin/irhub.js');
const ME = '{ me { id role disabled } }';

describe.each(DATABASE_TARGETS)('account control ($name)', (target) => {
  let hub: TestHub;
  const cli = (...args: string[]) => run('node', [CLI, ...args], { env: { ...process.env, IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken } })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
  const tokenFor = async (userId: string) => (await hub.gql<{ issueToken: { token: string } }>('mutation ($id: ID!) { issueToken(userId: $id) { token } }', { id: userId })).data!.issueToken.token;
  const me = (token: string) => hub.gql<{ me: { id: string; role: string; disabled: boolean } }>(ME, {}, token);
  const hubSecret = () => new TextEncoder().encode(readFileSync(path.join(hub.dataDir, 'user-token-secret'), 'utf8').trim());

  beforeAll(async () => {
    hub = await startTestHub(target);
    for (const id of ['wang.fang', 'li.na', 'zhao.lei', 'sun.li']) {
      const added = await hub.gql('mutation ($id: ID!) { addUser(input: { id: $id, institutionId: "company-x", institutionName: "某公司" }) { id } }', { id });
      expect(added.errors).toBeUndefined();
    }
  });
  afterAll(async () => hub?.close());

  it('disables a user at once and enables it again, from the command line', async () => {
    const token = await tokenFor('wang.fang');
    expect((await me(token)).data?.me).toEqual({ id: 'wang.fang', role: 'USER', disabled: false });
    const disabled = await cli('users', 'disable', 'wang.fang');
    expect(disabled.stdout).toContain('user wang.fang disabled');
    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0].message).toContain('user wang.fang is disabled');
    expect((await cli('users', 'list')).stdout).toMatch(/wang\.fang .*DISABLED/);
    const enabled = await cli('users', 'enable', 'wang.fang');
    expect(enabled.stdout).toContain('user wang.fang enabled');
    expect((await me(token)).data?.me.disabled).toBe(false);
    expect((await cli('users', 'disable', 'nobody')).stderr).toContain('no user nobody');
  });

  it('refuses a user disabled on another replica within seconds', async () => {
    const token = await tokenFor('sun.li');
    expect((await me(token)).data?.me.id).toBe('sun.li');
    // another replica changes the shared table; this one has the account cached
    await hub.database.db('users').where({ id: 'sun.li' }).update({ disabled_at: new Date() });
    const started = Date.now();
    let status = 200;
    while (status !== 401 && Date.now() - started < 10_000) {
      status = (await me(token)).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(ACCOUNT_CACHE_MS + 1500);
  });

  it('changes a role on the next request', async () => {
    const token = await tokenFor('li.na');
    const REVIEWS = '{ procurementReviews { id } }';
    expect((await hub.gql(REVIEWS, {}, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const changed = await cli('users', 'role', 'li.na', 'REVIEWER');
    expect(changed.stdout).toContain('user li.na is now REVIEWER');
    expect((await me(token)).data?.me.role).toBe('REVIEWER');
    expect((await hub.gql(REVIEWS, {}, token)).errors).toBeUndefined();
    expect((await cli('users', 'role', 'li.na', 'EMPEROR')).code).not.toBe(0);
  });

  it('revokes every token issued so far, and new ones work', async () => {
    const first = await tokenFor('zhao.lei');
    const second = await tokenFor('zhao.lei');
    const before = await me(first);
    expect(before.data?.me.id, JSON.stringify(before.errors)).toBe('zhao.lei');
    const revoked = await cli('users', 'revoke', 'zhao.lei');
    expect(revoked.stdout).toContain('every token issued until now is refused');
    for (const old of [first, second]) {
      const refused = await me(old);
      expect(refused.status).toBe(401);
      expect(refused.errors?.[0].message).toContain('bearer token was revoked');
    }
    const fresh = await me(await tokenFor('zhao.lei'));
    expect(fresh.data?.me.id, JSON.stringify(fresh.errors)).toBe('zhao.lei');
  });

  it('caps every token\'s lifetime and refuses one that never expires', async () => {
    const long = await hub.gql('mutation { issueToken(userId: "wang.fang", days: 366) { token } }');
    expect(long.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(long.errors?.[0].message).toContain('between 1 and 30');
    const forever = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('wang.fang').setIssuer(USER_TOKEN_ISSUER).setAudience(USER_TOKEN_AUDIENCE).setIssuedAt().sign(hubSecret());
    const noExp = await me(forever);
    expect(noExp.status).toBe(401);
    expect(noExp.errors?.[0].message).toContain('never expires');
    const year = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('wang.fang').setIssuer(USER_TOKEN_ISSUER).setAudience(USER_TOKEN_AUDIENCE).setIssuedAt().setExpirationTime('366d').sign(hubSecret());
    const tooLong = await me(year);
    expect(tooLong.status).toBe(401);
    expect(tooLong.errors?.[0].message).toContain('lives longer than 30 days');
  });

  it('lets only an administrator change accounts', async () => {
    const token = await tokenFor('wang.fang');
    const attempt = await hub.gql('mutation { setUserRole(id: "wang.fang", role: ADMIN) { role } }', {}, token);
    expect(attempt.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await me(token)).data?.me.role).toBe('USER');
  });
});
