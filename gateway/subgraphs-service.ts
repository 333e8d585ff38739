/**
 * The hub without its gateway: the database, the source registry and the connectors it hosts, the
 * catalog and the other hub subgraphs, and the composition that checks they compose (and keeps the
 * supergraph that `npx irhub supergraph` prints). `startHub` puts a gateway in front of it in the same
 * process; `npx irhub subgraphs` runs it alone, each subgraph on a configured port, so that the
 * supergraph's routing URLs stay the same across restarts and a gateway of its own (or Apollo Router)
 * can serve it from a file.
 */
import path from 'node:path';
import { openHubDatabase, type HubDatabase } from '../subgraphs/storage/database.ts';
import { startCatalogSubgraph } from '../subgraphs/catalog/catalog-subgraph.ts';
import { ownerSystems } from '../subgraphs/registry/owner-systems.ts';
import { activeBookingIntervals } from '../subgraphs/booking/booking-store.ts';
import type { ListenAddress, RunningSubgraph } from '../subgraphs/serve-hub-subgraph.ts';
import { HUB_SUBGRAPH_MODULES, HUB_SUBGRAPH_NAMES } from './hub-subgraphs.ts';
import { SourceRegistry } from '../subgraphs/registry/source-registry.ts';
import type { PortRange } from '../subgraphs/registry/source-store.ts';
import { RegistryComposition } from './supergraph/registry-composition.ts';
import { createAuthenticator, type Authenticator } from '../subgraphs/auth/authenticate.ts';
import { adminToken, gatewayKey, hubSecret, lockDataDir, userTokenSecret } from './hub-files.ts';
import { createSealer } from '../subgraphs/storage/sealed-text.ts';
import { createUserTokens, tokenMaxDaysFromEnv, type UserTokens } from '../subgraphs/auth/user-tokens.ts';
import { findUsers } from '../subgraphs/accounts/user-store.ts';

/** Where the subgraphs listen when they run as a service of their own. */
export interface SubgraphsAddress {
  /** the interface the subgraphs and the hosted connectors listen on */
  host: string;
  /** the host the supergraph's routing URLs name: how a gateway reaches this process */
  publicHost: string;
  /** the catalog's port; the other hub subgraphs follow it in the order of HUB_SUBGRAPH_MODULES */
  portBase: number;
  /** the hosted connectors' ports: each source keeps the one first stored for it */
  connectorPorts: PortRange;
}

export interface SubgraphsServiceOptions {
  dataDir: string;
  databaseUrl?: string;
  /** a schema of its own in a server database (tests) */
  databaseSchema?: string;
  demo: boolean;
  /** harvest sources on their cron schedules */
  schedule?: boolean;
  /** verify users' tokens with an identity provider's keys instead of the hub's own secret */
  jwksFile?: string;
  log?: (line: string) => void;
  /** how often a hub on a server database looks for sources added or removed by its replicas */
  registrySyncMs?: number;
  /** fixed ports and the routing URLs' host; free loopback ports when not given */
  address?: SubgraphsAddress;
}

export interface SubgraphsService {
  adminToken: string;
  database: HubDatabase;
  registry: SourceRegistry;
  composition: RegistryComposition;
  authenticate: Authenticator;
  userTokens: UserTokens;
  /** the hub's own subgraphs, the catalog first; every other subgraph is a source's connector */
  hubSubgraphNames: string[];
  /** the demo's users, when the demo runs */
  demoUserIds: string[];
  close(): Promise<void>;
}

export async function startSubgraphsService(options: SubgraphsServiceOptions): Promise<SubgraphsService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = path.resolve(options.dataDir);
  lockDataDir(dataDir);
  const secret = hubSecret(dataDir);
  const sealer = createSealer(secret, 'source configs and connector credentials');
  const token = adminToken(dataDir);
  const { address } = options;
  const listen = (name: string): ListenAddress => (address ? { host: address.host, port: address.portBase + HUB_SUBGRAPH_NAMES.indexOf(name) } : {});
  const routingUrl = (url: string): string => {
    if (!address) return url;
    const routed = new URL(url);
    routed.hostname = address.publicHost;
    return routed.toString();
  };
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
    const registry = new SourceRegistry(db, {
      baseDir: dataDir, log, schedule: options.schedule ?? true, sealer, writeHarvestsInSteps: database.kind === 'pglite',
      connectorListen: address && { host: address.host, publicHost: address.publicHost, ports: address.connectorPorts },
    });
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
      ...listen('catalog'),
      // availability search counts the hub's own bookings and each owner's calendar, read through its connector
      ownerCalendar: async (instrumentId, from, to) => [
        ...await activeBookingIntervals(db, instrumentId, from, to),
        ...await owners.calendar(instrumentId, from, to),
      ],
    });
    closers.push(() => catalog.close());
    const composition = new RegistryComposition({
      connectors: () => registry.connectorSubgraphs(),
      hubSubgraphs: () => hubSubgraphs.map((s) => ({ name: s.name, url: routingUrl(s.url), typeDefs: s.typeDefs })),
      catalog: (sourceIds) => ({ name: 'catalog', url: routingUrl(`${catalog.url}/graphql`), typeDefs: catalog.typeDefs(sourceIds) }),
      useCatalogSources: (sourceIds) => catalog.useSources(sourceIds),
      reportSourceErrors: (errors) => registry.setCompositionErrors(errors),
    }, { db, dataDir, log });
    const hubSubgraphs: RunningSubgraph[] = [];
    const services = { db, authenticate, dataDir, registry, owners, supergraph: () => composition.state, userTokens, log, gatewayKey: gatewayKey(secret) };
    for (const module of HUB_SUBGRAPH_MODULES) {
      const running = await module.start({ ...services, listen: listen(module.name) });
      closers.push(() => running.close());
      hubSubgraphs.push(running);
    }
    registry.onChange(() => composition.recompose());
    await composition.recompose();
    if (!composition.state.sdl) throw new Error(`the hub's own subgraphs do not compose: ${composition.state.lastError}`);
    if (database.kind === 'postgres') {
      // replicas share the server database: what one of them adds or removes, the others follow
      const following = setInterval(() => void registry.sync().catch((error: unknown) => log(`following the source registry failed: ${String(error)}`)), options.registrySyncMs ?? 10_000);
      closers.push(async () => clearInterval(following));
    }

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
      adminToken: token,
      database,
      registry,
      composition,
      authenticate,
      userTokens,
      hubSubgraphNames: [...HUB_SUBGRAPH_NAMES],
      demoUserIds,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
