/**
 * "Did you mean …" in validation errors spells out field names the caller did not know, so they
 * are masked (graphql-armor's mask) except for the callers IRHUB_FIELD_SUGGESTIONS names (staff by default).
 */
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { HubClaims } from '../../subgraphs/auth/hub-claims.ts';
import { callerTier, type CallerTier } from '../limits.ts';

const SUGGESTION = /Did you mean ".+"\?/g;
const MASK = '[Suggestion hidden]';

export function fieldSuggestionsPlugin<TContext extends { claims: HubClaims | null }>(allowed: readonly CallerTier[]): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }: GraphQLRequestContext<TContext>) {
      if (allowed.includes(callerTier(contextValue.claims))) return;
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) error.message = error.message.replace(SUGGESTION, MASK).trim();
        },
      };
    },
  };
}
