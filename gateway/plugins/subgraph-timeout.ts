/**
 * A per-subgraph timeout. A connector that is down or slow must not hold the whole response:
 * its fetch is cut at the deadline and fails with an error naming the source, so the gateway
 * returns its fields as null with that error and the rest of the response intact.
 */
import { GraphQLError } from 'graphql';
import type { Fetcher } from '@apollo/utils.fetcher';
import { logUnderId } from '../../connectors/sdk/error-masking.ts';

export interface SubgraphTimeoutOptions {
  /** subgraph name: a source id for connectors, the hub subgraph's name otherwise */
  name: string;
  isSource: boolean;
  timeoutMs: number;
}

export function fetcherWithTimeout(options: SubgraphTimeoutOptions): Fetcher {
  const who = options.isSource ? `source ${options.name}` : `hub subgraph ${options.name}`;
  const timedFetch = async (url: string, init?: RequestInit) => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      if (timedOut) {
        throw new GraphQLError(`${who}: no answer within ${options.timeoutMs} ms`, { extensions: { code: 'SOURCE_TIMEOUT', ...(options.isSource ? { sourceId: options.name } : {}) } });
      }
      // the cause names the connector's address, which is the operator's to know, not the caller's
      const errorId = logUnderId(error instanceof Error ? (error.cause as Error | undefined) ?? error : error, `reaching ${who} at ${url}`);
      throw new GraphQLError(`${who}: unreachable (logged as ${errorId})`, {
        extensions: { code: 'SOURCE_UNAVAILABLE', errorId, ...(options.isSource ? { sourceId: options.name } : {}) },
      });
    }
  };
  return timedFetch as unknown as Fetcher;
}
