/**
 * Owners' own columns as the hub keeps them (an instrument's `extra`, keyed by the owner's
 * header). The national template writes a note into many headers — 用户须知（最多500字） — so
 * headers are compared without their bracketed notes.
 */
export function bareHeader(header: string): string {
  return header.replace(/[（(][^）)]*[）)]/g, '').replace(/\s+/g, '');
}

/** The owner's value of the column whose header, without notes, is `header`'s; '' when absent. */
export function ownerColumn(extra: Readonly<Record<string, string>>, header: string): string {
  const wanted = bareHeader(header);
  for (const [key, value] of Object.entries(extra)) if (bareHeader(key) === wanted) return value;
  return '';
}
