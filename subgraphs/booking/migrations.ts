import type { NamedMigration } from '../storage/migrate.ts';

export const bookingMigrations: NamedMigration[] = [
  {
    name: '2026-11-25-11-booking',
    async up(db) {
      // an owner's rules for one instrument; instruments without a row take the defaults (booking-policy.ts)
      await db.schema.createTable('booking_policies', (t) => {
        t.text('instrument_id').primary();
        t.boolean('auto_approve').notNullable();
        t.double('max_hours').notNullable();
        t.double('min_notice_hours').notNullable();
        t.double('free_cancel_hours').notNullable();
        t.jsonb('opening_hours');
        t.boolean('voucher_eligible').notNullable();
        t.text('updated_by').notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
      });
      await db.schema.createTable('bookings', (t) => {
        t.text('id').primary();
        t.text('instrument_id').notNullable();
        t.text('owner_institution_id').notNullable();
        t.text('booker_id').notNullable();
        t.text('booker_institution_id').notNullable();
        t.text('mode').notNullable();
        t.text('purpose').notNullable();
        t.integer('samples');
        t.text('status').notNullable();
        t.specificType('period', 'tstzrange').notNullable();
        t.text('idempotency_key');
        t.text('request_fingerprint').notNullable();
        t.boolean('external').notNullable();
        t.jsonb('quote').notNullable();
        t.decimal('price', 14, 2).notNullable();
        t.text('voucher_id');
        t.decimal('voucher_amount', 14, 2).notNullable().defaultTo(0);
        t.decimal('cancellation_fee', 14, 2);
        // a REQUESTED booking holds its slot until it is decided or this passes
        t.timestamp('hold_until', { useTz: true });
        t.text('owner_ref');
        t.text('write_back').notNullable().defaultTo('NONE');
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['booker_id']);
        t.index(['owner_institution_id', 'status']);
      });
      await db.raw(`alter table bookings add constraint bookings_status check (status in ('REQUESTED','CONFIRMED','IN_PROGRESS','COMPLETED','CANCELLED','REJECTED','NO_SHOW','EXPIRED'))`);
      await db.raw(`alter table bookings add constraint bookings_mode check (mode in ('SELF','ASSISTED'))`);
      // the database, not the application, guarantees no two active bookings of one instrument overlap
      await db.raw(`alter table bookings add constraint bookings_no_overlap exclude using gist
        (instrument_id with =, period with &&) where (status in ('REQUESTED', 'CONFIRMED', 'IN_PROGRESS'))`);
      await db.raw('create unique index bookings_idempotency on bookings (booker_id, idempotency_key) where idempotency_key is not null');
      // the expiry of undecided requests, per instrument on every request and for all every minute
      await db.raw(`create index bookings_requested_hold on bookings (instrument_id, hold_until) where status = 'REQUESTED'`);
      await db.schema.createTable('booking_events', (t) => {
        t.bigIncrements('id');
        t.text('booking_id').notNullable().references('bookings.id');
        t.text('from_status');
        t.text('to_status').notNullable();
        t.text('action').notNullable();
        t.text('actor_id').notNullable();
        t.text('actor_role').notNullable();
        t.text('note');
        t.timestamp('at', { useTz: true }).notNullable();
        t.index(['booking_id']);
      });
      await db.schema.createTable('booking_ratings', (t) => {
        t.text('booking_id').primary().references('bookings.id');
        t.text('instrument_id').notNullable();
        t.integer('rating').notNullable();
        t.text('comment');
        t.timestamp('rated_at', { useTz: true }).notNullable();
        t.index(['instrument_id']);
      });
      await db.raw('alter table booking_ratings add constraint booking_ratings_range check (rating between 1 and 5)');
      // 培训考核: a user may operate an instrument (or any of the owner's instruments of a type) until it expires
      await db.schema.createTable('qualifications', (t) => {
        t.bigIncrements('id');
        t.text('user_id').notNullable();
        t.text('owner_institution_id').notNullable();
        t.text('instrument_id');
        t.text('type_key');
        t.timestamp('expires_at', { useTz: true }).notNullable();
        t.text('granted_by').notNullable();
        t.timestamp('granted_at', { useTz: true }).notNullable();
        t.index(['user_id']);
      });
      await db.raw('alter table qualifications add constraint qualifications_scope check ((instrument_id is null) <> (type_key is null))');
      // 创新券: public money that pays a share of eligible bookings, down to a balance never below zero
      await db.schema.createTable('vouchers', (t) => {
        t.text('id').primary();
        t.text('holder_institution_id').notNullable();
        t.text('holder_name').notNullable();
        t.decimal('amount', 14, 2).notNullable();
        t.decimal('balance', 14, 2).notNullable();
        t.double('cover_share').notNullable();
        t.timestamp('expires_at', { useTz: true }).notNullable();
        t.text('issued_by').notNullable();
        t.timestamp('issued_at', { useTz: true }).notNullable();
        t.index(['holder_institution_id']);
      });
      await db.raw('alter table vouchers add constraint vouchers_balance check (balance >= 0 and balance <= amount)');
      await db.schema.createTable('voucher_movements', (t) => {
        t.bigIncrements('id');
        t.text('voucher_id').notNullable().references('vouchers.id');
        t.text('booking_id').notNullable();
        t.decimal('amount', 14, 2).notNullable();
        t.timestamp('at', { useTz: true }).notNullable();
      });
    },
    async down(db) {
      for (const table of ['voucher_movements', 'vouchers', 'qualifications', 'booking_ratings', 'booking_events', 'bookings', 'booking_policies']) await db.schema.dropTable(table);
    },
  },
];
