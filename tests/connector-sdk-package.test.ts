/**
 * The connector SDK as an institution gets it: `npm pack` of connectors/sdk installed into a clean
 * directory outside the checkout, the SDK README's walkthrough connector written there and run with
 * plain node, checked over HTTP by the package's `irhub-connector check` and by the hub's
 * `irhub connector check`, then registered with a running hub through the README's inline
 * `--config '{"url": …}'` and queried through the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DATABASE_TARGETS, startTestHub, tempDir, type TestHub } from './support/test-hub.ts';
import { newSourceSecret } from '../connectors/sdk/hub-credential.ts';

const run = promisify(execFile);
const SDK = path.resolve('connectors/sdk');
const CLI = path.resolve('gateway/bin/irhub.js');

/** the README's fenced block headed ```js connector.mjs */
function walkthroughConnector(): string {
  const readme = readFileSync(path.join(SDK, 'README.md'), 'utf8');
  const match = /```js connector\.mjs\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('connectors/sdk/README.md has no ```js connector.mjs block');
  return match[1];
}

const outcome = (promise: Promise<{ stdout: string; stderr: string }>) => promise.then(
  (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
  (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
);

describe('the connector SDK as a package', () => {
  const clean = tempDir('irhub-sdk-user-');
  let connector: ChildProcess;
  let connectorUrl: string;

  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', clean.dir], { cwd: SDK, maxBuffer: 16 * 1024 * 1024 });
    const tarball = path.join(clean.dir, stdout.trim().split('\n').pop()!);
    writeFileSync(path.join(clean.dir, 'package.json'), JSON.stringify({ name: 'owner-connector', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: clean.dir, maxBuffer: 16 * 1024 * 1024 });
    writeFileSync(path.join(clean.dir, 'connector.mjs'), walkthroughConnector());
    writeFileSync(path.join(clean.dir, 'owner.secret'), `${newSourceSecret()}\n`, { mode: 0o600 });

    connector = spawn(process.execPath, ['connector.mjs'], { cwd: clean.dir, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    connectorUrl = await new Promise<string>((resolve, reject) => {
      let said = '';
      connector.stdout!.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        const url = /listening on (http:\/\/\S+)/.exec(said)?.[1];
        if (url) resolve(url);
      });
      connector.stderr!.on('data', (chunk: Buffer) => { said += chunk.toString(); });
      connector.once('exit', (code) => reject(new Error(`the walkthrough connector exited with ${code}: ${said}`)));
    });
  }, 300_000);
  afterAll(() => {
    connector?.kill();
    clean.remove();
  });

  it('is installed from the tarball alone: JavaScript and type declarations, nothing of the checkout', () => {
    const installed = path.join(clean.dir, 'node_modules/@irhub/connector-sdk');
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { exports: { '.': { types: string; default: string } } };
    expect(readFileSync(path.join(installed, manifest.exports['.'].types), 'utf8')).toContain('serveConnector');
    expect(readFileSync(path.join(installed, manifest.exports['.'].default), 'utf8')).not.toContain('.ts\'');
    expect(connectorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('irhub-connector check (the package\'s command) passes the walkthrough connector', async () => {
    const result = await outcome(run('npx', ['irhub-connector', 'check', connectorUrl, '--credential-file', 'owner.secret'], { cwd: clean.dir }));
    expect(result.stdout).toContain('✓ harvest lists every instrument, page by page — 3 instruments and 0 rejected records in 1 page of ≤ 100');
    expect(result.stdout).toMatch(/✓ booking write-back: place, then cancel — placed LAB-001 .* as R-conformance-/);
    expect(result.stdout).toContain('✓ serves the subgraph of its instrument type — type DemoLabInstrument @key(fields: "id")');
    expect(result.stdout).toContain(`connector at ${connectorUrl}: conforms (9 checks)`);
    expect(result.code).toBe(0);
  });

  it('irhub connector check pages with a small limit and fails with the wrong secret, naming why', async () => {
    const paged = await outcome(run('node', [CLI, 'connector', 'check', connectorUrl, '--credential-file', path.join(clean.dir, 'owner.secret'), '--page-size', '2', '--read-only']));
    expect(paged.stdout).toContain('3 instruments and 0 rejected records in 2 pages of ≤ 2');
    expect(paged.stdout).toContain('booking write-back — not tried (read-only check)');
    expect(paged.code).toBe(0);

    writeFileSync(path.join(clean.dir, 'wrong.secret'), newSourceSecret());
    const wrong = await outcome(run('node', [CLI, 'connector', 'check', connectorUrl, '--credential-file', path.join(clean.dir, 'wrong.secret')]));
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/✗ harvest lists every instrument, page by page — page 1: HTTP 401: source demo-lab: /);
  });

  describe.each(DATABASE_TARGETS)('registered with a hub ($name)', (target) => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub(target);
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('the README\'s inline --config registers it, and the gateway serves its instruments with live state', async () => {
      const config = JSON.stringify({ url: connectorUrl });
      const added = await outcome(run('node', [CLI, 'sources', 'add', 'demo-lab', '--kind', 'remote', '--config', config, '--credential-file', path.join(clean.dir, 'owner.secret')],
        { env: { ...process.env, IRHUB_URL: hub.url, IRHUB_TOKEN: hub.adminToken } }));
      expect(added.stderr).toBe('');
      expect(added.stdout).toContain('source demo-lab registered');
      const answer = await hub.gql<{ instrument: { __typename: string; name: string; institution: { type: string }; sharing: string; live: { state: string } } }>(
        '{ instrument(id: "demo-lab:LAB-001") { __typename name institution { type } sharing live { state } } }');
      expect(answer.data?.instrument).toEqual({ __typename: 'DemoLabInstrument', name: '场发射扫描电镜', institution: { type: 'UNIVERSITY' }, sharing: 'OPEN', live: { state: 'IDLE' } });
    });
  });
});
