/** A refused argument as every hub subgraph reports it: "field: what is wrong", code BAD_USER_INPUT, the field named. */
import { GraphQLError } from 'graphql';

export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field } });
}
