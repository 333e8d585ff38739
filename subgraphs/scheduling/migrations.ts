/** The record of which scheduled job ran for which scheduled minute, whichever replica ran it. */
import type { NamedMigration } from '../storage/migrate.ts';

export const schedulingMigrations: NamedMigration[] = [
  {
    name: '2026-11-30-40-scheduled-job-runs',
    async up(db) {
      await db.schema.createTable('scheduled_job_runs', (t) => {
        t.text('job').notNullable();
        t.timestamp('scheduled_at', { useTz: true }).notNullable();
        t.timestamp('claimed_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
        t.primary(['job', 'scheduled_at']);
      });
    },
    async down(db) {
      await db.schema.dropTable('scheduled_job_runs');
    },
  },
];
