/**
 * Text a person typed has no NUL or other control characters (tab, line feed and carriage return
 * excepted). Such a character is refused at the edge as bad input naming the argument, before any
 * subgraph sees it: PostgreSQL refuses NUL in text, and its error quotes the whole SQL statement.
 */
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function refusal(argument: string, text: string): GraphQLError {
  const found = CONTROL.exec(text)![0];
  const code = `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return new GraphQLError(`${argument}: control character ${code} is not allowed in text`, {
    extensions: { code: 'BAD_USER_INPUT', argument, http: { status: 400 } },
  });
}

function inVariable(value: unknown, path: string): GraphQLError | null {
  if (typeof value === 'string') return CONTROL.test(value) ? refusal(path, value) : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = inVariable(item, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (CONTROL.test(key)) return refusal(path, key);
      const found = inVariable(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function inLiteral(value: ValueNode, path: string): GraphQLError | null {
  if (value.kind === Kind.STRING) return CONTROL.test(value.value) ? refusal(path, value.value) : null;
  if (value.kind === Kind.LIST) {
    for (const [i, item] of value.values.entries()) {
      const found = inLiteral(item, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (value.kind === Kind.OBJECT) {
    for (const field of value.fields) {
      const found = inLiteral(field.value, `${path}.${field.name.value}`);
      if (found) return found;
    }
  }
  return null;
}

/** The first argument or variable holding a control character, as the error to answer with. */
export function controlCharacterInput(document: DocumentNode, variables: Record<string, unknown> | undefined): GraphQLError | null {
  for (const [name, value] of Object.entries(variables ?? {})) {
    const found = inVariable(value, `$${name}`);
    if (found) return found;
  }
  let found: GraphQLError | null = null;
  visit(document, {
    Field(field) {
      for (const argument of field.arguments ?? []) {
        found ??= inLiteral(argument.value, `${field.name.value}(${argument.name.value})`);
      }
      return found ? false : undefined;
    },
  });
  return found;
}
