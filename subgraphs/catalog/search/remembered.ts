/**
 * A bounded memo for work an inventory repeats: owners write one kind, one model, one phrasing on
 * many records, so what a text gives is worked out once. When full it starts afresh rather than
 * keeping recency: the lookups are the hot path of a harvest and an LRU's bookkeeping cost more
 * than the few texts worked out again.
 */
export function remembered<T>(cache: Map<string, T>, key: string, compute: () => T, limit: number): T {
  const known = cache.get(key);
  if (known !== undefined) return known;
  if (cache.size >= limit) cache.clear();
  const value = compute();
  cache.set(key, value);
  return value;
}
