/**
 * The phrases a search is read with: the thesaurus's and the synonyms learned from the inventory
 * (learned-synonyms.ts), reloaded at most every `ttlMs`, so a harvest's or the centre's changes
 * reach every replica's searches within that time without a query per search.
 */
import type { Knex } from 'knex';
import { buildPhraseTable, THESAURUS_PHRASES, THESAURUS_TABLE, type PhraseTable } from './query-units.ts';
import { learnedPhrases } from './learned-synonyms.ts';

/** `ttlMs`: how often learned synonyms are re-read (IRHUB_SYNONYM_REFRESH_MS, default 30 s) */
export function searchPhrases(db: Knex, ttlMs = Number(process.env.IRHUB_SYNONYM_REFRESH_MS ?? 30_000)): () => Promise<PhraseTable> {
  let table = THESAURUS_TABLE;
  let loadedAt = -Infinity;
  let loading: Promise<PhraseTable> | null = null;
  return () => {
    if (Date.now() - loadedAt < ttlMs) return Promise.resolve(table);
    loading ??= learnedPhrases(db)
      .then((learned) => {
        table = learned.length ? buildPhraseTable([...THESAURUS_PHRASES, ...learned]) : THESAURUS_TABLE;
        loadedAt = Date.now();
        return table;
      })
      .finally(() => { loading = null; });
    return loading;
  };
}
