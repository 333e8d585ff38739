import type { NamedMigration } from '../../storage/migrate.ts';
import { filterKeysSql } from './filter-keys.ts';

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
  {
    name: '2026-11-25-07-model-keys',
    async up(db) {
      // the model as letters and digits only, so "JEM-2100F" and "JEM 2100F" meet (procurement's
      // model-family.ts does the same); an owner who wrote only the model as the name ("JEM-2100F") gets it from the name
      await db.raw(`alter table instruments add column model_key text generated always as
        (lower(regexp_replace(coalesce(nullif(model, ''), name), '[^A-Za-z0-9]', '', 'g'))) stored`);
      await db.raw(`create index instruments_model_key on instruments (model_key) where model_key <> ''`);
      // types inferred from other records of the same model, for records whose name names none
      await db.raw(`alter table instruments add column model_type_keys text[] not null default '{}'`);
      // nearly every record names its own type: index only those that needed one inferred
      await db.raw('create index instruments_model_type_keys on instruments using gin (model_type_keys) where cardinality(model_type_keys) > 0');
      await db.raw(`create index instruments_untyped_model on instruments (model_key) where cardinality(type_keys) = 0 and model_key <> ''`);
      await db.raw('create index instruments_inferred_types on instruments (id) where cardinality(model_type_keys) > 0');
      // the same maker, for duplicate-purchase candidates
      await db.raw('create index instruments_manufacturer on instruments (lower(manufacturer))');
    },
    async down(db) {
      await db.raw('alter table instruments drop column model_type_keys');
      await db.raw('alter table instruments drop column model_key');
    },
  },
  {
    name: '2026-11-26-14-filter-keys',
    async up(db) {
      // each GIN index holds, beside types or words, the instrument's filter keys: a type and the
      // filters asked with it meet inside one index scan, which skips through a frequent key
      // ("sharing:OPEN", 60 % of rows) by the rare one, instead of building a bitmap of each
      await db.raw('drop index instruments_type_keys');
      await db.raw('drop index instruments_search_vector');
      await db.raw(`create index instruments_type_filters on instruments using gin (type_keys, (${filterKeysSql()}))`);
      await db.raw(`create index instruments_word_filters on instruments using gin (search_vector, (${filterKeysSql()}))`);
      // a text that names a type matches other instruments by their words only when they have no
      // recognised type; the whole-table index would hand back every member of the type to throw away
      await db.raw(`create index instruments_untyped_word_filters on instruments using gin (search_vector, (${filterKeysSql()})) where cardinality(type_keys) = 0`);
      // the planner needs the filter keys' statistics to prefer these scans (5 ms) to bitmaps of half the table
      await db.raw('analyze instruments');
    },
    async down(db) {
      for (const index of ['instruments_type_filters', 'instruments_word_filters', 'instruments_untyped_word_filters']) await db.raw(`drop index ${index}`);
      await db.raw('create index instruments_search_vector on instruments using gin (search_vector)');
      await db.raw('create index instruments_type_keys on instruments using gin (type_keys)');
    },
  },
  {
    name: '2026-11-26-15-drop-name-trigrams',
    async up(db) {
      // the trigram index of the first catalog has had no reader since search moved to analysed terms,
      // and every harvest paid for it
      await db.raw('drop index if exists instruments_name_trgm');
    },
    async down(db) {
      await db.raw(`create index instruments_name_trgm on instruments using gin ((name || ' ' || coalesce(name_en, '') || ' ' || coalesce(model, '') || ' ' || coalesce(manufacturer, '')) gin_trgm_ops)`);
    },
  },
  {
    name: '2026-11-30-20-learned-synonyms',
    async up(db) {
      // synonyms the inventory teaches (learned-synonyms.ts), with what taught them and the centre's decision
      await db.schema.createTable('search_synonyms', (t) => {
        t.increments('id');
        t.text('term').notNullable();
        t.text('synonym').notNullable();
        t.text('kind').notNullable();
        t.specificType('example_instrument_ids', 'text[]').notNullable().defaultTo('{}');
        t.integer('occurrences').notNullable().defaultTo(1);
        t.text('status').notNullable().defaultTo('LEARNED');
        t.text('decided_by');
        t.timestamp('decided_at', { useTz: true });
        t.timestamp('learned_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
        t.unique(['term', 'synonym']);
      });
    },
    async down(db) {
      await db.schema.dropTable('search_synonyms');
    },
  },
  {
    name: '2026-11-30-51-search-vector-written',
    async up(db) {
      // the harvest writes the vector itself (search-document.ts); rows written before keep the database's
      // parse until their next harvest, which differs only for terms holding a dot or a plus ("0.1")
      await db.raw('alter table instruments alter column search_vector drop expression');
    },
    async down(db) {
      await db.raw('alter table instruments drop column search_vector');
      await db.raw(`alter table instruments add column search_vector tsvector generated always as
        (setweight(to_tsvector('simple', name_terms), 'A') || setweight(to_tsvector('simple', detail_terms), 'C')) stored`);
      await db.raw(`create index instruments_word_filters on instruments using gin (search_vector, (${filterKeysSql()}))`);
      await db.raw(`create index instruments_untyped_word_filters on instruments using gin (search_vector, (${filterKeysSql()})) where cardinality(type_keys) = 0`);
    },
  },
  {
    name: '2026-11-30-52-search-terms-dropped',
    async up(db) {
      // the vector is written whole by the harvest and explanations recompute the terms: the two texts
      // were read by nothing and made every row twice as long to write, send and parse
      await db.schema.alterTable('instruments', (t) => {
        t.dropColumn('name_terms');
        t.dropColumn('detail_terms');
      });
    },
    async down(db) {
      await db.schema.alterTable('instruments', (t) => {
        t.text('name_terms').notNullable().defaultTo('');
        t.text('detail_terms').notNullable().defaultTo('');
      });
    },
  },
];
