import type { NamedMigration } from '../storage/migrate.ts';

/**
 * 使用记录: sessions in which an instrument was really used, whatever reported them (a meter,
 * an interlock, a logbook, a completed booking). Procurement reviews read them for idle
 * capacity; oversight for utilisation and fake-busy detection.
 */
export const usageMigrations: NamedMigration[] = [
  {
    name: '2026-11-25-08-usage',
    async up(db) {
      await db.schema.createTable('usage_sessions', (t) => {
        t.bigIncrements('id');
        t.text('instrument_id').notNullable();
        t.timestamp('started_at', { useTz: true }).notNullable();
        t.timestamp('ended_at', { useTz: true }).notNullable();
        t.text('user_kind').notNullable();
        t.text('reported_by').notNullable();
        t.text('evidence').notNullable();
        t.timestamp('reported_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
        t.index(['instrument_id', 'started_at']);
      });
      await db.raw(`alter table usage_sessions add constraint usage_sessions_ordered check (ended_at > started_at)`);
      await db.raw(`alter table usage_sessions add constraint usage_sessions_user_kind check (user_kind in ('INTERNAL', 'EXTERNAL'))`);
      // hours per instrument and month (Asia/Shanghai), overlaps merged: what reviews, rankings and
      // statistics read, so none of them scans a year of sessions
      await db.schema.createTable('usage_monthly', (t) => {
        t.text('instrument_id').notNullable();
        t.date('month').notNullable();
        t.double('used_hours').notNullable();
        t.double('external_hours').notNullable();
        t.integer('sessions').notNullable();
        t.primary(['instrument_id', 'month']);
        t.index(['month']);
      });
      // completed bookings already turned into sessions (completed-bookings.ts)
      await db.schema.createTable('usage_booking_imports', (t) => {
        t.text('booking_id').primary();
        t.timestamp('imported_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      });
    },
    async down(db) {
      await db.schema.dropTable('usage_booking_imports');
      await db.schema.dropTable('usage_monthly');
      await db.schema.dropTable('usage_sessions');
    },
  },
];
