/**
 * The gateway: Apollo Server over @apollo/gateway, fed by the registry composition strategy.
 * It authenticates the caller (a bad token is a 401 before any planning) and passes the
 * caller's own Authorization header to the hub's subgraphs, which verify it again, and to
 * nothing else: a connector gets no identity, only the hub's signature made with its source's
 * secret.
 */
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions, type SupergraphManager } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { context as otelContext, propagation } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { serveGraphqlHttp, type StaticResponse } from '../connectors/sdk/graphql-http.ts';
import { servingOptions } from '../connectors/sdk/apollo-options.ts';
import { disableVendorTelemetry } from '../connectors/sdk/vendor-telemetry.ts';
import type { HubClaims } from '../subgraphs/auth/hub-claims.ts';
import type { Authenticator } from '../subgraphs/auth/authenticate.ts';
import { signedInit } from '../connectors/sdk/hub-credential.ts';
import type { Fetcher } from '@apollo/utils.fetcher';
import { fetcherWithTimeout } from './plugins/subgraph-timeout.ts';
import { queryLimitsPlugin } from './plugins/query-limits.ts';
import { fieldSuggestionsPlugin } from './plugins/field-suggestions.ts';
import { createRateLimiter } from './plugins/rate-limit.ts';
import type { GatewayLimits } from './limits.ts';
import type { SupergraphState } from '../subgraphs/registry/registry-subgraph.ts';
import { possibleTypesOf, type PossibleTypes } from './possible-types.ts';
import { graphqlIde } from './ide/graphql-ide.ts';
import type { Observability } from './observability/observability.ts';
import { accessLog } from './observability/access-log.ts';
import { observabilityPlugin } from './plugins/observability.ts';

export interface GatewayContext extends BaseContext {
  claims: HubClaims | null;
  /** the caller's Authorization header, for the hub's subgraphs only */
  authorization?: string;
}

/**
 * A way of getting the supergraph, a strategy in @apollo/gateway's sense: the hub's registry
 * composition (supergraph/registry-composition.ts) or a file (supergraph/file-supergraph.ts).
 */
export interface ServedSupergraph extends SupergraphManager {
  readonly state: SupergraphState;
}

export interface GatewayOptions {
  port: number;
  host?: string;
  supergraph: ServedSupergraph;
  authenticate: Authenticator;
  /** the secret of a source's connector, which every fetch to it is signed with */
  sourceCredential: (sourceId: string) => string | null;
  /** names of the hub's own subgraphs (everything else is a source) */
  hubSubgraphNames: readonly string[];
  sourceTimeoutMs: number;
  hubTimeoutMs: number;
  limits: GatewayLimits;
  /** plain GET routes of the hub's own (the calendar feeds): a response, or null for other paths */
  feeds?: (request: IncomingMessage, url: URL) => Promise<StaticResponse | null>;
  observability: Observability;
  /** on close, how long requests in flight are given to finish */
  drainMs: number;
}

class HubDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(options: ConstructorParameters<typeof RemoteGraphQLDataSource>[0], private readonly isHubSubgraph: boolean) {
    super(options);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (this.isHubSubgraph && 'authorization' in context && context.authorization) request.http?.headers.set('authorization', context.authorization);
    // the subgraph continues the trace of this fetch (gateway.fetch is the active span here); nothing without tracing
    const headers = request.http?.headers;
    if (headers) propagation.inject(otelContext.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
  }

  /** A subgraph that refuses a request (a variable its scalar rejects) says why; pass that on, not "400: Bad Request". */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body;
    const first = body && typeof body === 'object' && 'errors' in body && Array.isArray(body.errors) ? body.errors[0] as { message?: unknown; extensions?: Record<string, unknown> } : null;
    if (typeof first?.message !== 'string') return error;
    return new GraphQLError(first.message, { extensions: { ...first.extensions, code: first.extensions?.code ?? error.extensions.code } });
  }
}

/** Each fetch to a connector signed over its exact body, with the source's current secret. */
function signedFetcher(sourceId: string, inner: Fetcher, credential: (sourceId: string) => string | null): Fetcher {
  const signed = (url: string, init?: RequestInit) => {
    const secret = credential(sourceId);
    if (!secret) throw new GraphQLError(`source ${sourceId}: the hub holds no credential for its connector`, { extensions: { code: 'SOURCE_UNAVAILABLE', sourceId } });
    return (inner as unknown as (url: string, init?: RequestInit) => Promise<Response>)(url, signedInit(secret, url, init));
  };
  return signed as unknown as Fetcher;
}

/** until the first supergraph is loaded, the graph and readiness answer 503 rather than wait */
function notLoaded(url: URL): StaticResponse | null {
  if (url.pathname !== '/ready' && url.pathname.replace(/(.)\/$/, '$1') !== '/graphql') return null;
  const body = url.pathname === '/ready'
    ? { ready: false, supergraph: 'not loaded yet' }
    : { errors: [{ message: 'the gateway has not loaded a supergraph yet', extensions: { code: 'SUPERGRAPH_NOT_LOADED' } }] };
  return { status: 503, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '1' }, body: JSON.stringify(body) };
}

export async function startGateway(options: GatewayOptions) {
  disableVendorTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraph,
    buildService: ({ name, url }) => {
      const isSource = !options.hubSubgraphNames.includes(name);
      const timed = fetcherWithTimeout({ name, isSource, timeoutMs: isSource ? options.sourceTimeoutMs : options.hubTimeoutMs });
      return new HubDataSource({ url, fetcher: isSource ? signedFetcher(name, timed, options.sourceCredential) : timed }, !isSource);
    },
  });
  let possibleTypes: PossibleTypes = {};
  let loaded = false;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    possibleTypes = possibleTypesOf(apiSchema);
    loaded = true;
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // who may introspect is decided per caller by queryLimitsPlugin (IRHUB_INTROSPECTION)
    introspection: true,
    ...servingOptions<GatewayContext>([
      queryLimitsPlugin(options.limits),
      fieldSuggestionsPlugin(options.limits.fieldSuggestions),
      observabilityPlugin(options.observability.logger, options.observability.metrics),
    ]),
  });
  const rateLimit = createRateLimiter(options.limits.rate);
  const ide = graphqlIde();
  const http = await serveGraphqlHttp<GatewayContext>({
    port: options.port,
    host: options.host ?? '0.0.0.0',
    apollo,
    traceName: 'gateway',
    maxBodyBytes: options.limits.maxBodyBytes,
    onRequest: accessLog(options.observability.logger, options.observability.metrics),
    files: async (request, url) => (loaded ? null : notLoaded(url)) ?? (await options.observability.routes(request, url)) ?? (await ide(request, url)) ?? (await options.feeds?.(request, url)) ?? null,
    context: async (request) => {
      const authorization = request.headers.authorization;
      let claims: HubClaims | null;
      try {
        claims = await options.authenticate(authorization);
      } catch (error) {
        if (error instanceof GraphQLError) throw error;
        throw new GraphQLError('bearer token is not valid', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      await rateLimit(claims, request.socket.remoteAddress ?? 'unknown');
      return { claims, authorization };
    },
    routes: {
      '/health': async () => ({ ok: true, sources: options.supergraph.state.sourceIds, composedAt: options.supergraph.state.composedAt }),
      '/possible-types.json': async () => possibleTypes,
    },
  });
  // the port answers (503) while the supergraph loads, which a gateway reading a file may wait for
  const started = apollo.start();
  return {
    url: http.url,
    port: http.port,
    /** resolves once the first supergraph is served; rejects when the gateway cannot start */
    started,
    async close() {
      await http.close(options.drainMs);
      await started.then(() => apollo.stop(), () => undefined);
    },
  };
}
