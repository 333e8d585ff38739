/** Opaque page cursors: base64url JSON, checked on the way in so a bad one is a clear error. */
import { GraphQLError } from 'graphql';

export type Cursor = { after: string } | { offset: number };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  const bad = () => new GraphQLError(`after: "${text.slice(0, 80)}" is not a cursor returned by this query`, { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
  if (text.length > 1000) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (parsed && typeof parsed === 'object') {
    const c = parsed as Record<string, unknown>;
    if (typeof c.after === 'string') return { after: c.after };
    if (typeof c.offset === 'number' && Number.isInteger(c.offset) && c.offset >= 0 && c.offset <= 100_000) return { offset: c.offset };
  }
  throw bad();
}

export function pageSize(first: number | null | undefined, max: number, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new GraphQLError(`first must be between 1 and ${max}, got ${n}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  }
  return n;
}
