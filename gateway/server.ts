/**
 * The gateway: Apollo Server over @apollo/gateway, fed by the registry composition strategy.
 * It authenticates the caller once and forwards the claims, signed, to every subgraph.
 */
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { serveGraphqlHttp } from '../connectors/sdk/graphql-http.ts';
import { CLAIMS_HEADER, signHubClaims, type HubClaims } from '../subgraphs/auth/hub-claims.ts';
import type { Authenticator } from './plugins/authenticate.ts';
import { fetcherWithTimeout } from './plugins/subgraph-timeout.ts';
import type { RegistryComposition } from './supergraph/registry-composition.ts';

export interface GatewayContext extends BaseContext {
  claims: HubClaims | null;
  /** the claims as the signed header subgraphs trust, made once per request */
  claimsToken: string;
}

export interface GatewayOptions {
  port: number;
  host?: string;
  composition: RegistryComposition;
  authenticate: Authenticator;
  secret: Uint8Array;
  /** names of the hub's own subgraphs (everything else is a source) */
  hubSubgraphNames: readonly string[];
  sourceTimeoutMs: number;
  hubTimeoutMs: number;
}

class HubDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if ('claimsToken' in context) request.http?.headers.set(CLAIMS_HEADER, context.claimsToken);
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

export async function startGateway(options: GatewayOptions) {
  const gateway = new ApolloGateway({
    supergraphSdl: options.composition,
    buildService: ({ name, url }) => {
      const isSource = !options.hubSubgraphNames.includes(name);
      return new HubDataSource({
        url,
        fetcher: fetcherWithTimeout({ name, isSource, timeoutMs: isSource ? options.sourceTimeoutMs : options.hubTimeoutMs }),
      });
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // the hub stops every server itself on SIGINT/SIGTERM (gateway/cli/start-command.ts), in order
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  const http = await serveGraphqlHttp<GatewayContext>({
    port: options.port,
    host: options.host ?? '0.0.0.0',
    apollo,
    context: async (request) => {
      const authorization = request.headers.authorization;
      let claims: HubClaims | null;
      try {
        claims = await options.authenticate(authorization);
      } catch (error) {
        if (error instanceof GraphQLError) throw error;
        throw new GraphQLError('bearer token is not valid', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      return { claims, claimsToken: await signHubClaims(claims, options.secret) };
    },
    routes: {
      '/health': async () => ({ ok: true, sources: options.composition.state.sourceIds, composedAt: options.composition.state.composedAt }),
    },
  });
  return {
    url: http.url,
    port: http.port,
    async close() {
      await http.close();
      await apollo.stop();
    },
  };
}
