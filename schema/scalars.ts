/** DateTime (ISO 8601 with offset) and Decimal (yuan as a string "1234.50"), shared by every subgraph. */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent "${String(value)}"`);
  return date;
}

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    throw new GraphQLError(`DateTime must be an ISO 8601 date-time with offset, got ${JSON.stringify(value)}`);
  }
  return toDate(value);
}

export const dateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO 8601 date-time with offset',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
    return parseDateTime(ast.value);
  },
});

const DECIMAL = /^-?\d{1,13}(\.\d{1,2})?$/;

export const decimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'Yuan with at most two decimals, serialised as a string "1234.50"',
  serialize: (value) => {
    const n = typeof value === 'number' ? value.toFixed(2) : String(value);
    if (!/^-?\d+(\.\d+)?$/.test(n)) throw new GraphQLError(`Decimal cannot represent "${n}"`);
    const [whole, frac = ''] = n.split('.');
    return `${whole}.${frac.padEnd(2, '0').slice(0, 2)}`;
  },
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT) throw new GraphQLError('Decimal must be a string or number');
    return parseDecimal(ast.value);
  },
});

function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text.trim())) {
    throw new GraphQLError(`Decimal must be a number of yuan with at most two decimals, got ${JSON.stringify(value)}`);
  }
  return text.trim();
}
