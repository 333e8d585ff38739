/** One line for what a composition noticed but accepted. */
import type { CompositionHint } from './compose.ts';

/**
 * Hints counted by code, with the first of each as an example: one a source (a description a
 * remote connector words differently) would otherwise bury the line at hundreds of sources.
 */
export function hintSummary(hints: readonly CompositionHint[], counts: Readonly<Record<string, number>>): string {
  if (hints.length === 0) return '';
  const codes = Object.entries(counts).map(([code, n]) => {
    const example = hints.find((h) => h.code === code)!.message.replace(/\s+/g, ' ');
    return `${code} ×${n} (e.g. ${example.length > 160 ? `${example.slice(0, 160)}…` : example})`;
  });
  return `; ${hints.length} composition hint(s): ${codes.join('; ')}`;
}
