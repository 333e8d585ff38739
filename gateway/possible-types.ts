/**
 * The concrete types of each interface and union of the served graph, as client caches want them
 * (Apollo Client's `possibleTypes`, urql Graphcache's `schema`, Relay's abstract-type checks).
 * Each source has an instrument type of its own, so the map changes whenever a source joins or
 * leaves; a list introspected when the portal was built would go stale, hence a route that is
 * recomputed from every supergraph the gateway loads. It is open to anonymous callers like
 * `__typename` is: it names no field, only the types any response already names.
 */
import { isAbstractType, type GraphQLSchema } from 'graphql';

export type PossibleTypes = Record<string, string[]>;

export function possibleTypesOf(schema: GraphQLSchema): PossibleTypes {
  const map: PossibleTypes = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type) || type.name.startsWith('__')) continue;
    map[type.name] = schema.getPossibleTypes(type).map((t) => t.name).sort();
  }
  return map;
}
