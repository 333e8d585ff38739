/**
 * Starts a whole hub in one process: the database, the hub's subgraphs, a connector per
 * registered source, the composition, the gateway, and (optionally) the demo sources.
 */
import path from 'node:path';
import { openHubDatabase, type HubDatabase } from '../subgraphs/storage/database.ts';
import { startCatalogSubgraph } from '../subgraphs/catalog/catalog-subgraph.ts';
import { ownerSystems } from '../subgraphs/registry/owner-systems.ts';
import { activeBookingIntervals } from '../subgraphs/booking/booking-store.ts';
import { calendarFeeds } from '../subgraphs/booking/calendar-feeds.ts';
import type { RunningSubgraph } from '../subgraphs/serve-hub-subgraph.ts';
import { HUB_SUBGRAPH_MODULES } from './hub-subgraphs.ts';
import { SourceRegistry } from '../subgraphs/registry/source-registry.ts';
import { RegistryComposition } from './supergraph/registry-composition.ts';
import { startGateway } from './server.ts';
import { createAuthenticator } from '../subgraphs/auth/authenticate.ts';
import { adminToken, hubSecret, lockDataDir, userTokenSecret } from './hub-files.ts';
import { createSealer } from '../subgraphs/storage/sealed-text.ts';
import { createUserTokens, tokenMaxDaysFromEnv, type UserTokens } from '../subgraphs/auth/user-tokens.ts';
import { findUsers } from '../subgraphs/accounts/user-store.ts';
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
  const dataDir = path.resolve(options.dataDir);
  lockDataDir(dataDir);
  const sealer = createSealer(hubSecret(dataDir), 'source configs and connector credentials');
  const token = adminToken(dataDir);
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((error: unknown) => log(`while stopping: ${String(error)}`));
  };
  try {
    const database = await openHubDatabase({ databaseUrl: options.databaseUrl, dataDir, schema: options.databaseSchema });
    closers.push(() => database.close());
    // the embedded database's files, as it created them
    lockDataDir(dataDir);
    log(`database: ${database.describe}`);
    const { db } = database;

    const userTokens = createUserTokens({
      secret: userTokenSecret(dataDir),
      jwksFile: options.jwksFile,
      findUser: async (id) => (await findUsers(db, [id])).get(id) ?? null,
      maxDays: tokenMaxDaysFromEnv(),
    });
    log(userTokens.describe);

    const authenticate = createAuthenticator(token, (bearer) => userTokens.verify(bearer));
    const registry = new SourceRegistry(db, { baseDir: dataDir, log, schedule: options.schedule ?? true, sealer, writeHarvestsInSteps: database.kind === 'pglite' });
    closers.push(() => registry.close());

    const demoToHarvest: string[] = [];
    if (options.demo) {
      // loaded only when asked for: the demo's generator and servers are not part of a production hub
      const { startDemoSources } = await import('../connectors/demo/start-demo-sources.ts');
      const demo = await startDemoSources(path.join(dataDir, 'demo'));
      closers.push(() => demo.close());
      const stored = new Set((await registry.store.list()).map((s) => s.id));
      for (const source of demo.sources) {
        if (stored.has(source.id)) {
          // the demo REST API listens on a new port each start
          await registry.store.updateConfig(source.id, source.config as Record<string, unknown>);
        } else {
          await registry.add({ id: source.id, kind: source.kind, config: source.config as Record<string, unknown>, displayName: source.displayName });
          demoToHarvest.push(source.id);
        }
      }
    }
    await registry.start();

    const owners = ownerSystems(registry);
    const catalog = await startCatalogSubgraph(db, {
      // availability search counts the hub's own bookings and each owner's calendar, read through its connector
      ownerCalendar: async (instrumentId, from, to) => [
        ...await activeBookingIntervals(db, instrumentId, from, to),
        ...await owners.calendar(instrumentId, from, to),
      ],
    });
    closers.push(() => catalog.close());
    const composition = new RegistryComposition({
      connectors: () => registry.connectorSubgraphs(),
      hubSubgraphs: () => hubSubgraphs,
      catalog: (sourceIds) => ({ name: 'catalog', url: `${catalog.url}/graphql`, typeDefs: catalog.typeDefs(sourceIds) }),
      useCatalogSources: (sourceIds) => catalog.useSources(sourceIds),
      reportSourceErrors: (errors) => registry.setCompositionErrors(errors),
    }, { db, dataDir, log });
    const hubSubgraphs: RunningSubgraph[] = [];
    for (const module of HUB_SUBGRAPH_MODULES) {
      const running = await module.start({ db, authenticate, dataDir, registry, owners, supergraph: () => composition.state, userTokens, log });
      closers.push(() => running.close());
      hubSubgraphs.push(running);
    }
    registry.onChange(() => composition.recompose());
    if (database.kind === 'postgres') {
      // replicas share the server database: what one of them adds or removes, the others follow
      const following = setInterval(() => void registry.sync().catch((error: unknown) => log(`following the source registry failed: ${String(error)}`)), options.registrySyncMs ?? 10_000);
      closers.push(async () => clearInterval(following));
    }

    const gateway = await startGateway({
      port: options.port,
      host: options.host,
      composition,
      authenticate,
      sourceCredential: (sourceId) => registry.connectorEndpoint(sourceId)?.credential ?? null,
      hubSubgraphNames: ['catalog', ...HUB_SUBGRAPH_MODULES.map((m) => m.name)],
      sourceTimeoutMs: options.sourceTimeoutMs ?? 2000,
      hubTimeoutMs: 30_000,
      limits,
      feeds: calendarFeeds(db),
      observability: createObservability({ db, supergraph: () => composition.state, logger: options.logger ?? pino({ level: 'silent' }) }),
      drainMs: options.drainMs ?? 10_000,
    });
    closers.push(() => gateway.close());

    for (const id of demoToHarvest) await registry.harvest(id, { full: true });
    if (demoToHarvest.length > 0) {
      const { seedDemoUsage } = await import('../connectors/demo/seed-demo-usage.ts');
      log(`demo: ${(await seedDemoUsage(db, demoToHarvest, new Date())).toLocaleString('en-US')} usage sessions of the last 12 months recorded`);
      log(await (await import('../connectors/demo/seed-demo-flags.ts')).seedDemoFlags(db, registry, new Date()));
      log(await (await import('../connectors/demo/seed-demo-leasing.ts')).seedDemoLeasing(db, new Date()));
    }
    const demoUserIds: string[] = [];
    if (options.demo) {
      const { seedDemoUsers } = await import('../connectors/demo/demo-users.ts');
      demoUserIds.push(...await seedDemoUsers(db));
    }

    return {
      url: gateway.url,
      graphqlUrl: `${gateway.url}/graphql`,
      adminToken: token,
      database,
      registry,
      composition,
      userTokens,
      demoUserIds,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
