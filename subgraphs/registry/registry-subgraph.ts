/** The registry subgraph: the admin API over the source registry. Every operation needs ADMIN. */
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { dateTimeScalar } from '../../schema/scalars.ts';
import { requireRole } from '../auth/hub-claims.ts';
import { serveHubSubgraph, type HubContext, type HubServices, type HubSubgraphModule } from '../serve-hub-subgraph.ts';
import type { SourceStatus } from './source-registry.ts';
import { addCentreSynonym, decideSynonym, listSynonyms, type SynonymRow, type SynonymStatus } from '../catalog/search/learned-synonyms.ts';
import { foldText } from '../catalog/search/text-analysis.ts';
import type { ConnectorKind, HarvestRunRow } from './source-store.ts';
import { HttpError, type JsonRoute } from '../../connectors/sdk/graphql-http.ts';

const REGISTRY_SDL = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

export interface SupergraphState {
  sdl: string | null;
  composedAt: Date | null;
  sourceIds: string[];
  composeMs: number | null;
  /** the served composition's hints, counted by code */
  hintCounts: Record<string, number>;
  lastError: string | null;
  lastErrorAt: Date | null;
}

function admin(context: HubContext, action: string): void {
  requireRole(context.claims, ['ADMIN'], action);
}

function parseConfig(id: string, text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    throw new GraphQLError(`source ${id}: config is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  throw new GraphQLError(`source ${id}: config must be a JSON object`, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** where a gateway running as a process of its own gets the secrets it signs its calls to connectors with */
export const CONNECTOR_CREDENTIALS_PATH = '/connector-credentials';

/**
 * The connectors' credentials, for the hub's own gateway only: it shows the key derived from the hub's
 * secret (IRHUB_SECRET), which a holder could equally use to open the sealed copies in the database.
 * Users' tokens, the admin's included, get nothing here: identity and connector secrets stay apart.
 */
function connectorCredentialsRoute(services: HubServices): JsonRoute {
  const expected = Buffer.from(`Bearer ${services.gatewayKey}`);
  return async (_url, request) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'connector credentials are given to the hub\'s gateway only (Authorization: Bearer <key derived from IRHUB_SECRET>)');
    return { credentials: services.registry.connectorCredentials() };
  };
}

function startRegistrySubgraph(services: HubServices) {
  const { db, registry, supergraph } = services;
  const sourceView = (status: SourceStatus) => ({ ...status, id: status.source.id });
  const resolvers: GraphQLResolverMap<HubContext> = {
    DateTime: dateTimeScalar,
    Query: {
      sources: async (_root, _args, context: HubContext) => {
        admin(context, 'listing sources');
        return (await registry.status()).map(sourceView);
      },
      source: async (_root, args: { id: string }, context: HubContext) => {
        admin(context, 'reading a source');
        const [status] = await registry.status([args.id]);
        return status ? sourceView(status) : null;
      },
      searchSynonyms: async (_root, args: { status?: SynonymStatus | null; first: number }, context: HubContext) => {
        admin(context, 'listing search synonyms');
        return listSynonyms(db, args.status ?? null, Math.min(Math.max(args.first, 0), 500));
      },
      supergraph: (_root, _args, context: HubContext) => {
        admin(context, 'reading the supergraph');
        return supergraph();
      },
    },
    Mutation: {
      decideSearchSynonym: async (_root, args: { id: string; status: SynonymStatus }, context: HubContext) => {
        const claims = requireRole(context.claims, ['ADMIN'], 'deciding a search synonym');
        const decided = await decideSynonym(db, Number(args.id), args.status, claims.sub);
        if (!decided) throw new GraphQLError(`id: no search synonym ${args.id}`, { extensions: { code: 'BAD_USER_INPUT' } });
        return decided;
      },
      addSearchSynonym: async (_root, args: { term: string; synonym: string }, context: HubContext) => {
        const claims = requireRole(context.claims, ['ADMIN'], 'adding a search synonym');
        const term = foldText(args.term).trim();
        const synonym = foldText(args.synonym).trim();
        if (!term || term.length > 80) throw new GraphQLError('term: 1 to 80 characters', { extensions: { code: 'BAD_USER_INPUT' } });
        if (!synonym || synonym.length > 80 || synonym === term) throw new GraphQLError('synonym: 1 to 80 characters, other than the term', { extensions: { code: 'BAD_USER_INPUT' } });
        return addCentreSynonym(db, term, synonym, claims.sub);
      },
      addSource: async (_root, args: { input: { id: string; kind: string; config: string; displayName?: string; schedule?: string; harvest?: boolean; credential?: string | null } }, context: HubContext) => {
        admin(context, 'adding a source');
        const { input } = args;
        await registry.add({
          id: input.id,
          kind: input.kind.toLowerCase() as ConnectorKind,
          config: parseConfig(input.id, input.config),
          displayName: input.displayName,
          schedule: input.schedule,
          credential: input.credential,
        });
        const harvest = input.harvest === false ? null : await registry.harvest(input.id, { full: true });
        const [status] = await registry.status([input.id]);
        return { source: sourceView(status), harvest };
      },
      removeSource: async (_root, args: { id: string }, context: HubContext) => {
        admin(context, 'removing a source');
        await registry.remove(args.id);
        return true;
      },
      harvestSource: async (_root, args: { id: string; full?: boolean }, context: HubContext) => {
        admin(context, 'harvesting a source');
        return registry.harvest(args.id, { full: args.full ?? false });
      },
      rotateSourceCredential: async (_root, args: { id: string }, context: HubContext) => {
        admin(context, 'rotating a source\'s credential');
        const { source, credential } = await registry.rotateCredential(args.id);
        const [status] = await registry.status([args.id]);
        // the hub's own connectors already use it: it need not leave the hub
        return { source: sourceView(status), credential: source.kind === 'remote' ? credential : null };
      },
    },
    Source: {
      kind: (s: SourceStatus) => s.source.kind.toUpperCase(),
      displayName: (s: SourceStatus) => s.source.display_name,
      schedule: (s: SourceStatus) => s.source.schedule,
      connectorUrl: (s: SourceStatus) => s.connector?.url ?? null,
      inSupergraph: (s: SourceStatus) => supergraph().sourceIds.includes(s.source.id),
      harvestedUntil: (s: SourceStatus) => s.source.harvested_until,
      createdAt: (s: SourceStatus) => s.source.created_at,
      runs: (s: SourceStatus, args: { first: number }) => db('harvest_runs').where({ source_id: s.source.id }).orderBy('id', 'desc').limit(Math.min(args.first, 100)),
    },
    SearchSynonym: {
      exampleInstrumentIds: (r: SynonymRow) => r.example_instrument_ids,
      decidedBy: (r: SynonymRow) => r.decided_by,
      decidedAt: (r: SynonymRow) => r.decided_at,
    },
    HarvestRun: {
      sourceId: (r: HarvestRunRow) => r.source_id,
      startedAt: (r: HarvestRunRow) => r.started_at,
      finishedAt: (r: HarvestRunRow) => r.finished_at,
      durationMs: (r: HarvestRunRow) => r.duration_ms,
      rejectedRows: (r: HarvestRunRow, args: { first: number }) => r.rejected_rows.slice(0, Math.max(0, args.first)),
    },
  };
  return serveHubSubgraph({
    name: 'registry', typeDefs: REGISTRY_SDL, resolvers, authenticate: services.authenticate, listen: services.listen,
    routes: { [CONNECTOR_CREDENTIALS_PATH]: connectorCredentialsRoute(services) },
  });
}

export const registrySubgraph: HubSubgraphModule = { name: 'registry', start: startRegistrySubgraph };
