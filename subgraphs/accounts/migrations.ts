import type { NamedMigration } from '../storage/migrate.ts';

export const accountsMigrations: NamedMigration[] = [
  {
    name: '2026-11-25-10-accounts',
    async up(db) {
      await db.schema.createTable('users', (t) => {
        t.text('id').primary();
        t.text('display_name').notNullable();
        t.text('role').notNullable();
        // an institution of the catalog, or a company that owns no listed instrument
        t.text('institution_id').notNullable();
        t.text('institution_name').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
        t.index(['institution_id']);
      });
      await db.raw(`alter table users add constraint users_role check (role in ('USER', 'INSTITUTION_STAFF', 'REVIEWER', 'ADMIN'))`);
    },
    async down(db) {
      await db.schema.dropTable('users');
    },
  },
  {
    name: '2026-11-30-02-account-control',
    async up(db) {
      await db.schema.alterTable('users', (t) => {
        // a disabled user's tokens are refused; enabling gives them back
        t.timestamp('disabled_at', { useTz: true });
        // tokens issued before this instant are refused (revocation)
        t.timestamp('tokens_valid_after', { useTz: true });
      });
    },
    async down(db) {
      await db.schema.alterTable('users', (t) => {
        t.dropColumn('disabled_at');
        t.dropColumn('tokens_valid_after');
      });
    },
  },
];
