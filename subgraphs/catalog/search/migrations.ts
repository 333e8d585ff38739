import type { NamedMigration } from '../../storage/migrate.ts';

export const searchMigrations: NamedMigration[] = [
  {
    name: '2026-11-24-06-search',
    async up(db) {
      await db.schema.alterTable('instruments', (t) => {
        t.specificType('type_keys', 'text[]').notNullable().defaultTo('{}');
        t.text('name_terms').notNullable().defaultTo('');
        t.text('detail_terms').notNullable().defaultTo('');
      });
      await db.raw(`alter table instruments add column search_vector tsvector generated always as
        (setweight(to_tsvector('simple', name_terms), 'A') || setweight(to_tsvector('simple', detail_terms), 'C')) stored`);
      await db.raw('create index instruments_search_vector on instruments using gin (search_vector)');
      await db.raw('create index instruments_type_keys on instruments using gin (type_keys)');
    },
    async down(db) {
      await db.raw('alter table instruments drop column search_vector');
      await db.schema.alterTable('instruments', (t) => {
        t.dropColumn('type_keys');
        t.dropColumn('name_terms');
        t.dropColumn('detail_terms');
      });
    },
  },
];
