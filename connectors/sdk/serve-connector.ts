/**
 * serveConnector turns an adapter into what the hub needs from a source: a federation
 * subgraph that owns the source's `<Name>Instrument` type and resolves its live fields from
 * the owner's system, batched per request, and a JSON harvest endpoint the hub pages through.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { servingOptions } from './apollo-options.ts';
import { logUnderId } from './error-masking.ts';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { nextFreeSlot } from '../../schema/opening-hours.ts';
import { dateTimeScalar } from '../../schema/scalars.ts';
import type { BusyInterval, ConnectorAdapter, LiveStatusRecord } from './contract.ts';
import { normalizeRecord, type CanonicalInstrument, type FieldProblem, type NormalizeDefaults } from './canonical.ts';
import { serveGraphqlHttp, readBody, parseJsonBody, HttpError, type GraphqlHttpServer } from './graphql-http.ts';
import { createCredentialVerifier, SIGNATURE_HEADER } from './hub-credential.ts';
import { instrumentTypeDescription, instrumentTypeName, localIdOf } from './source-id.ts';

const LIVE_STATUS_SDL = readFileSync(new URL('../../schema/live-status.graphql', import.meta.url), 'utf8');
export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@external", "@interfaceObject", "@inaccessible", "@requires"])';
const BUSY_HORIZON_MS = 7 * 24 * 3600_000;
const MAX_HARVEST_PAGE = 5000;

/** One page of the harvest endpoint, as the hub reads it. */
export interface HarvestPage {
  sourceId: string;
  instruments: CanonicalInstrument[];
  rejected: FieldProblem[];
  deletedLocalIds: string[];
  nextCursor: string | null;
  totalEstimate: number | null;
  incremental: boolean;
}

export interface ServeConnectorOptions {
  sourceId: string;
  adapter: ConnectorAdapter;
  /**
   * the source's secret, which the hub signs every call with (the hub generates it when the
   * source is added; `npx irhub sources rotate <id>` makes a new one); a function is read on
   * every request, so a hosted connector follows a rotation at once
   */
  credential: string | (() => string);
  defaults?: NormalizeDefaults;
  port?: number;
  host?: string;
  /** owner-specific fields on the instrument type, e.g. `extend type SzuInstrument { calibrationDue: DateTime }` */
  extraTypeDefs?: string;
  extraResolvers?: GraphQLResolverMap<ConnectorContext>;
}

export interface ConnectorContext extends BaseContext {
  live: DataLoader<string, LiveStatusRecord>;
  busy: DataLoader<string, BusyInterval[]>;
}

export interface ServedConnector {
  sourceId: string;
  typeName: string;
  /** base URL: the subgraph is at `${url}/graphql`, the harvest endpoint at `${url}/harvest` */
  url: string;
  typeDefs: string;
  /**
   * the page its harvest endpoint answers, read in this process: the hub hosting a connector pages
   * it without writing every record to JSON and parsing it back (a third of a harvest's own work)
   */
  harvestPage: HarvestPageReader;
  close(): Promise<void>;
}

export interface HarvestPageRequest { since?: Date; cursor?: string; limit: number }
export type HarvestPageReader = (request: HarvestPageRequest) => Promise<HarvestPage>;

export function connectorTypeDefs(sourceId: string, extraTypeDefs = ''): string {
  return `${FEDERATION_LINK}
${LIVE_STATUS_SDL}
"${instrumentTypeDescription(sourceId)}"
type ${instrumentTypeName(sourceId)} @key(fields: "id") {
  id: ID!
  live: LiveStatus
}
${extraTypeDefs}`;
}

/** Page of normalised instruments; shared by the HTTP endpoint and the conformance kit. */
export async function readHarvestPage(sourceId: string, adapter: ConnectorAdapter, defaults: NormalizeDefaults | undefined, request: HarvestPageRequest): Promise<HarvestPage> {
  const page = await adapter.listInstruments(request);
  const instruments: CanonicalInstrument[] = [];
  const rejected: FieldProblem[] = (page.unreadable ?? []).map((u) => ({ ref: u.ref, field: u.field ?? '', reason: u.reason }));
  for (const record of page.records) {
    const result = normalizeRecord(record, defaults);
    if (result.ok) instruments.push(result.instrument);
    else rejected.push(...result.problems);
  }
  return {
    sourceId,
    instruments,
    rejected,
    deletedLocalIds: page.deletedLocalIds ?? [],
    nextCursor: page.nextCursor ?? null,
    totalEstimate: page.totalEstimate ?? null,
    incremental: adapter.incremental && request.since !== undefined,
  };
}

/**
 * The owner's system failed: the caller learns which source, not the owner's own error (it may quote
 * SQL, internal addresses or paths), which is logged under the id the caller is given.
 */
function sourceError(sourceId: string, error: unknown): GraphQLError {
  const errorId = logUnderId(error, `in source ${sourceId}`);
  return new GraphQLError(`source ${sourceId}: the owner's system did not answer (logged as ${errorId})`, {
    extensions: { code: 'SOURCE_UNAVAILABLE', sourceId, errorId },
  });
}

export async function serveConnector(options: ServeConnectorOptions): Promise<ServedConnector> {
  const { sourceId, adapter, credential } = options;
  if (typeof credential === 'string' && credential.length < 16) throw new Error(`source ${sourceId}: the hub's credential must be the secret the hub gave for this source (at least 16 characters)`);
  const verify = createCredentialVerifier(typeof credential === 'string' ? () => credential : credential);
  /** nothing but the hub, signing with this source's current secret, gets an answer */
  const refuseUnlessHub = (request: IncomingMessage, body: string): string | null => {
    const check = verify({ method: request.method ?? 'GET', target: request.url ?? '/', header: request.headers[SIGNATURE_HEADER], body });
    return check.ok ? null : `source ${sourceId}: ${check.reason}`;
  };
  const fromHub = (route: (url: URL, request: IncomingMessage, body: string) => Promise<unknown>) => async (url: URL, request: IncomingMessage) => {
    const body = request.method === 'POST' ? await readBody(request, 64 * 1024) : '';
    const refusal = refuseUnlessHub(request, body);
    if (refusal) throw new HttpError(401, refusal);
    return route(url, request, body);
  };
  /** what the harvest endpoint answers, and the hub hosting this connector reads in process */
  const harvestPage: HarvestPageReader = (request) =>
    readHarvestPage(sourceId, adapter, options.defaults, { ...request, limit: Math.min(request.limit, MAX_HARVEST_PAGE) });
  const typeName = instrumentTypeName(sourceId);
  const typeDefs = connectorTypeDefs(sourceId, options.extraTypeDefs);

  const resolvers: GraphQLResolverMap<ConnectorContext> = {
    DateTime: dateTimeScalar,
    [typeName]: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      live: async (instrument: { id: string }, _args: unknown, context: ConnectorContext) => {
        const localId = localIdOf(sourceId, instrument.id);
        if (localId === null) throw new GraphQLError(`source ${sourceId}: instrument ${instrument.id} is not one of this source's`);
        try {
          const record = await context.live.load(localId);
          return { ...record, localId, sourceId };
        } catch (error) {
          throw sourceError(sourceId, error);
        }
      },
    },
    LiveStatus: {
      busy: async (live: LiveStatusRecord & { localId: string }, _args: unknown, context: ConnectorContext) => {
        try {
          return live.busy ?? (await context.busy.load(live.localId));
        } catch (error) {
          throw sourceError(sourceId, error);
        }
      },
      nextFreeSlot: async (live: LiveStatusRecord & { localId: string }, _args: unknown, context: ConnectorContext) => {
        if (live.state === 'RETIRED' || live.state === 'MAINTENANCE') return null;
        try {
          const busy = live.busy ?? (await context.busy.load(live.localId));
          return nextFreeSlot(new Date(), busy);
        } catch (error) {
          throw sourceError(sourceId, error);
        }
      },
    },
  };
  const extra = options.extraResolvers ?? {};
  const schema = buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers: { ...resolvers, ...extra } as GraphQLResolverMap<unknown> }]);
  const apollo = new ApolloServer<ConnectorContext>({ schema, introspection: true, ...servingOptions<ConnectorContext>([ApolloServerPluginInlineTraceDisabled()]) });
  await apollo.start();

  const newContext = async (request: IncomingMessage, body: string): Promise<ConnectorContext> => {
    const refusal = refuseUnlessHub(request, body);
    if (refusal) throw new GraphQLError(refusal, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    return newLoaders();
  };
  const newLoaders = (): ConnectorContext => ({
    live: new DataLoader(async (ids: readonly string[]) => {
      const statuses = await adapter.liveStatus(ids);
      const observedAt = new Date();
      return ids.map((id) => statuses.get(id) ?? { state: 'UNKNOWN' as const, observedAt });
    }, { maxBatchSize: 500 }),
    busy: new DataLoader(async (ids: readonly string[]) => {
      const from = new Date();
      const to = new Date(from.getTime() + BUSY_HORIZON_MS);
      return Promise.all(ids.map((id) => adapter.calendar(id, from, to)));
    }),
  });

  const http: GraphqlHttpServer<ConnectorContext> = await serveGraphqlHttp({
    port: options.port,
    host: options.host,
    apollo,
    traceName: `connector ${options.sourceId}`,
    context: newContext,
    routes: {
      // for the institution's own monitoring: says the process is up and nothing else
      '/health': async () => ({ ok: true }),
      '/calendar': fromHub(async (url) => {
        const localId = url.searchParams.get('localId');
        const from = new Date(url.searchParams.get('from') ?? '');
        const to = new Date(url.searchParams.get('to') ?? '');
        if (!localId || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from) throw new HttpError(400, 'calendar needs localId, from and to (ISO instants, from < to)');
        const busy = await adapter.calendar(localId, from, to);
        return { busy: busy.map((b) => ({ from: b.from.toISOString(), to: b.to.toISOString() })) };
      }),
      '/bookings/place': fromHub(async (_url, request, text) => {
        if (!adapter.placeBooking) throw new HttpError(501, `source ${sourceId}: the owner's system takes no bookings`);
        const body = parseJsonBody(text, request.headers['content-type']) as { bookingId?: string; localId?: string; from?: string; to?: string; holder?: string; purpose?: string };
        if (!body.bookingId || !body.localId || !body.from || !body.to) throw new HttpError(400, 'a booking needs bookingId, localId, from and to');
        return adapter.placeBooking({ bookingId: body.bookingId, localId: body.localId, from: new Date(body.from), to: new Date(body.to), holder: body.holder ?? '', purpose: body.purpose ?? '' });
      }),
      '/bookings/cancel': fromHub(async (_url, request, text) => {
        if (!adapter.cancelBooking) throw new HttpError(501, `source ${sourceId}: the owner's system takes no cancellations`);
        const body = parseJsonBody(text, request.headers['content-type']) as { externalRef?: string };
        if (!body.externalRef) throw new HttpError(400, 'a cancellation needs externalRef');
        await adapter.cancelBooking(body.externalRef);
        return { cancelled: true };
      }),
      '/usage': fromHub(async (url) => {
        if (!adapter.listUsage) throw new HttpError(501, `source ${sourceId}: the owner's system reports no usage`);
        const since = url.searchParams.get('since') ? new Date(url.searchParams.get('since')!) : undefined;
        if (since && Number.isNaN(since.getTime())) throw new HttpError(400, `since is not a timestamp: ${url.searchParams.get('since')}`);
        const iso = (d: unknown) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : String(d));
        return { sessions: (await adapter.listUsage(since)).map((u) => ({ ...u, startedAt: iso(u.startedAt), endedAt: iso(u.endedAt) })) };
      }),
      '/harvest': fromHub(async (url) => {
        const sinceText = url.searchParams.get('since');
        const since = sinceText ? new Date(sinceText) : undefined;
        if (since && Number.isNaN(since.getTime())) throw new HttpError(400, `since is not a timestamp: ${sinceText}`);
        return harvestPage({ since, cursor: url.searchParams.get('cursor') ?? undefined, limit: Number(url.searchParams.get('limit') ?? 1000) || 1000 });
      }),
    },
  });

  return {
    sourceId,
    typeName,
    url: http.url,
    typeDefs,
    harvestPage,
    async close() {
      await http.close();
      await apollo.stop();
      await adapter.close?.();
    },
  };
}
