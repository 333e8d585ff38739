/**
 * Cost before planning. Every operation is measured against its caller's limits (gateway/limits.ts)
 * as soon as its text is known — before Apollo validates it and before the gateway plans it — so an
 * anonymous document built to make the planner explode is refused in milliseconds, naming the
 * limit it broke (code QUERY_TOO_COMPLEX, extensions.limit).
 *
 * Tokens are bounded by graphql-js's parser itself (it stops at the limit); depth, aliases,
 * directives and estimated cost are graphql-armor's validation rules; fields after fragment
 * expansion and nesting of abstract types are measured by expanded-selection.ts; introspection
 * is refused to callers not allowed it; text with control characters is refused as bad input
 * (control-characters.ts). This runs on every request, also when Apollo's cache
 * already holds the parsed document, since the limits differ by caller.
 */
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError, Kind, parse, validate, visit,
  type ASTVisitor, type DocumentNode, type ValidationContext, type ValidationRule,
} from 'graphql';
import type { HubClaims } from '../../subgraphs/auth/hub-claims.ts';
import { CALLER_TIERS, callerTier, type CallerTier, type GatewayLimits, type QueryLimits } from '../limits.ts';
import { measureOperation } from './expanded-selection.ts';
import { introspectionRefusedRule } from './introspection-access.ts';
import { controlCharacterInput } from './control-characters.ts';

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

const refusals = new WeakSet<Error>();
function refused(error: GraphQLError): GraphQLError {
  refusals.add(error);
  return error;
}

function tooComplex(limit: keyof QueryLimits, max: number, message: string, tier: CallerTier): GraphQLError {
  return new GraphQLError(`${message} (limit for ${tier} callers)`, {
    extensions: { code: QUERY_TOO_COMPLEX, limit, max, http: { status: 400 } },
  });
}

/** graphql-armor reports as "Syntax Error: Query depth limit of 8 exceeded, found 11."; the limit is named in extensions instead. */
function armorRules(limits: QueryLimits, tier: CallerTier): ValidationRule[] {
  const reject = (limit: keyof QueryLimits) => ({
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => {
      context?.reportError(tooComplex(limit, limits[limit], error.message.replace(/^Syntax Error: /, '').replace(/\.$/, ''), tier));
    }],
  });
  return new ApolloArmor({
    blockFieldSuggestion: { enabled: false },
    maxTokens: { enabled: false },
    maxDepth: { n: limits.depth, flattenFragments: true, ...reject('depth') },
    maxAliases: { n: limits.aliases, ...reject('aliases') },
    maxDirectives: { n: limits.directives, ...reject('directives') },
    costLimit: { maxCost: limits.cost, ...reject('cost') },
  }).protect().validationRules;
}

function expandedSizeRule(limits: QueryLimits, tier: CallerTier): ValidationRule {
  return (context): ASTVisitor => ({
    OperationDefinition(operation) {
      const size = measureOperation(context, operation);
      if (size.fields > limits.fields) {
        context.reportError(tooComplex('fields', limits.fields, `Query field limit of ${limits.fields} after fragment expansion exceeded, found ${size.fields}`, tier));
      } else if (size.abstractNesting > limits.abstractNesting) {
        context.reportError(tooComplex('abstractNesting', limits.abstractNesting,
          `Instruments nested within instruments: limit of ${limits.abstractNesting} level(s) exceeded, found ${size.abstractNesting}`, tier));
      }
      return false;
    },
  });
}

/** armor's cost counts `first`/`last` only when written literally; a page size passed as a variable counts as written. */
function withLiteralPageSizes(document: DocumentNode, variables: Record<string, unknown> | undefined): DocumentNode {
  if (!variables) return document;
  return visit(document, {
    Argument(node) {
      if ((node.name.value !== 'first' && node.name.value !== 'last') || node.value.kind !== Kind.VARIABLE) return undefined;
      const value = variables[node.value.name.value];
      return Number.isInteger(value) ? { ...node, value: { kind: Kind.INT, value: String(value) } } : undefined;
    },
  });
}

export function queryLimitsPlugin<TContext extends { claims: HubClaims | null }>(limits: GatewayLimits): ApolloServerPlugin<TContext> {
  const rules = Object.fromEntries(CALLER_TIERS.map((tier) => [tier, [
    ...armorRules(limits.query[tier], tier),
    expandedSizeRule(limits.query[tier], tier),
    ...(limits.introspection.includes(tier) ? [] : [introspectionRefusedRule]),
  ]])) as Record<CallerTier, ValidationRule[]>;

  return {
    // Apollo answers an error thrown before parsing as an unexpected one (500); re-thrown from this
    // hook it becomes the response as it is, status included (graphql-armor's token limit does the same)
    async unexpectedErrorProcessingRequest({ error }) {
      if (refusals.has(error)) throw error;
    },
    async requestDidStart({ contextValue }: GraphQLRequestContext<TContext>) {
      const tier = callerTier(contextValue.claims);
      return {
        async didResolveSource({ source, request, schema }) {
          let document: DocumentNode;
          try {
            document = parse(source, { maxTokens: limits.query[tier].tokens });
          } catch (error) {
            if (error instanceof GraphQLError && /Document contains more tha[nt] \d+ tokens/.test(error.message)) {
              throw refused(tooComplex('tokens', limits.query[tier].tokens, `Query token limit of ${limits.query[tier].tokens} exceeded`, tier));
            }
            // graphql 16 words it "more that N tokens"; any other syntax error is Apollo's to report, as without limits
            return;
          }
          const badText = controlCharacterInput(document, request.variables);
          if (badText) throw refused(badText);
          const errors = validate(schema, withLiteralPageSizes(document, request.variables), rules[tier], { maxErrors: 1 });
          if (errors.length > 0) throw refused(errors[0]);
        },
      };
    },
  };
}
