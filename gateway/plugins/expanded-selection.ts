/**
 * What the query planner will really be given: the operation with every fragment spread
 * expanded. Two measures of it bound the planner's work, which cannot be interrupted once
 * begun: the number of fields, and how deeply fields of an abstract type nest along one path.
 * The planner type-explodes an abstract field into one branch per implementing type (one per
 * source for Instrument) and combines the options of the branches, so each level of Instrument
 * within Instrument (instrument → fakeBusyFlags → instrument …) multiplies its work: at three
 * sources four rounds of `fakeBusyFlags { instrument }` take a second and five exhaust memory;
 * at thirty sources three already do.
 *
 * Each fragment is measured once and reused, so a document of a few hundred tokens that
 * spreads fragments into each other cannot make this measurement itself expensive.
 */
import {
  getNamedType, isAbstractType, isInterfaceType, isObjectType, Kind,
  type GraphQLNamedType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, type ValidationContext,
} from 'graphql';

export interface ExpandedSize {
  fields: number;
  abstractNesting: number;
}

const EMPTY: ExpandedSize = { fields: 0, abstractNesting: 0 };

/** Introspection is governed apart (introspection-access), so its fields are not counted here. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

export function measureOperation(context: ValidationContext, operation: OperationDefinitionNode): ExpandedSize {
  const schema = context.getSchema();
  const fragments = new Map<string, ExpandedSize>();
  const inProgress = new Set<string>();

  function measure(selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined): ExpandedSize {
    let fields = 0;
    let abstractNesting = 0;
    const add = (size: ExpandedSize) => {
      fields += size.fields;
      abstractNesting = Math.max(abstractNesting, size.abstractNesting);
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (INTROSPECTION_FIELDS.has(selection.name.value)) continue;
        const fieldType = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value]?.type : undefined;
        const named = fieldType ? getNamedType(fieldType) : undefined;
        const below = selection.selectionSet ? measure(selection.selectionSet, named) : EMPTY;
        add({ fields: 1 + below.fields, abstractNesting: (named && isAbstractType(named) ? 1 : 0) + below.abstractNesting });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(measure(selection.selectionSet, selection.typeCondition ? typeNamed(schema, selection.typeCondition.name.value) : parent));
      } else {
        add(measureFragment(selection.name.value));
      }
    }
    return { fields, abstractNesting };
  }

  function measureFragment(name: string): ExpandedSize {
    const known = fragments.get(name);
    if (known) return known;
    // a cycle of spreads is refused by graphql's own validation; here it only must not recurse forever
    if (inProgress.has(name)) return EMPTY;
    const fragment = context.getFragment(name);
    if (!fragment) return EMPTY;
    inProgress.add(name);
    const size = measure(fragment.selectionSet, typeNamed(schema, fragment.typeCondition.name.value));
    inProgress.delete(name);
    fragments.set(name, size);
    return size;
  }

  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return measure(operation.selectionSet, root ?? undefined);
}

function typeNamed(schema: GraphQLSchema, name: string): GraphQLNamedType | undefined {
  return schema.getType(name) ?? undefined;
}
