/**
 * Scheduled jobs across replicas: a run is claimed once per scheduled minute however many
 * processes fire for it (clocks a few seconds apart), and a harvest run left RUNNING by a
 * process that died is marked FAILED when a hub starts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHubDatabase, type HubDatabase } from '../subgraphs/storage/database.ts';
import { claimScheduledRun } from '../subgraphs/scheduling/once-per-schedule.ts';
import { DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';

describe.each(DATABASE_TARGETS)('scheduled jobs once ($name)', (target) => {
  const schema = target.databaseUrl ? `irhub_test_${randomBytes(5).toString('hex')}` : undefined;
  const replicas: HubDatabase[] = [];
  beforeAll(async () => {
    // two connection pools on one database, as two replicas have; PGlite is one process's, so one
    replicas.push(await openHubDatabase({ databaseUrl: target.databaseUrl, dataDir: 'memory', schema }));
    replicas.push(target.databaseUrl ? await openHubDatabase({ databaseUrl: target.databaseUrl, schema }) : replicas[0]);
  }, 60_000);
  afterAll(async () => {
    if (replicas[1] !== replicas[0]) await replicas[1]?.db.destroy();
    await replicas[0]?.close();
  });

  it('claims each scheduled minute once across replicas whose clocks differ by seconds', async () => {
    const minute = Date.parse('2026-11-30T02:30:00Z');
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      claimScheduledRun(replicas[i % 2].db, 'flag-fake-busy', new Date(minute + (i % 5) * 3000 - 6000))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    // the next minute and another job are runs of their own
    expect(await claimScheduledRun(replicas[1].db, 'flag-fake-busy', new Date(minute + 60_000))).toBe(true);
    expect(await claimScheduledRun(replicas[0].db, 'expire-booking-holds', new Date(minute))).toBe(true);
  });
});

describe.each(DATABASE_TARGETS)('abandoned harvest runs ($name)', (target) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target);
  }, 60_000);
  afterAll(async () => hub?.close());

  it('marks a run left RUNNING hours ago FAILED when the registry starts, and leaves a recent one alone', async () => {
    const { db } = hub.database;
    const [old] = await db('harvest_runs').insert({ source_id: 'gone', mode: 'FULL', status: 'RUNNING', started_at: new Date(Date.now() - 3 * 3_600_000) }).returning('id');
    const [recent] = await db('harvest_runs').insert({ source_id: 'busy', mode: 'FULL', status: 'RUNNING', started_at: new Date(Date.now() - 60_000) }).returning('id');
    await hub.registry.start();
    const runs = await db('harvest_runs').whereIn('id', [old.id, recent.id]).orderBy('id').select('status', 'error', 'finished_at');
    expect(runs[0]).toMatchObject({ status: 'FAILED' });
    expect(runs[0].error).toMatch(/^abandoned: /);
    expect(runs[0].finished_at).not.toBeNull();
    expect(runs[1]).toMatchObject({ status: 'RUNNING', error: null });
  });
});
