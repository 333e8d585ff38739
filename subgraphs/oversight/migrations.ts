import type { NamedMigration } from '../storage/migrate.ts';

/**
 * 监管 (oversight): fake-busy flags and their resolution, maintenance periods (hours an
 * instrument was not available), the declared statuses the nightly job has seen, the
 * watermarks of usage pulled from connectors, and the completed bookings already counted as use.
 */
export const oversightMigrations: NamedMigration[] = [
  {
    name: '2026-11-25-12-oversight',
    async up(db) {
      await db.schema.createTable('fake_busy_flags', (t) => {
        t.bigIncrements('id');
        t.text('instrument_id').notNullable();
        t.text('institution_id').notNullable();
        t.text('kind').notNullable();
        t.timestamp('window_from', { useTz: true }).notNullable();
        t.timestamp('window_to', { useTz: true }).notNullable();
        t.jsonb('evidence').notNullable();
        t.double('open_hours').notNullable();
        t.double('used_hours').notNullable();
        t.double('blocked_hours').notNullable();
        t.text('declared_status').notNullable();
        t.timestamp('detected_at', { useTz: true }).notNullable();
        t.timestamp('last_seen_at', { useTz: true }).notNullable();
        // still detected by the latest run; a condition that ends clears an unresolved flag
        t.boolean('active').notNullable().defaultTo(true);
        // OPEN → CONFIRMED | EXPLAINED (by the centre), or CLEARED when the condition ended first
        t.text('status').notNullable().defaultTo('OPEN');
        t.text('owner_explanation');
        t.text('explained_by');
        t.timestamp('explained_at', { useTz: true });
        t.text('resolution_note');
        t.text('resolved_by');
        t.timestamp('resolved_at', { useTz: true });
        t.index(['status', 'detected_at']);
        t.index(['institution_id']);
        t.index(['instrument_id']);
      });
      await db.raw(`alter table fake_busy_flags add constraint fake_busy_flags_status check (status in ('OPEN', 'CONFIRMED', 'EXPLAINED', 'CLEARED'))`);
      await db.raw('create unique index fake_busy_flags_one_active on fake_busy_flags (instrument_id, kind) where active');
      await db.schema.createTable('fake_busy_runs', (t) => {
        t.bigIncrements('id');
        t.timestamp('started_at', { useTz: true }).notNullable();
        t.timestamp('finished_at', { useTz: true });
        t.integer('quiet_days').notNullable();
        t.integer('instruments').notNullable().defaultTo(0);
        t.integer('raised').notNullable().defaultTo(0);
        t.integer('still_active').notNullable().defaultTo(0);
        t.integer('cleared').notNullable().defaultTo(0);
        t.integer('bookings_imported').notNullable().defaultTo(0);
        t.jsonb('usage_pulls').notNullable().defaultTo('[]');
        t.jsonb('calendar_problems').notNullable().defaultTo('[]');
        t.text('error');
      });
      await db.schema.createTable('maintenance_periods', (t) => {
        t.bigIncrements('id');
        t.text('instrument_id').notNullable();
        t.timestamp('starts_at', { useTz: true }).notNullable();
        // null: still under maintenance
        t.timestamp('ends_at', { useTz: true });
        // REPORTED by the owner, or DECLARED: the owner's status was 维修 when the nightly job looked
        t.text('origin').notNullable();
        t.text('note').notNullable().defaultTo('');
        t.text('reported_by').notNullable();
        t.timestamp('reported_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
        t.index(['instrument_id', 'starts_at']);
      });
      await db.raw('alter table maintenance_periods add constraint maintenance_periods_ordered check (ends_at is null or ends_at > starts_at)');
      await db.schema.createTable('declared_status_seen', (t) => {
        t.text('instrument_id').primary();
        t.text('status').notNullable();
        // when the nightly job first saw this status; null when it was already so at the first look
        t.timestamp('since', { useTz: true });
        t.timestamp('checked_at', { useTz: true }).notNullable();
      });
      await db.schema.createTable('usage_pulls', (t) => {
        t.text('source_id').primary();
        t.timestamp('pulled_until', { useTz: true }).notNullable();
      });
    },
    async down(db) {
      for (const table of ['usage_pulls', 'declared_status_seen', 'maintenance_periods', 'fake_busy_runs', 'fake_busy_flags']) {
        await db.schema.dropTable(table);
      }
    },
  },
];
