/**
 * A scheduled job runs once per schedule however many replicas share the database: each replica's
 * cron fires, and the one whose insert of (job, scheduled minute) lands runs it; the others find
 * the row and skip. The minute is the firing time rounded to the nearest one, so replicas whose
 * clocks differ by less than half a minute name the same run.
 */
import type { Knex } from 'knex';

/** claims older than this are of no further use and are deleted as new ones are made */
const KEEP_CLAIMS_MS = 86_400_000;

export async function claimScheduledRun(db: Knex, job: string, firedAt: Date): Promise<boolean> {
  const scheduledAt = new Date(Math.round(firedAt.getTime() / 60_000) * 60_000);
  const inserted = await db('scheduled_job_runs').insert({ job, scheduled_at: scheduledAt }).onConflict(['job', 'scheduled_at']).ignore().returning('job');
  if (inserted.length > 0) await db('scheduled_job_runs').where('job', job).andWhere('scheduled_at', '<', new Date(scheduledAt.getTime() - KEEP_CLAIMS_MS)).delete();
  return inserted.length > 0;
}

/** a cron callback that runs `run` only when this replica claims the run; a failure is logged, not thrown */
export function oncePerSchedule(db: Knex, job: string, run: () => Promise<unknown>, log: (line: string) => void): () => void {
  return () => {
    void claimScheduledRun(db, job, new Date())
      .then((claimed) => (claimed ? run() : undefined))
      .catch((error: unknown) => log(`${job} failed: ${String(error)}`));
  };
}
