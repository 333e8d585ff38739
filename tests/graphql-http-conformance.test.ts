/**
 * The HTTP front every server of the hub uses (connectors/sdk/graphql-http.ts) behaves as Apollo
 * Server's own integrations do: Apollo's integration test suite, run in full against it.
 */
import { ApolloServer, type BaseContext } from '@apollo/server';
import { defineIntegrationTestSuite } from '@apollo/server-integration-testsuite';
import { serveGraphqlHttp } from '../connectors/sdk/graphql-http.ts';

defineIntegrationTestSuite(async (serverOptions, testOptions) => {
  const server = new ApolloServer<BaseContext>({ ...serverOptions });
  await server.start();
  const http = await serveGraphqlHttp<BaseContext>({ apollo: server, context: testOptions?.context ?? (async () => ({})) });
  return { server, url: `${http.url}/graphql`, extraCleanup: () => http.close() };
});
