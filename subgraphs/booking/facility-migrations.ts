import type { NamedMigration } from '../storage/migrate.ts';

/** Facility operations: planned outages, no-show rules, wait lists, notifications and calendar feed tokens. */
export const facilityMigrations: NamedMigration[] = [
  {
    name: '2026-11-30-20-facility-operations',
    async up(db) {
      // staff of the owner block an instrument; bookings inside are cancelled, new ones refused
      await db.schema.createTable('outages', (t) => {
        t.bigIncrements('id');
        t.text('instrument_id').notNullable();
        t.specificType('period', 'tstzrange').notNullable();
        t.text('reason').notNullable();
        t.text('scheduled_by').notNullable();
        t.timestamp('scheduled_at', { useTz: true }).notNullable();
      });
      await db.raw('create index outages_instrument_period on outages using gist (instrument_id, period)');
      await db.schema.alterTable('booking_policies', (t) => {
        // a confirmed booking not started this long after its start is a no-show
        t.double('no_show_minutes');
        // an owner may stop auto-approval for users with this many no-shows at its instruments
        t.integer('approval_after_no_shows');
      });
      await db.schema.createTable('wait_list_entries', (t) => {
        t.bigIncrements('id');
        t.text('instrument_id').notNullable();
        t.text('user_id').notNullable();
        t.specificType('period', 'tstzrange').notNullable();
        // WAITING → OFFERED → BOOKED, or LAPSED (offer not taken in time, or the slot passed)
        t.text('status').notNullable();
        t.timestamp('offered_until', { useTz: true });
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.index(['instrument_id', 'status']);
        t.index(['user_id']);
      });
      await db.raw(`alter table wait_list_entries add constraint wait_list_status check (status in ('WAITING', 'OFFERED', 'BOOKED', 'LAPSED'))`);
      await db.schema.alterTable('users', (t) => {
        t.text('email');
        t.text('language').notNullable().defaultTo('zh');
      });
      await db.raw(`alter table users add constraint users_language check (language in ('zh', 'en'))`);
      // every notification the hub decided to send, and what became of it
      await db.schema.createTable('notifications', (t) => {
        t.bigIncrements('id');
        // one notification per event: a job run twice (or on two replicas) does not send twice
        t.text('dedupe_key').notNullable().unique();
        t.text('kind').notNullable();
        t.text('user_id').notNullable();
        t.text('booking_id');
        t.text('language').notNullable();
        t.text('to_address');
        t.text('subject').notNullable();
        t.text('body').notNullable();
        // PENDING → SENT, or FAILED after the last retry; LOGGED when no SMTP server or no address
        t.text('status').notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.timestamp('next_attempt_at', { useTz: true }).notNullable();
        t.text('last_error');
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('sent_at', { useTz: true });
        t.index(['status', 'next_attempt_at']);
        t.index(['user_id']);
      });
      // the secret in a user's private calendar feed URL
      await db.schema.createTable('calendar_tokens', (t) => {
        t.text('user_id').primary();
        t.text('token_hash').notNullable().unique();
        t.timestamp('created_at', { useTz: true }).notNullable();
      });
    },
    async down(db) {
      for (const table of ['calendar_tokens', 'notifications', 'wait_list_entries', 'outages']) await db.schema.dropTable(table);
      await db.raw('alter table users drop constraint users_language');
      await db.schema.alterTable('users', (t) => { t.dropColumn('email'); t.dropColumn('language'); });
      await db.schema.alterTable('booking_policies', (t) => { t.dropColumn('no_show_minutes'); t.dropColumn('approval_after_no_shows'); });
    },
  },
  {
    // after leasing's migration, whose instrument lock (irhub_instrument_lock) this shares
    name: '2026-11-30-30-bookings-outside-outages',
    async up(db) {
      /*
       * A request checked against the outages before it was written could still race an outage
       * being scheduled. As with leases: both sides lock the instrument, and the booking's trigger
       * then looks at the outages with a fresh snapshot, so the later of the two sees the other.
       */
      await db.raw(`create function bookings_outside_outages() returns trigger language plpgsql as $$
        begin
          if new.status in ('REQUESTED', 'CONFIRMED') then
            perform irhub_instrument_lock(new.instrument_id);
            if exists (select 1 from outages o where o.instrument_id = new.instrument_id and o.period && new.period) then
              raise exception 'the instrument % is out of service then', new.instrument_id using errcode = '23P01', constraint = 'bookings_outside_outages';
            end if;
          end if;
          return new;
        end $$`);
      await db.raw(`create trigger bookings_outside_outages before insert or update of status, period on bookings
        for each row execute function bookings_outside_outages()`);
    },
    async down(db) {
      await db.raw('drop trigger bookings_outside_outages on bookings; drop function bookings_outside_outages()');
    },
  },
];
