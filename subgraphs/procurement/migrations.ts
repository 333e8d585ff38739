import type { NamedMigration } from '../storage/migrate.ts';

export const procurementMigrations: NamedMigration[] = [
  {
    name: '2026-11-25-09-procurement',
    async up(db) {
      await db.schema.createTable('procurement_checks', (t) => {
        t.text('id').primary();
        t.timestamp('checked_at', { useTz: true }).notNullable();
        t.text('checked_by');
        t.text('buyer_institution_id');
        t.text('purchase_name').notNullable();
        t.decimal('budget', 16, 2).notNullable();
        t.text('requirement').notNullable();
        t.text('duplicate_risk').notNullable();
        t.jsonb('purchase').notNullable();
        // what the hub answered, kept as it was: a later harvest must not change a reviewed check
        t.jsonb('result').notNullable();
        t.index(['checked_at']);
      });
      await db.schema.createTable('procurement_decisions', (t) => {
        t.bigIncrements('id');
        t.text('check_id').notNullable().references('procurement_checks.id');
        t.text('decision').notNullable();
        t.text('reason').notNullable();
        t.text('decided_by').notNullable();
        t.text('decided_by_role').notNullable();
        t.timestamp('decided_at', { useTz: true }).notNullable();
        t.jsonb('check_snapshot').notNullable();
        t.index(['check_id', 'decided_at']);
      });
    },
    async down(db) {
      await db.schema.dropTable('procurement_decisions');
      await db.schema.dropTable('procurement_checks');
    },
  },
];
