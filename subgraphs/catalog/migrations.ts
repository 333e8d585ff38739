import type { NamedMigration } from '../storage/migrate.ts';
import { deferredCountsMigration, instrumentCountsMigration } from './instrument-counts.ts';

export const catalogMigrations: NamedMigration[] = [
  {
    name: '2026-11-24-02-catalog',
    async up(db) {
      await db.schema.createTable('institutions', (t) => {
        t.text('id').primary();
        t.text('name').notNullable();
        // the merge key: one institution however many sources list it
        t.text('name_key').notNullable().unique();
        t.text('type').notNullable();
        t.text('district');
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      });
      await db.schema.createTable('instruments', (t) => {
        t.text('id').primary();
        t.text('source_id').notNullable();
        t.text('local_id').notNullable();
        t.text('name').notNullable();
        t.text('name_en');
        t.text('model');
        t.text('manufacturer');
        t.text('country');
        t.text('instrument_class').notNullable();
        t.decimal('original_value', 16, 2);
        t.date('purchase_date');
        t.text('institution_id').notNullable().references('institutions.id');
        t.text('district');
        t.text('address');
        t.text('sharing').notNullable();
        t.text('declared_status').notNullable();
        t.decimal('external_rate', 12, 2);
        t.decimal('internal_rate', 12, 2);
        t.text('contact_name');
        t.text('contact_phone');
        t.text('contact_email');
        t.text('specs');
        t.text('functions');
        t.double('latitude');
        t.double('longitude');
        t.jsonb('extra').notNullable().defaultTo('{}');
        t.timestamp('source_updated_at', { useTz: true });
        t.timestamp('harvested_at', { useTz: true }).notNullable();
        t.unique(['source_id', 'local_id']);
        t.index(['instrument_class']);
        t.index(['district']);
        t.index(['institution_id']);
        t.index(['sharing']);
      });
      await db.raw(`create index instruments_name_trgm on instruments using gin ((name || ' ' || coalesce(name_en, '') || ' ' || coalesce(model, '') || ' ' || coalesce(manufacturer, '')) gin_trgm_ops)`);
    },
    async down(db) {
      await db.schema.dropTable('instruments');
      await db.schema.dropTable('institutions');
    },
  },
  instrumentCountsMigration,
  deferredCountsMigration,
  {
    name: '2026-11-30-16-class-codes',
    async up(db) {
      // rows harvested before this have no code: they read as their top class's code until the next harvest
      await db.schema.alterTable('instruments', (t) => {
        t.text('class_code');
        t.boolean('class_inferred').notNullable().defaultTo(false);
        t.text('owner_category');
      });
    },
    async down(db) {
      await db.schema.alterTable('instruments', (t) => {
        t.dropColumn('class_code');
        t.dropColumn('class_inferred');
        t.dropColumn('owner_category');
      });
    },
  },
];
