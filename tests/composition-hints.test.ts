/**
 * What composition notices but accepts is summed up in one line by code, with an example: real hints
 * of a real composition (two subgraphs describing one type in their own words).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Composer } from '../gateway/supergraph/compose.ts';
import { hintSummary } from '../gateway/supergraph/hint-summary.ts';

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';
const subgraph = (name: string, description: string) => ({
  name,
  url: `http://127.0.0.1:1/${name}`,
  typeDefs: `${FEDERATION}
"${description}"
type Lab @key(fields: "id") @shareable { id: ID! "${description} name" name: String }
type Query { ${name}Labs: [Lab!]! }`,
});

describe('composition hints', () => {
  const composer = new Composer();
  afterAll(() => composer.close());

  it('counts the hints by code and quotes the first of each', async () => {
    const result = await composer.compose([subgraph('alpha', 'A lab as alpha sees it'), subgraph('beta', 'A lab as beta words it')]);
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.hints.map((h) => h.code)).toEqual(['INCONSISTENT_DESCRIPTION', 'INCONSISTENT_DESCRIPTION']);
    const counts = { INCONSISTENT_DESCRIPTION: 2 };
    expect(hintSummary(result.hints, counts)).toMatch(/^; 2 composition hint\(s\): INCONSISTENT_DESCRIPTION ×2 \(e\.g\. Element "Lab" has inconsistent descriptions/);
    expect(hintSummary([], {})).toBe('');
  });
});
