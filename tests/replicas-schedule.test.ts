/**
 * Two `irhub start` processes on one server database run the fake-busy job on a schedule of
 * every minute: over three minutes it ran once a minute in total, not once per replica and not
 * never, and its flag stayed raised from one run to the next instead of being cleared by a run of
 * the other replica and raised again. Server PostgreSQL only: PGlite belongs to one process.
 * Minutes long, so it mostly waits: its project starts it first, beside the others (vitest.config.ts).
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { REMOTE_CREDENTIAL, tempDir } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { startHubProcess, type HubProcess } from './support/hub-process.ts';
import { serveConnector, type ServedConnector } from '../connectors/sdk/serve-connector.ts';
import { createSpreadsheetAdapter } from '../connectors/spreadsheet/spreadsheet-connector.ts';

const databaseUrl = process.env.DATABASE_URL;
const MINUTE = 60_000;
const ROWS = [
  // declared in use, and no use recorded: a DECLARED_BUSY_UNUSED flag on every run
  ['S-1', '场发射扫描电镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '在用', '400'],
  ['S-2', '原子力显微镜', '', 'Dimension Icon', 'Bruker', '分析仪器', '200', '2020-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '500'],
];

interface RunRow { id: string; started_at: Date; finished_at: Date | null; instruments: number; raised: number; still_active: number; cleared: number; error: string | null }
interface FlagRow { kind: string; status: string; active: boolean; detected_at: Date; last_seen_at: Date }

describe.skipIf(!databaseUrl)('a scheduled job across replicas', () => {
  const schema = `irhub_schedule_${randomBytes(5).toString('hex')}`;
  const dirs = [tempDir(), tempDir(), tempDir()];
  const replicas: HubProcess[] = [];
  let owner: ServedConnector;
  let db: Knex;

  beforeAll(async () => {
    const env = {
      DATABASE_URL: databaseUrl!, IRHUB_DATABASE_SCHEMA: schema, IRHUB_SECRET: randomBytes(32).toString('base64'), IRHUB_LOG_LEVEL: 'warn',
      IRHUB_FAKE_BUSY_SCHEDULE: '* * * * *',
    };
    replicas.push(...await Promise.all(dirs.slice(0, 2).map((d) => startHubProcess({ ...env, IRHUB_DATA_DIR: d.dir }))));
    db = knex({ client: 'pg', connection: databaseUrl, searchPath: [schema] });
    const file = writeSheet(dirs[2].dir, 'owner.csv', ROWS);
    owner = await serveConnector({ sourceId: 'scheduled', credential: REMOTE_CREDENTIAL, adapter: createSpreadsheetAdapter('scheduled', { file }) });
    const response = await fetch(`${replicas[0].url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${readFileSync(path.join(dirs[0].dir, 'admin-token'), 'utf8').trim()}` },
      body: JSON.stringify({
        query: 'mutation ($input: AddSourceInput!) { addSource(input: $input) { harvest { imported } } }',
        variables: { input: { id: 'scheduled', kind: 'REMOTE', config: JSON.stringify({ url: owner.url }), credential: REMOTE_CREDENTIAL, harvest: true } },
      }),
    });
    const added = await response.json() as { data?: { addSource: { harvest: { imported: number } } }; errors?: unknown };
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    expect(added.data!.addSource.harvest.imported).toBe(2);
  }, 180_000);

  afterAll(async () => {
    for (const replica of replicas) replica.kill();
    await owner?.close();
    await db?.raw('drop schema if exists ?? cascade', [schema]);
    await db?.destroy();
    for (const d of dirs) d.remove();
  });

  it('runs once a minute in total over three minutes, and keeps its flag raised', async () => {
    const first = Math.ceil((Date.now() + 1000) / MINUTE) * MINUTE;
    const minutes = [first, first + MINUTE, first + 2 * MINUTE];
    const runsFrom = (since: number) => db('fake_busy_runs').where('started_at', '>=', new Date(since)).orderBy('id').select<RunRow[]>('*');
    // the third minute's run has finished (a run takes a second or two; a run of a second replica would start by then too)
    await new Promise((resolve) => setTimeout(resolve, minutes[2] + 5000 - Date.now()));
    const deadline = Date.now() + 60_000;
    while ((await runsFrom(minutes[2] - 30_000)).some((r) => r.finished_at === null) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
    await new Promise((resolve) => setTimeout(resolve, 10_000));

    const claims = await db('scheduled_job_runs').where('job', 'flag-fake-busy').where('scheduled_at', '>=', new Date(minutes[0] - 30_000))
      .orderBy('scheduled_at').select<Array<{ scheduled_at: Date }>>('scheduled_at');
    expect(claims.map((c) => new Date(c.scheduled_at).getTime())).toEqual(minutes);

    const runs = await runsFrom(minutes[0] - 30_000);
    expect(runs.map((r) => Math.round(new Date(r.started_at).getTime() / MINUTE) * MINUTE)).toEqual(minutes);
    for (const run of runs) {
      expect(run).toMatchObject({ error: null, instruments: 2, cleared: 0 });
      expect(run.finished_at).not.toBeNull();
      expect(run.raised + run.still_active).toBe(1);
    }
    // every run the replicas made, before these minutes too, was logged by exactly one of them
    const logged = replicas.flatMap((r) => r.output().match(/^flag-fake-busy: \d+ instruments/gm) ?? []);
    const [{ count }] = await db('fake_busy_runs').count<Array<{ count: string }>>({ count: '*' });
    expect(logged).toHaveLength(Number(count));

    // one flag, raised once and seen by every run since: never cleared and raised again
    const flags = await db('fake_busy_flags').where('instrument_id', 'scheduled:S-1').select<FlagRow[]>('kind', 'status', 'active', 'detected_at', 'last_seen_at');
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ kind: 'DECLARED_BUSY_UNUSED', status: 'OPEN', active: true });
    expect(new Date(flags[0].detected_at).getTime()).toBeLessThanOrEqual(new Date(runs[0].started_at).getTime());
    expect(new Date(flags[0].last_seen_at).getTime()).toBe(new Date(runs[2].started_at).getTime());
    expect(await db('fake_busy_flags').where('instrument_id', 'scheduled:S-2').select('id')).toEqual([]);
  }, 240_000);
});
