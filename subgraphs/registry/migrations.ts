import type { NamedMigration } from '../storage/migrate.ts';

export const registryMigrations: NamedMigration[] = [
  {
    name: '2026-11-24-01-registry',
    async up(db) {
      await db.schema.createTable('sources', (t) => {
        t.text('id').primary();
        t.text('kind').notNullable();
        t.text('display_name').notNullable();
        t.jsonb('config').notNullable();
        t.text('schedule').notNullable();
        t.boolean('enabled').notNullable().defaultTo(true);
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
        t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
        // watermark of the last successful harvest, for incremental runs
        t.timestamp('harvested_until', { useTz: true });
      });
      await db.schema.createTable('harvest_runs', (t) => {
        t.bigIncrements('id');
        t.text('source_id').notNullable().index();
        t.text('mode').notNullable();
        t.text('status').notNullable();
        t.timestamp('started_at', { useTz: true }).notNullable();
        t.timestamp('finished_at', { useTz: true });
        t.integer('duration_ms');
        t.integer('seen').notNullable().defaultTo(0);
        t.integer('imported').notNullable().defaultTo(0);
        t.integer('rejected').notNullable().defaultTo(0);
        t.integer('deleted').notNullable().defaultTo(0);
        t.jsonb('rejected_rows').notNullable().defaultTo('[]');
        t.text('error');
      });
      await db.schema.createTable('supergraphs', (t) => {
        t.bigIncrements('id');
        t.text('sdl');
        t.jsonb('source_ids').notNullable();
        t.text('status').notNullable();
        t.text('error');
        t.integer('compose_ms');
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      });
    },
    async down(db) {
      await db.schema.dropTable('supergraphs');
      await db.schema.dropTable('harvest_runs');
      await db.schema.dropTable('sources');
    },
  },
  {
    name: '2026-11-30-01-sealed-source-secrets',
    async up(db) {
      // configs are stored sealed (an owner's token or connection string is a secret), so as text
      await db.raw('alter table sources alter column config type text using config::text');
      // the secret the hub signs its calls to the source's connector with, sealed
      await db.schema.alterTable('sources', (t) => t.text('credential'));
    },
    async down(db) {
      await db.schema.alterTable('sources', (t) => t.dropColumn('credential'));
      await db.raw('alter table sources alter column config type jsonb using config::jsonb');
    },
  },
  {
    name: '2026-11-30-02-connector-ports',
    async up(db) {
      // the port a hosted connector listens on when the hub runs as separate services: stored, so the
      // supergraph's routing URL of the source is the same after every restart and on every replica
      await db.schema.alterTable('sources', (t) => t.integer('connector_port').unique());
    },
    async down(db) {
      await db.schema.alterTable('sources', (t) => t.dropColumn('connector_port'));
    },
  },
];
