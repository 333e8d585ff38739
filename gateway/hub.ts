/**
 * Starts a whole hub in one process: the subgraphs service (database, registry, the hub's
 * subgraphs, a connector per registered source, the composition, optionally the demo sources)
 * and, in front of it, the gateway, all on free ports.
 */
import { calendarFeeds } from '../subgraphs/booking/calendar-feeds.ts';
import type { HubDatabase } from '../subgraphs/storage/database.ts';
import type { SourceRegistry } from '../subgraphs/registry/source-registry.ts';
import type { RegistryComposition } from './supergraph/registry-composition.ts';
import type { UserTokens } from '../subgraphs/auth/user-tokens.ts';
import { startSubgraphsService } from './subgraphs-service.ts';
import { startGateway } from './server.ts';
import { gatewayLimitsFromEnv, type GatewayLimits } from './limits.ts';
import { createObservability } from './observability/observability.ts';
import type { Logger } from './observability/logger.ts';
import { pino } from 'pino';

export interface HubOptions {
  /** gateway port; 0 picks a free one */
  port: number;
  host?: string;
  dataDir: string;
  databaseUrl?: string;
  /** a schema of its own in a server database (tests) */
  databaseSchema?: string;
  demo: boolean;
  /** harvest sources on their cron schedules */
  schedule?: boolean;
  sourceTimeoutMs?: number;
  /** verify users' tokens with an identity provider's keys instead of the hub's own secret */
  jwksFile?: string;
  /** the gateway's limits; from the environment when not given */
  limits?: GatewayLimits;
  log?: (line: string) => void;
  /** the structured log (access log, operation errors); none when not given */
  logger?: Logger;
  /** how often a hub on a server database looks for sources added or removed by its replicas */
  registrySyncMs?: number;
  /** on close, how long requests in flight are given to finish (10 s when not given) */
  drainMs?: number;
}

export interface Hub {
  url: string;
  graphqlUrl: string;
  adminToken: string;
  database: HubDatabase;
  registry: SourceRegistry;
  composition: RegistryComposition;
  userTokens: UserTokens;
  /** the demo's users, when the demo runs */
  demoUserIds: string[];
  close(): Promise<void>;
}

export async function startHub(options: HubOptions): Promise<Hub> {
  const log = options.log ?? ((line: string) => console.log(line));
  // read before anything starts, so a bad limit stops the start with the variable named
  const limits = options.limits ?? gatewayLimitsFromEnv();
  const service = await startSubgraphsService({ ...options, log });
  const { database, registry, composition } = service;
  try {
    const gateway = await startGateway({
      port: options.port,
      host: options.host,
      supergraph: composition,
      authenticate: service.authenticate,
      sourceCredential: (sourceId) => registry.connectorEndpoint(sourceId)?.credential ?? null,
      hubSubgraphNames: service.hubSubgraphNames,
      sourceTimeoutMs: options.sourceTimeoutMs ?? 2000,
      hubTimeoutMs: 30_000,
      limits,
      feeds: calendarFeeds(database.db),
      observability: createObservability({ db: database.db, supergraph: () => composition.state, logger: options.logger ?? pino({ level: 'silent' }) }),
      drainMs: options.drainMs ?? 10_000,
    });
    await gateway.started.catch(async (error: unknown) => {
      await gateway.close();
      throw error;
    });
    return {
      url: gateway.url,
      graphqlUrl: `${gateway.url}/graphql`,
      adminToken: service.adminToken,
      database,
      registry,
      composition,
      userTokens: service.userTokens,
      demoUserIds: service.demoUserIds,
      async close() {
        await gateway.close().catch((error: unknown) => log(`while stopping: ${String(error)}`));
        await service.close();
      },
    };
  } catch (error) {
    await service.close();
    throw error;
  }
}
