/**
 * How every hub subgraph (registry, booking, procurement, oversight…) is served: its SDL and
 * resolvers as a federation subgraph on a free port, with the caller's claims in the context.
 * Each subgraph verifies the caller's own bearer token itself (the gateway passes the header to
 * hub subgraphs only), so it trusts no header a connector could have seen.
 */
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { servingOptions } from '../connectors/sdk/apollo-options.ts';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import type { Knex } from 'knex';
import { serveGraphqlHttp, type GraphqlHttpOptions, type JsonRoute } from '../connectors/sdk/graphql-http.ts';
import type { HubClaims } from './auth/hub-claims.ts';
import type { Authenticator } from './auth/authenticate.ts';
import type { SourceRegistry } from './registry/source-registry.ts';
import type { SupergraphState } from './registry/registry-subgraph.ts';
import type { UserTokens } from './auth/user-tokens.ts';
import type { OwnerSystems } from './registry/owner-systems.ts';

/**
 * Where a hub subgraph listens: a free loopback port when the whole hub runs in one process, the
 * configured host and port when the subgraphs run as a service of their own (stable routing URLs).
 */
export interface ListenAddress {
  host?: string;
  port?: number;
}

export interface HubContext extends BaseContext {
  claims: HubClaims | null;
}

/** What a hub subgraph may use of the hub it runs in. */
export interface HubServices {
  db: Knex;
  /** who the caller of a request is, from its Authorization header */
  authenticate: Authenticator;
  dataDir: string;
  registry: SourceRegistry;
  /** owners' calendars and booking write-back, through their connectors */
  owners: OwnerSystems;
  supergraph: () => SupergraphState;
  userTokens: UserTokens;
  log: (line: string) => void;
  listen: ListenAddress;
  /** what a gateway of this hub shows to be given the connectors' credentials (derived from the hub's secret) */
  gatewayKey: string;
}

export interface RunningSubgraph {
  name: string;
  /** the subgraph's GraphQL endpoint */
  url: string;
  typeDefs: string;
  close(): Promise<void>;
}

/** A hub subgraph: listed once in gateway/hub-subgraphs.ts, started with the hub. */
export interface HubSubgraphModule {
  name: string;
  start(services: HubServices): Promise<RunningSubgraph>;
}

export async function serveHubSubgraph<TContext extends HubContext>(options: {
  name: string;
  typeDefs: string;
  resolvers: GraphQLResolverMap<TContext>;
  authenticate: Authenticator;
  listen: ListenAddress;
  /** plain JSON routes beside /graphql */
  routes?: Record<string, JsonRoute>;
  /** responses of other types beside /graphql (the calendar feeds) */
  files?: GraphqlHttpOptions<TContext>['files'];
  /** adds per-request state (loaders) to the claims */
  context?: (claims: HubClaims | null) => TContext;
}): Promise<RunningSubgraph> {
  const schema = buildSubgraphSchema([{ typeDefs: parse(options.typeDefs), resolvers: options.resolvers as GraphQLResolverMap<unknown> }]);
  const apollo = new ApolloServer<TContext>({ schema, ...servingOptions<TContext>([ApolloServerPluginInlineTraceDisabled()]) });
  await apollo.start();
  const http = await serveGraphqlHttp<TContext>({
    ...options.listen,
    apollo,
    routes: options.routes,
    traceName: options.name,
    files: options.files,
    context: async (request) => {
      const claims = await options.authenticate(request.headers.authorization);
      return options.context ? options.context(claims) : ({ claims } as TContext);
    },
  });
  return {
    name: options.name,
    url: `${http.url}/graphql`,
    typeDefs: options.typeDefs,
    async close() {
      await http.close();
      await apollo.stop();
    },
  };
}
