/**
 * GIN indexes take new rows into a pending list that every search must scan in full until the
 * list is merged (by vacuum, or when it outgrows gin_pending_list_limit). After a large harvest
 * that list holds thousands of rows and slows every text, type and model search; merging it at
 * once keeps searches at index speed.
 */
import type { Knex } from 'knex';

export const INSTRUMENT_GIN_INDEXES = ['instruments_word_filters', 'instruments_untyped_word_filters', 'instruments_type_filters', 'instruments_model_type_keys'] as const;

export async function flushGinPendingLists(db: Knex): Promise<void> {
  for (const index of INSTRUMENT_GIN_INDEXES) await db.raw('select gin_clean_pending_list(?::regclass)', [index]);
}
