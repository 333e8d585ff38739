/**
 * A real Apollo Client 4 (InMemoryCache, fetchMore, HttpLink to a running hub) against the
 * hub's many concrete instrument types: without `possibleTypes` a fragment on the Instrument
 * interface matches nothing and the cache keeps only `__typename`; with the map from
 * GET /possible-types.json every field survives, and a source that joins after the client
 * started is picked up by re-fetching the map when a new type name arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql, type PossibleTypesMap } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { filter, firstValueFrom, mergeMap } from 'rxjs';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';

const INSTRUMENTS = gql`
  fragment InstrumentCard on Instrument { id name live { state } }
  query Instruments($after: String) {
    instruments(first: 10, after: $after) { edges { cursor node { ...InstrumentCard } } pageInfo { hasNextPage endCursor } }
  }
`;
const ONE = gql`
  fragment InstrumentCard on Instrument { id name live { state } }
  query One($id: ID!) { instrument(id: $id) { ...InstrumentCard } }
`;

interface Card { __typename: string; id?: string; name?: string; live?: { state: string } }
interface Page { instruments: { edges: Array<{ node: Card }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }

function sheetRows(prefix: string, count: number): string[][] {
  return Array.from({ length: count }, (_, i) => [`${prefix}-${i + 1}`, `原子力显微镜 ${i + 1}`, 'AFM', 'Dimension Icon', 'Bruker', '分析仪器', '210', '2019-09-01', '深圳技术大学', '高等院校', '坪山区', '对外开放', '闲置', '350']);
}

/** Every __typename in a response. */
function typenames(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) typenames(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '__typename' && typeof inner === 'string') into.add(inner);
      else typenames(inner, into);
    }
  }
  return into;
}

/** The README's link: a type name never seen before may be a source that joined since start-up, so re-fetch the map before the cache stores the response. */
function possibleTypesLink(hubUrl: string, cache: InMemoryCache, loaded: PossibleTypesMap): ApolloLink {
  const seen = new Set(Object.values(loaded).flat());
  return new ApolloLink((operation, forward) => forward(operation).pipe(mergeMap(async (result) => {
    const names = [...typenames(result.data)];
    if (names.some((name) => !seen.has(name))) {
      const current = await (await fetch(`${hubUrl}/possible-types.json`)).json() as PossibleTypesMap;
      cache.policies.addPossibleTypes(current);
      for (const name of [...names, ...Object.values(current).flat()]) seen.add(name);
    }
    return result;
  })));
}

describe.each(DATABASE_TARGETS)('Apollo Client 4 and GET /possible-types.json ($name)', (target) => {
  let hub: TestHub;

  const possibleTypes = async () => (await (await fetch(`${hub.url}/possible-types.json`)).json()) as PossibleTypesMap;
  const newCache = (map?: PossibleTypesMap) => new InMemoryCache({ possibleTypes: map, typePolicies: { Query: { fields: { instruments: relayStylePagination(['filter']) } } } });
  const newClient = (cache: InMemoryCache, link?: ApolloLink) => {
    const http = new HttpLink({ uri: hub.graphqlUrl, headers: { authorization: `Bearer ${hub.adminToken}` } });
    return new ApolloClient({ cache, link: link ? ApolloLink.from([link, http]) : http });
  };

  /** two pages of ten through watchQuery + fetchMore, as a portal's list does */
  async function twoPages(client: ApolloClient) {
    const query = client.watchQuery<Page>({ query: INSTRUMENTS });
    const first = await firstValueFrom(query.pipe(filter((r) => !r.loading)));
    await query.fetchMore({ variables: { after: (first.data as Page).instruments.pageInfo.endCursor } });
    const result = query.getCurrentResult();
    return { result, nodes: (result.data as Page).instruments.edges.map((e) => e.node) };
  }

  beforeAll(async () => {
    hub = await startTestHub(target);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('rentlab', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'rentlab.csv', sheetRows('R', 25)) }));
    expect(added.errors).toBeUndefined();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('serves the interface → concrete types map of the served supergraph', async () => {
    const response = await fetch(`${hub.url}/possible-types.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const map = await response.json() as PossibleTypesMap;
    expect(map.Instrument).toEqual(['RentlabInstrument']);
  });

  it('without possibleTypes the cache drops every field of an instrument', async () => {
    const { nodes } = await twoPages(newClient(newCache()));
    expect(nodes).toHaveLength(20);
    expect(nodes[0]).toEqual({ __typename: 'RentlabInstrument' });
    expect(new Set(nodes.map((n) => n.id)).size).toBeLessThanOrEqual(1);
  });

  it('with the map loaded at start-up every field survives fetchMore', async () => {
    const { result, nodes } = await twoPages(newClient(newCache(await possibleTypes())));
    expect(result.dataState).toBe('complete');
    expect(nodes).toHaveLength(20);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(20);
    expect(nodes[0]).toEqual({ __typename: 'RentlabInstrument', id: expect.stringMatching(/^rentlab:R-/), name: expect.stringContaining('原子力显微镜'), live: { __typename: 'LiveStatus', state: 'IDLE' } });
  });

  it('a source added after the client started: its type is learnt by re-fetching the map', async () => {
    const loaded = await possibleTypes();
    const stale = newCache(loaded);
    const staleClient = newClient(stale);
    const cache = newCache(loaded);
    const client = newClient(cache, possibleTypesLink(hub.url, cache, loaded));
    await client.query({ query: INSTRUMENTS });

    const added = await hub.gql(ADD_SOURCE, addSourceInput('clinic-lab', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'clinic.csv', sheetRows('C', 3)) }));
    expect(added.errors).toBeUndefined();
    expect((await possibleTypes()).Instrument).toEqual(['ClinicLabInstrument', 'RentlabInstrument']);

    const fromStale = await staleClient.query<{ instrument: Card }>({ query: ONE, variables: { id: 'clinic-lab:C-1' }, fetchPolicy: 'network-only' });
    expect(fromStale.data?.instrument).toEqual({ __typename: 'ClinicLabInstrument' });

    const fresh = await client.query<{ instrument: Card }>({ query: ONE, variables: { id: 'clinic-lab:C-1' }, fetchPolicy: 'network-only' });
    expect(fresh.data?.instrument).toEqual({ __typename: 'ClinicLabInstrument', id: 'clinic-lab:C-1', name: '原子力显微镜 1', live: { __typename: 'LiveStatus', state: 'IDLE' } });
  });
});
