/**
 * One run of a booking job across replicas: the run holds a PostgreSQL advisory lock named after
 * the job for its transaction (pg_try_advisory_xact_lock), so a replica whose cron fires while
 * another runs the job skips instead of doing the work twice. PGlite is one process; the lock
 * costs nothing there.
 */
import type { Knex } from 'knex';
import type { OwnerSystems } from '../../registry/owner-systems.ts';

export interface BookingJobContext {
  db: Knex;
  owners: OwnerSystems;
  now: Date;
  log: (line: string) => void;
}

export type JobOutcome = { ran: true; summary: string } | { ran: false; summary: string };

export async function runOnce(db: Knex, name: string, work: (trx: Knex.Transaction) => Promise<string>): Promise<JobOutcome> {
  return db.transaction(async (trx) => {
    const [{ locked }] = (await trx.raw(`select pg_try_advisory_xact_lock(hashtext(?)) as locked`, [`irhub-job:${name}`])).rows as Array<{ locked: boolean }>;
    if (!locked) return { ran: false, summary: `${name}: another replica is running it; skipped` };
    return { ran: true, summary: await work(trx) };
  });
}
