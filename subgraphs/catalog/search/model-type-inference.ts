/**
 * Owners sometimes record an instrument by its model alone ("JEM-2100F"), a name the thesaurus
 * cannot place. Other records of the same model usually can: such a record takes the types
 * most records of its model carry, kept apart (`model_type_keys`) so reasons can say where the
 * type came from. Run after every harvest, since any source may add the record that tells.
 */
import type { Knex } from 'knex';

export async function inferModelTypes(db: Knex | Knex.Transaction): Promise<void> {
  // records that now name their type themselves no longer need an inferred one
  await db.raw(`update instruments set model_type_keys = '{}' where cardinality(model_type_keys) > 0 and cardinality(type_keys) > 0`);
  await db.raw(`
    update instruments u set model_type_keys = x.keys
    from (
      select untyped.id, coalesce((
        select t.type_keys from instruments t
        where t.model_key = untyped.model_key and t.model_key <> '' and cardinality(t.type_keys) > 0
        group by t.type_keys order by count(*) desc, t.type_keys limit 1), '{}') as keys
      from instruments untyped
      where cardinality(untyped.type_keys) = 0 and untyped.model_key <> ''
    ) x
    where u.id = x.id and u.model_type_keys is distinct from x.keys`);
}
