import type { NamedMigration } from '../storage/migrate.ts';

/** Statuses in which a lease holds its instrument's days (the instrument is promised or away). */
export const HOLDING_LEASE_STATUSES = ['CONFIRMED', 'DELIVERED'] as const;

export const leasingMigrations: NamedMigration[] = [
  {
    name: '2026-11-30-21-leasing',
    async up(db) {
      // what a lessor offers for one instrument; instruments without a row are not leased out
      await db.schema.createTable('lease_terms', (t) => {
        t.text('instrument_id').primary();
        t.bigInteger('daily_rate_fen').notNullable();
        t.bigInteger('deposit_fen');
        t.integer('min_days').notNullable();
        t.integer('max_days').notNullable();
        t.specificType('delivery', 'text[]').notNullable();
        t.bigInteger('delivery_fee_fen').notNullable().defaultTo(0);
        t.bigInteger('installation_fee_fen').notNullable().defaultTo(0);
        t.bigInteger('late_daily_rate_fen').notNullable();
        t.boolean('voucher_eligible').notNullable().defaultTo(true);
        t.text('updated_by').notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
      });
      await db.raw(`alter table lease_terms add constraint lease_terms_sane check (daily_rate_fen >= 0 and (deposit_fen is null or deposit_fen >= 0)
        and min_days >= 1 and max_days >= min_days and cardinality(delivery) > 0 and delivery <@ array['PICKUP','DELIVERY','INSTALLED']
        and delivery_fee_fen >= 0 and installation_fee_fen >= 0 and late_daily_rate_fen >= 0)`);
      await db.schema.createTable('leases', (t) => {
        t.text('id').primary();
        t.text('instrument_id').notNullable();
        t.text('lessor_institution_id').notNullable();
        t.text('lessee_id').notNullable();
        t.text('lessee_institution_id').notNullable();
        t.text('status').notNullable();
        // the lease's days, both ends included, and the same days as time in Asia/Shanghai (what bookings are checked against)
        t.date('start_date').notNullable();
        t.date('end_date').notNullable();
        t.specificType('period', 'tstzrange').notNullable();
        t.text('delivery').notNullable();
        t.text('purpose').notNullable();
        t.text('idempotency_key');
        t.text('request_fingerprint').notNullable();
        t.jsonb('quote').notNullable();
        t.bigInteger('subtotal_fen').notNullable();
        t.text('voucher_id');
        t.bigInteger('voucher_fen').notNullable().defaultTo(0);
        t.bigInteger('deposit_held_fen');
        t.bigInteger('deposit_returned_fen');
        t.bigInteger('deposit_kept_fen');
        t.date('returned_on');
        t.integer('late_days');
        t.bigInteger('late_charge_fen');
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['lessee_id']);
        t.index(['lessor_institution_id', 'status']);
      });
      await db.raw(`alter table leases add constraint leases_status check (status in ('REQUESTED','QUOTED','CONFIRMED','DELIVERED','RETURNED','CLOSED','REJECTED','CANCELLED'))`);
      await db.raw(`alter table leases add constraint leases_dates check (end_date >= start_date)`);
      // the database, not the application, guarantees that no two leases holding one instrument share a day
      await db.raw(`alter table leases add constraint leases_no_overlap exclude using gist
        (instrument_id with =, daterange(start_date, end_date, '[]') with &&) where (status in ('CONFIRMED', 'DELIVERED'))`);
      await db.raw('create unique index leases_idempotency on leases (lessee_id, idempotency_key) where idempotency_key is not null');
      await db.schema.createTable('lease_events', (t) => {
        t.bigIncrements('id');
        t.text('lease_id').notNullable().references('leases.id');
        t.text('from_status');
        t.text('to_status').notNullable();
        t.text('action').notNullable();
        t.text('actor_id').notNullable();
        t.text('actor_role').notNullable();
        t.text('note');
        t.timestamp('at', { useTz: true }).notNullable();
        t.index(['lease_id']);
      });
      // 托管: agencies are institutions whose staff act for the owners of the instruments they host
      await db.schema.createTable('service_agencies', (t) => {
        t.text('id').primary();
        t.text('name').notNullable();
        t.text('created_by').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
      });
      await db.schema.createTable('hostings', (t) => {
        t.bigIncrements('id');
        t.text('instrument_id').notNullable();
        t.text('agency_id').notNullable().references('service_agencies.id');
        t.text('owner_institution_id').notNullable();
        // 统一定价: the platform's hourly price for the hosted instrument
        t.bigInteger('unified_rate_fen');
        t.timestamp('started_at', { useTz: true }).notNullable();
        t.text('started_by').notNullable();
        t.timestamp('ended_at', { useTz: true });
        t.text('ended_by');
        t.index(['agency_id']);
      });
      await db.raw('create unique index hostings_one_agency on hostings (instrument_id) where ended_at is null');
      // the city's split of payments for hosted instruments; rows are only added, each in force from its date
      await db.schema.createTable('settlement_rules', (t) => {
        t.bigIncrements('id');
        t.text('agency_id');
        t.text('instrument_class');
        t.integer('owner_bp').notNullable();
        t.integer('agency_bp').notNullable();
        t.integer('platform_bp').notNullable();
        t.integer('subsidy_bp').notNullable();
        t.timestamp('effective_from', { useTz: true }).notNullable();
        t.text('set_by').notNullable();
        t.timestamp('set_at', { useTz: true }).notNullable();
      });
      await db.raw('alter table settlement_rules add constraint settlement_rules_whole check (owner_bp >= 0 and agency_bp >= 0 and platform_bp >= 0 and subsidy_bp >= 0 and owner_bp + agency_bp + platform_bp + subsidy_bp = 10000)');
      // one settlement per completed booking and closed lease, with the rule it was split by
      await db.schema.createTable('settlements', (t) => {
        t.bigIncrements('id');
        t.text('kind').notNullable();
        t.text('ref_id').notNullable();
        t.text('instrument_id').notNullable();
        t.text('owner_institution_id').notNullable();
        t.text('agency_id');
        t.text('payer_institution_id').notNullable();
        t.boolean('external').notNullable();
        t.text('basis').notNullable();
        t.jsonb('rule').notNullable();
        t.bigInteger('total_fen').notNullable();
        t.bigInteger('owner_fen').notNullable();
        t.bigInteger('agency_fen').notNullable();
        t.bigInteger('platform_fen').notNullable();
        t.bigInteger('subsidy_fen').notNullable();
        t.bigInteger('voucher_fen').notNullable();
        t.double('served_hours').notNullable();
        t.integer('lease_days').notNullable();
        t.bigInteger('rate_fen');
        t.timestamp('settled_at', { useTz: true }).notNullable();
        t.unique(['kind', 'ref_id']);
        t.index(['agency_id', 'settled_at']);
        t.index(['owner_institution_id', 'settled_at']);
      });
      await db.raw('alter table settlements add constraint settlements_add_up check (owner_fen + agency_fen + platform_fen + subsidy_fen = total_fen)');
      /*
       * A leased instrument is away for whole days, so no booking may hold time on them, and a
       * lease cannot take days already booked. Two tables cannot share one exclusion constraint;
       * these triggers give the same guarantee: both sides lock the instrument (a transaction
       * advisory lock), then look at the other table with a fresh snapshot (plpgsql statements
       * each take one), so of two racing transactions the second sees the first.
       */
      await db.raw(`create function irhub_instrument_lock(instrument text) returns void language sql as
        $$ select pg_advisory_xact_lock(hashtext('irhub-instrument:' || instrument)) $$`);
      await db.raw(`create function bookings_outside_leases() returns trigger language plpgsql as $$
        begin
          if new.status in ('REQUESTED', 'CONFIRMED', 'IN_PROGRESS') then
            perform irhub_instrument_lock(new.instrument_id);
            if exists (select 1 from leases l where l.instrument_id = new.instrument_id and l.status in ('CONFIRMED', 'DELIVERED') and l.period && new.period) then
              raise exception 'the instrument % is leased out on those days', new.instrument_id using errcode = '23P01', constraint = 'bookings_outside_leases';
            end if;
          end if;
          return new;
        end $$`);
      await db.raw(`create trigger bookings_outside_leases before insert or update of status, period on bookings
        for each row execute function bookings_outside_leases()`);
      await db.raw(`create function leases_outside_bookings() returns trigger language plpgsql as $$
        begin
          if new.status in ('CONFIRMED', 'DELIVERED') then
            perform irhub_instrument_lock(new.instrument_id);
            if exists (select 1 from bookings b where b.instrument_id = new.instrument_id and b.status in ('REQUESTED', 'CONFIRMED', 'IN_PROGRESS') and b.period && new.period) then
              raise exception 'the instrument % is booked on those days', new.instrument_id using errcode = '23P01', constraint = 'leases_outside_bookings';
            end if;
          end if;
          return new;
        end $$`);
      await db.raw(`create trigger leases_outside_bookings before insert or update of status, period on leases
        for each row execute function leases_outside_bookings()`);
    },
    async down(db) {
      await db.raw('drop trigger bookings_outside_leases on bookings');
      for (const table of ['settlements', 'settlement_rules', 'hostings', 'service_agencies', 'lease_events', 'leases', 'lease_terms']) await db.schema.dropTable(table);
      await db.raw('drop function leases_outside_bookings(); drop function bookings_outside_leases(); drop function irhub_instrument_lock(text)');
    },
  },
  {
    name: '2026-11-30-22-settlement-unified-rate',
    async up(db) {
      // the platform's unified hourly price (统一定价) when a hosted instrument's booking was settled, to judge the agency's charge against
      await db.schema.alterTable('settlements', (t) => { t.bigInteger('unified_rate_fen'); });
    },
    async down(db) {
      await db.schema.alterTable('settlements', (t) => { t.dropColumn('unified_rate_fen'); });
    },
  },
];
