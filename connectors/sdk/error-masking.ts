/**
 * What a caller may read of an error. An error the code raises on purpose is a GraphQLError (bad
 * input, forbidden, a source unavailable, graphql's own validation) and is passed on as it is, and
 * so is a subgraph's error passed on by the gateway (each subgraph masks its own).
 * Anything else — a database error quoting its SQL statement, a TypeError naming a file — is logged
 * here under an id and answered as "internal error" with that id (code INTERNAL_SERVER_ERROR), so
 * the operator can find it and the caller learns nothing of the inside. Stack traces never leave.
 */
import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const INTERNAL_ERROR_MESSAGE = 'internal error';

export type ErrorLog = (line: string) => void;

const consoleLog: ErrorLog = (line) => console.error(line);

/** Logs an error's detail (stack included) under a new id, and returns the id to give the caller. */
export function logUnderId(error: unknown, where: string, log: ErrorLog = consoleLog): string {
  const errorId = randomUUID();
  log(`error ${errorId}${where ? ` ${where}` : ''}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  return errorId;
}

export function maskUnexpectedErrors(log: ErrorLog = consoleLog) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    // a subgraph's error reaches the gateway as the plain object of its response, already masked there
    if (!(original instanceof Error) || original instanceof GraphQLError) {
      const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const errorId = logUnderId(original, formatted.path ? `at ${formatted.path.join('.')}` : '', log);
    return { message: `${INTERNAL_ERROR_MESSAGE} (logged as ${errorId})`, path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } };
  };
}
