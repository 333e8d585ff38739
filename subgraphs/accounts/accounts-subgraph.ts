/** The accounts subgraph: users and the tokens the hub issues them. */
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { dateTimeScalar } from '../../schema/scalars.ts';
import { requireRole, type Role } from '../auth/hub-claims.ts';
import { serveHubSubgraph, type HubContext, type HubServices, type HubSubgraphModule } from '../serve-hub-subgraph.ts';
import { addUser, changeUser, findUsers, listUsers, type AccountChange } from './user-store.ts';

const ACCOUNTS_SDL = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

function startAccountsSubgraph(services: HubServices) {
  const { db, userTokens, log } = services;
  const change = async (context: HubContext, id: string, what: AccountChange, action: string) => {
    const admin = requireRole(context.claims, ['ADMIN'], action);
    const user = await changeUser(db, id, what);
    userTokens.forget(id);
    log(`accounts: ${action} ${id} by ${admin.sub}: ${JSON.stringify(what)}`);
    return user;
  };
  const resolvers: GraphQLResolverMap<HubContext> = {
    DateTime: dateTimeScalar,
    Query: {
      me: async (_root, _args, context: HubContext) => {
        if (!context.claims) return null;
        if (context.claims.sub === 'admin' && context.claims.role === 'ADMIN') return { id: 'admin', displayName: 'hub administrator', role: 'ADMIN', institutionId: '', institutionName: '' };
        return (await findUsers(db, [context.claims.sub])).get(context.claims.sub) ?? null;
      },
      users: (_root, args: { institutionId?: string | null }, context: HubContext) => {
        requireRole(context.claims, ['ADMIN'], 'listing users');
        return listUsers(db, args.institutionId ?? null);
      },
    },
    Mutation: {
      addUser: (_root, args: { input: { id: string; institutionId: string; institutionName?: string | null; role: Role; displayName?: string | null } }, context: HubContext) => {
        requireRole(context.claims, ['ADMIN'], 'adding a user');
        return addUser(db, args.input);
      },
      issueToken: async (_root, args: { userId: string; days: number }, context: HubContext) => {
        requireRole(context.claims, ['ADMIN'], 'issuing a token');
        if (!(await findUsers(db, [args.userId])).has(args.userId)) {
          throw new GraphQLError(`userId: no user ${args.userId}; add it first (npx irhub users add ${args.userId} --institution <id>)`, { extensions: { code: 'NOT_FOUND', field: 'userId' } });
        }
        return { userId: args.userId, ...(await userTokens.issue(args.userId, args.days)) };
      },
      disableUser: (_root, args: { id: string }, context: HubContext) => change(context, args.id, { disabled: true }, 'disabling a user'),
      enableUser: (_root, args: { id: string }, context: HubContext) => change(context, args.id, { disabled: false }, 'enabling a user'),
      setUserRole: (_root, args: { id: string; role: Role }, context: HubContext) => change(context, args.id, { role: args.role }, 'changing a role'),
      revokeUserTokens: (_root, args: { id: string }, context: HubContext) => change(context, args.id, { revokeTokens: true }, 'revoking tokens'),
    },
  };
  return serveHubSubgraph({ name: 'accounts', typeDefs: ACCOUNTS_SDL, resolvers, authenticate: services.authenticate, listen: services.listen });
}

export const accountsSubgraph: HubSubgraphModule = { name: 'accounts', start: startAccountsSubgraph };
