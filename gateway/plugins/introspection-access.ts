/**
 * Introspection (`__schema`, `__type`) only for the callers IRHUB_INTROSPECTION names (staff by
 * default): the whole graph's shape, every source's type included, is a map for an attacker and
 * of no use to an anonymous portal visitor. `__typename` stays open to everyone.
 */
import { GraphQLError, type ValidationRule } from 'graphql';

export const INTROSPECTION_NOT_ALLOWED = 'INTROSPECTION_NOT_ALLOWED';

export const introspectionRefusedRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value !== '__schema' && node.name.value !== '__type') return;
    context.reportError(new GraphQLError(`${node.name.value}: introspection is not open to this caller (IRHUB_INTROSPECTION)`, {
      nodes: [node],
      extensions: { code: INTROSPECTION_NOT_ALLOWED, http: { status: 403 } },
    }));
  },
});
