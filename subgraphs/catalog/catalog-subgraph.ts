/**
 * The catalog subgraph server. Its schema depends on the registered sources, so it is
 * rebuilt (not restarted) when the serving supergraph changes: the port stays, the Apollo
 * instance behind it is swapped.
 */
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { servingOptions } from '../../connectors/sdk/apollo-options.ts';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Knex } from 'knex';
import { serveGraphqlHttp, type GraphqlHttpServer } from '../../connectors/sdk/graphql-http.ts';
import { catalogTypeDefs } from './schema.ts';
import { catalogResolvers, type CatalogContext } from './resolvers.ts';
import { createCatalogLoaders } from './loaders.ts';
import type { OwnerCalendar } from './search/availability.ts';

export interface CatalogSubgraph {
  url: string;
  sourceIds(): readonly string[];
  /** build the schema for these sources (without serving it) to check that it is valid */
  typeDefs(sourceIds: readonly string[]): string;
  /** serve the schema for exactly these sources */
  useSources(sourceIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

async function buildApollo(db: Knex, sourceIds: readonly string[], ownerCalendar: OwnerCalendar): Promise<ApolloServer<CatalogContext>> {
  const schema = buildSubgraphSchema([{ typeDefs: parse(catalogTypeDefs(sourceIds)), resolvers: catalogResolvers(db, sourceIds, ownerCalendar) as never }]);
  const apollo = new ApolloServer<CatalogContext>({ schema, introspection: true, ...servingOptions<CatalogContext>([ApolloServerPluginInlineTraceDisabled()]) });
  await apollo.start();
  return apollo;
}

export async function startCatalogSubgraph(db: Knex, options: { host?: string; port?: number; ownerCalendar: OwnerCalendar }): Promise<CatalogSubgraph> {
  let active: readonly string[] = [];
  let apollo = await buildApollo(db, active, options.ownerCalendar);
  const http: GraphqlHttpServer<CatalogContext> = await serveGraphqlHttp({
    host: options.host,
    port: options.port,
    apollo,
    traceName: 'catalog',
    context: async () => ({ loaders: createCatalogLoaders(db, () => active) }),
  });
  return {
    url: http.url,
    sourceIds: () => active,
    typeDefs: catalogTypeDefs,
    async useSources(sourceIds) {
      const next = await buildApollo(db, sourceIds, options.ownerCalendar);
      const previous = apollo;
      apollo = next;
      active = [...sourceIds];
      http.setApollo(next);
      // let in-flight requests on the old schema finish
      setTimeout(() => void previous.stop(), 5000).unref();
    },
    async close() {
      await http.close();
      await apollo.stop();
    },
  };
}
