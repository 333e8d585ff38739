/**
 * A large harvest leaves the hub answering. On the embedded database, whose one connection a
 * transaction holds from every other query, the instruments are written a step at a time with a
 * pause between steps (one transaction kept a query waiting 12 s at 40,000 rows): questions asked
 * meanwhile are answered and see the index grow. On a server, one transaction does not keep
 * readers waiting, and they see the old index until it commits. Either way it is whole at the end.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';

const ROWS = 10_000;
const KINDS = [['X射线衍射仪', 'D8 ADVANCE', 'Bruker'], ['场发射扫描电镜', 'Sigma 300', 'Zeiss'], ['透射电镜', 'JEM-2100F', 'JEOL'], ['核磁共振波谱仪', 'AVANCE NEO 400', 'Bruker']];

/** a client in a process of its own (its clock is not the hub's event loop): asks how many instruments there are every 100 ms, prints status, milliseconds and the count */
const SAMPLER = `
const [url, token] = process.argv.slice(1);
(async () => {
  for (;;) {
    const started = Date.now();
    let status = 0;
    let count = -1;
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: '{"query":"{ instruments(first: 1) { totalCount } }"}' });
      status = response.status;
      count = (await response.json()).data.instruments.totalCount;
    } catch {}
    console.log(status + ' ' + (Date.now() - started) + ' ' + count);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
})();`;

describe.each(DATABASE_TARGETS)('harvest while serving ($name)', (target) => {
  let hub: TestHub;
  beforeAll(async () => { hub = await startTestHub(target); });
  afterAll(async () => hub?.close());

  it('answers questions while a large harvest writes its index', { timeout: 180_000 }, async () => {
    const rows = Array.from({ length: ROWS }, (_, n) => {
      const [name, model, maker] = KINDS[n % KINDS.length];
      return [`L-${n}`, name, '', model, maker, '分析仪器', String(100 + (n % 500)), '2019-01-01', `机构${n % 40}`, '高等院校', '南山区', '对外开放', '闲置', '300'];
    });
    const file = writeSheet(hub.dataDir, 'large.csv', rows);
    const sampler = spawn(process.execPath, ['-e', SAMPLER, hub.graphqlUrl, hub.adminToken], { stdio: ['ignore', 'pipe', 'inherit'] });
    let sampled = '';
    sampler.stdout.on('data', (chunk: Buffer) => { sampled += chunk.toString(); });
    try {
      expect((await hub.gql(ADD_SOURCE, addSourceInput('large', 'SPREADSHEET', { file }, false))).errors).toBeUndefined();
      // the hub's own scheduler's way in: a harvest this large outlasts the gateway's 30 s for one request
      expect(await hub.registry.harvest('large', { full: true })).toMatchObject({ status: 'SUCCEEDED', imported: ROWS });
    } finally {
      // a question the harvest held up is answered once it ends: give it time to be counted
      await new Promise((resolve) => setTimeout(resolve, 2000));
      sampler.kill();
      await new Promise((resolve) => sampler.once('close', resolve));
    }
    const samples = sampled.trim().split('\n').map((line) => line.split(' ').map(Number));
    expect(samples.every(([status]) => status === 200), sampled).toBe(true);
    const counts = new Set(samples.map(([, , count]) => count));
    if (target.name === 'pglite') {
      // answered while the instruments were being written, a step at a time
      expect([...counts].filter((c) => c > 0 && c < ROWS).length, `counts seen: ${[...counts].join(', ')}`).toBeGreaterThanOrEqual(3);
    } else {
      expect([...counts].sort((a, b) => a - b), 'a reader sees the old index or the whole new one').toEqual([0, ROWS]);
      expect(Math.max(...samples.map(([, ms]) => ms)), sampled).toBeLessThan(3000);
    }
    const count = await hub.gql<{ instruments: { totalCount: number } }>('{ instruments(first: 1) { totalCount } }', {}, null);
    expect(count.data?.instruments.totalCount).toBe(ROWS);
  });
});
