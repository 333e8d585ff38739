/**
 * The source registry: registering, hosting, harvesting and removing sources. It keeps the
 * running connectors in step with the `sources` table and tells its listener when the set of
 * subgraphs changed, so the supergraph can be recomposed.
 */
import { GraphQLError } from 'graphql';
import type { Knex } from 'knex';
import cron, { type ScheduledTask } from 'node-cron';
import { oncePerSchedule } from '../scheduling/once-per-schedule.ts';
import { checkSourceId, instrumentTypeName } from '../../connectors/sdk/source-id.ts';
import { connectorClient, type ConnectorClient, type ConnectorEndpoint } from '../../connectors/sdk/connector-client.ts';
import { newSourceSecret } from '../../connectors/sdk/hub-credential.ts';
import type { Sealer } from '../storage/sealed-text.ts';
import { hostConnector, type HostedConnector } from './connector-host.ts';
import { failAbandonedRuns, runHarvest } from './harvest.ts';
import { CONNECTOR_KINDS, SourceStore, type ConnectorKind, type HarvestRunRow, type PortRange, type SourceRow } from './source-store.ts';

export const DEFAULT_SCHEDULE = '17 */6 * * *';
const HUB_TYPE_NAMES = new Set(['Instrument', 'Institution', 'LiveStatus']);

export interface SubgraphEndpoint {
  name: string;
  url: string;
  typeDefs: string;
}

export interface SourceStatus {
  source: SourceRow;
  typeName: string;
  connector: HostedConnector | null;
  connectorError: string | null;
  compositionError: string | null;
  lastRun: HarvestRunRow | null;
  instrumentCount: number;
}

export interface AddSourceInput {
  id: string;
  kind: ConnectorKind;
  config: Record<string, unknown>;
  displayName?: string | null;
  schedule?: string | null;
  /** a remote connector's secret, as the institution started it; the hub makes one for the kinds it hosts */
  credential?: string | null;
}

/** at least 128 bits when written as base64 */
const MIN_CREDENTIAL_LENGTH = 22;

export interface SourceRegistryOptions {
  baseDir: string;
  log: (line: string) => void;
  /** run scheduled harvests (off in tests that drive harvests by hand) */
  schedule?: boolean;
  /** seals configs and credentials in the `sources` table */
  sealer: Sealer;
  /** harvests write the index a step per transaction (the embedded database: see index-writer.ts) */
  writeHarvestsInSteps: boolean;
  /**
   * hosted connectors listen on this host, each on a port of the range stored for its source, so that
   * their routing URLs survive restarts (separate services); without it, on free loopback ports
   */
  connectorListen?: { host: string; publicHost: string; ports: PortRange };
  /** a harvest run still RUNNING this long after it began, when the hub starts, is one whose process died */
  abandonedRunAfterMs?: number;
}

/** far longer than a harvest of a large source takes; a replica's harvest in progress is not abandoned */
const ABANDONED_RUN_AFTER_MS = 2 * 3_600_000;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export class SourceRegistry {
  readonly store: SourceStore;
  private readonly connectors = new Map<string, HostedConnector>();
  /** each source's current secret, which its connector checks the hub's calls against */
  private readonly credentials = new Map<string, string>();
  private readonly connectorErrors = new Map<string, string>();
  private compositionErrors = new Map<string, string>();
  private readonly harvests = new Map<string, Promise<HarvestRunRow>>();
  private readonly jobs = new Map<string, ScheduledTask>();
  private listener: () => Promise<void> = async () => {};
  /** sources this process is adding or removing: sync() leaves them to that */
  private readonly changing = new Set<string>();

  constructor(private readonly db: Knex, private readonly options: SourceRegistryOptions) {
    this.store = new SourceStore(db, options.sealer);
  }

  /** called after every change of the subgraph set; resolves when the change is served */
  onChange(listener: () => Promise<void>): void {
    this.listener = listener;
  }

  /** start the connectors of every stored source; one that cannot start is reported, not fatal */
  async start(): Promise<void> {
    const abandoned = await failAbandonedRuns(this.db, new Date(Date.now() - (this.options.abandonedRunAfterMs ?? ABANDONED_RUN_AFTER_MS)));
    if (abandoned > 0) this.options.log(`${abandoned} harvest run(s) left RUNNING by a stopped process marked FAILED`);
    const sealed = await this.store.sealLegacyRows();
    if (sealed.length > 0) this.options.log(`sources ${sealed.join(', ')}: config sealed and a connector credential made`);
    for (const source of await this.store.list()) {
      this.credentials.set(source.id, source.credential);
      if (this.connectors.has(source.id)) continue;
      await this.startConnector(source);
      this.scheduleHarvest(source);
    }
  }

  /**
   * Follows what another process sharing the database (a replica) changed: connectors for sources it
   * added, none for those it removed, and current credentials. Tells the listener when the set changed.
   */
  async sync(): Promise<void> {
    const stored = (await this.store.list()).filter((s) => !this.changing.has(s.id));
    const ids = new Set(stored.map((s) => s.id));
    let changed = false;
    for (const source of stored) {
      this.credentials.set(source.id, source.credential);
      if (this.connectors.has(source.id) || this.connectorErrors.has(source.id)) continue;
      await this.startConnector(source);
      this.scheduleHarvest(source);
      changed = true;
    }
    for (const id of new Set([...this.connectors.keys(), ...this.connectorErrors.keys()])) {
      if (ids.has(id) || this.changing.has(id)) continue;
      await this.forget(id)?.close();
      changed = true;
    }
    if (changed) {
      this.options.log('sources changed by another process: following');
      await this.listener();
    }
  }

  /** stops the source's schedule and drops what this process holds of it; returns its connector for the caller to close */
  private forget(id: string): HostedConnector | undefined {
    this.jobs.get(id)?.stop();
    this.jobs.delete(id);
    const connector = this.connectors.get(id);
    this.connectors.delete(id);
    this.connectorErrors.delete(id);
    this.credentials.delete(id);
    return connector;
  }

  private async startConnector(source: SourceRow): Promise<void> {
    try {
      const listen = this.options.connectorListen;
      const port = listen && source.kind !== 'remote' ? await this.store.claimConnectorPort(source.id, listen.ports) : undefined;
      this.connectors.set(source.id, await hostConnector(source.id, source.kind, source.config, this.hostOptions(source.id, port)));
      this.connectorErrors.delete(source.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.connectorErrors.set(source.id, message);
      this.options.log(`source ${source.id}: connector did not start: ${message}`);
    }
  }

  private scheduleHarvest(source: SourceRow): void {
    if (!this.options.schedule || !source.enabled) return;
    this.jobs.set(source.id, cron.schedule(source.schedule, oncePerSchedule(this.db, `harvest-${source.id}`, () => this.harvest(source.id), this.options.log),
      { name: `harvest-${source.id}`, timezone: 'Asia/Shanghai' }));
  }

  private hostOptions(sourceId: string, port: number | undefined) {
    return { baseDir: this.options.baseDir, credential: () => this.credentials.get(sourceId) ?? '', listen: { host: this.options.connectorListen?.host, publicHost: this.options.connectorListen?.publicHost, port } };
  }

  /** subgraphs of the sources whose connector runs, for composition */
  connectorSubgraphs(): SubgraphEndpoint[] {
    return [...this.connectors.values()].map((c) => ({ name: c.sourceId, url: `${c.routingUrl}/graphql`, typeDefs: c.typeDefs }));
  }

  /** the secret of every running connector, by source id: what a gateway of its own process signs its calls with */
  connectorCredentials(): Record<string, string> {
    return Object.fromEntries([...this.connectors.keys()].flatMap((id) => {
      const credential = this.credentials.get(id);
      return credential ? [[id, credential]] : [];
    }));
  }

  /** a source's running connector and the secret to sign calls to it with, or null */
  connectorEndpoint(sourceId: string): ConnectorEndpoint | null {
    const url = this.connectors.get(sourceId)?.url;
    const credential = this.credentials.get(sourceId);
    return url && credential ? { sourceId, url, credential } : null;
  }

  /** the hub's client of a source's connector (calendar, write-back, usage); throws when it is not running */
  connectorClient(sourceId: string, timeoutMs?: number): ConnectorClient {
    const endpoint = this.connectorEndpoint(sourceId);
    if (!endpoint) throw new Error(`source ${sourceId}: connector is not running`);
    return connectorClient(endpoint, timeoutMs);
  }

  /**
   * A new secret for the source's connector; the old one is refused from now on. A hosted
   * connector follows at once; a remote one must be restarted with the secret returned.
   */
  async rotateCredential(id: string): Promise<{ source: SourceRow; credential: string }> {
    const source = await this.store.get(id);
    if (!source) throw badInput(`no source ${id}`);
    const credential = newSourceSecret();
    await this.store.setCredential(id, credential);
    this.credentials.set(id, credential);
    this.options.log(`source ${id}: connector credential rotated`);
    return { source, credential };
  }

  setCompositionErrors(errors: Map<string, string>): void {
    this.compositionErrors = errors;
  }

  async add(input: AddSourceInput): Promise<SourceRow> {
    if (this.changing.has(input.id)) throw badInput(`source ${input.id} is being added or removed; try again when that is done`);
    this.changing.add(input.id);
    try {
      return await this.addSource(input);
    } finally {
      this.changing.delete(input.id);
    }
  }

  private async addSource(input: AddSourceInput): Promise<SourceRow> {
    const idProblem = checkSourceId(input.id);
    if (idProblem) throw badInput(idProblem);
    if (!CONNECTOR_KINDS.includes(input.kind)) throw badInput(`unknown connector kind "${input.kind}"; expected ${CONNECTOR_KINDS.join(', ')}`);
    const schedule = input.schedule ?? DEFAULT_SCHEDULE;
    if (!cron.validate(schedule)) throw badInput(`source ${input.id}: schedule "${schedule}" is not a cron expression`);
    const existing = await this.store.list();
    if (existing.some((s) => s.id === input.id)) throw badInput(`source ${input.id} is already registered; remove it first or choose another id`);
    const typeName = instrumentTypeName(input.id);
    const clash = existing.find((s) => instrumentTypeName(s.id) === typeName);
    if (clash || HUB_TYPE_NAMES.has(typeName)) throw badInput(`source ${input.id} would own GraphQL type ${typeName}, which ${clash ? `source ${clash.id}` : 'the hub'} already owns`);

    if (input.kind === 'remote' && !input.credential) throw badInput(`source ${input.id}: a remote connector checks the hub's calls against a secret it was started with; give that secret (npx irhub sources add … --credential-file <file>)`);
    if (input.credential && (input.kind !== 'remote' || input.credential.length < MIN_CREDENTIAL_LENGTH)) {
      throw badInput(input.kind !== 'remote' ? `source ${input.id}: the hub makes the credential of the connectors it runs; give one only for a remote connector` : `source ${input.id}: the credential is too short (${input.credential.length} characters; at least ${MIN_CREDENTIAL_LENGTH}, e.g. 32 random bytes as base64)`);
    }
    const credential = input.credential ?? newSourceSecret();
    this.credentials.set(input.id, credential);

    // the connector must start (config valid, owner's system reachable, mapping matches) before anything is stored
    const listen = this.options.connectorListen;
    const port = listen && input.kind !== 'remote' ? await this.store.freeConnectorPort(listen.ports) : undefined;
    let connector: HostedConnector;
    try {
      connector = await hostConnector(input.id, input.kind, input.config, this.hostOptions(input.id, port));
    } catch (error) {
      this.credentials.delete(input.id);
      throw badInput(error instanceof Error ? error.message : String(error));
    }
    const row = { id: input.id, kind: input.kind, display_name: input.displayName ?? input.id, config: input.config, credential, schedule, connector_port: port ?? null };
    try {
      await this.store.insert(row);
    } catch (error) {
      this.credentials.delete(input.id);
      await connector.close();
      throw error;
    }
    this.connectors.set(input.id, connector);
    const stored = (await this.store.get(input.id))!;
    this.scheduleHarvest(stored);
    this.options.log(`source ${input.id}: registered (${input.kind}), connector at ${connector.url}`);
    await this.listener();
    return stored;
  }

  async remove(id: string): Promise<void> {
    if (this.changing.has(id)) throw badInput(`source ${id} is being added or removed; try again when that is done`);
    this.changing.add(id);
    try {
      await this.removeSource(id);
    } finally {
      this.changing.delete(id);
    }
  }

  private async removeSource(id: string): Promise<void> {
    const source = await this.store.get(id);
    if (!source) throw badInput(`no source ${id}`);
    await this.harvests.get(id)?.catch(() => undefined);
    const connector = this.forget(id);
    // the supergraph stops routing to the source before its rows and connector go
    await this.listener();
    await this.store.remove(id);
    await connector?.close();
    this.options.log(`source ${id}: removed`);
  }

  /** harvest now; a harvest already running for the source is joined, not doubled */
  harvest(id: string, options: { full?: boolean } = {}): Promise<HarvestRunRow> {
    const running = this.harvests.get(id);
    if (running) return running;
    const run = this.runHarvest(id, options.full ?? false).finally(() => this.harvests.delete(id));
    this.harvests.set(id, run);
    return run;
  }

  private async runHarvest(id: string, full: boolean): Promise<HarvestRunRow> {
    const source = await this.store.get(id);
    if (!source) throw badInput(`no source ${id}`);
    const connector = this.connectors.get(id);
    if (!connector) {
      // try again: the owner's system may be back
      await this.startConnector(source);
      if (this.connectors.has(id)) await this.listener();
    }
    const current = this.connectorEndpoint(id);
    if (!current) throw new GraphQLError(this.connectorErrors.get(id) ?? `source ${id}: connector is not running`, { extensions: { code: 'SOURCE_UNAVAILABLE' } });
    return runHarvest(this.db, {
      connector: current,
      hostedPages: this.connectors.get(id)?.harvestPage ?? null,
      since: full ? null : source.harvested_until,
      log: this.options.log,
      writeInSteps: this.options.writeHarvestsInSteps,
    });
  }

  async status(ids?: readonly string[]): Promise<SourceStatus[]> {
    const sources = (await this.store.list()).filter((s) => !ids || ids.includes(s.id));
    const [runs, counts] = await Promise.all([this.store.lastRuns(sources.map((s) => s.id)), this.store.instrumentCounts()]);
    return sources.map((source) => ({
      source,
      typeName: instrumentTypeName(source.id),
      connector: this.connectors.get(source.id) ?? null,
      connectorError: this.connectorErrors.get(source.id) ?? null,
      compositionError: this.compositionErrors.get(source.id) ?? null,
      lastRun: runs.get(source.id) ?? null,
      instrumentCount: counts.get(source.id) ?? 0,
    }));
  }

  async close(): Promise<void> {
    for (const job of this.jobs.values()) job.stop();
    await Promise.allSettled([...this.harvests.values()]);
    await Promise.all([...this.connectors.values()].map((c) => c.close()));
    this.connectors.clear();
  }
}
