/**
 * The registry composition strategy: the supergraph is built by the hub from the source
 * registry (the catalog's per-source types included), composed off the main thread, and
 * hot-swapped into the gateway. A composition that fails leaves the last good supergraph
 * serving; if the failure comes with newly added sources, those are left out and named.
 */
import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { SupergraphManager, SupergraphSdlHook } from '@apollo/gateway';
import type { SupergraphState } from '../../subgraphs/registry/registry-subgraph.ts';
import type { SubgraphEndpoint } from '../../subgraphs/registry/source-registry.ts';
import { Composer, type CompositionHint, type CompositionResult } from './compose.ts';
import { hintSummary } from './hint-summary.ts';

type SupergraphSdlHookOptions = Parameters<SupergraphSdlHook>[0];

export interface CompositionInputs {
  /** subgraphs of the sources whose connectors run, named by source id */
  connectors(): SubgraphEndpoint[];
  /** hub subgraphs other than the catalog */
  hubSubgraphs(): SubgraphEndpoint[];
  /** the catalog's subgraph for a given set of sources */
  catalog(sourceIds: readonly string[]): SubgraphEndpoint;
  /** make the catalog serve exactly these sources */
  useCatalogSources(sourceIds: readonly string[]): Promise<void>;
  /** composition problems per source id (empty when all compose) */
  reportSourceErrors(errors: Map<string, string>): void;
}

export interface RegistryCompositionOptions {
  db: Knex;
  dataDir: string;
  log: (line: string) => void;
}

export class RegistryComposition implements SupergraphManager {
  private readonly composer = new Composer();
  private update: SupergraphSdlHookOptions['update'] | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  readonly state: SupergraphState = { sdl: null, composedAt: null, sourceIds: [], composeMs: null, hintCounts: {}, lastError: null, lastErrorAt: null };

  constructor(private readonly inputs: CompositionInputs, private readonly options: RegistryCompositionOptions) {}

  async initialize({ update }: SupergraphSdlHookOptions) {
    // the hub composes as it starts; a gateway joining later takes what is served
    if (!this.state.sdl) await this.recompose();
    if (!this.state.sdl) throw new Error(`the hub's own subgraphs do not compose: ${this.state.lastError}`);
    this.update = update;
    return { supergraphSdl: this.state.sdl, cleanup: () => this.composer.close() };
  }

  /** compose now; calls during a composition are folded into one more run after it */
  recompose(): Promise<void> {
    if (this.running) {
      this.next ??= this.running.then(() => {
        this.next = null;
        return this.recompose();
      });
      return this.next;
    }
    this.running = this.composeOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private compose(sourceIds: readonly string[], connectors: SubgraphEndpoint[]): Promise<CompositionResult> {
    const included = connectors.filter((c) => sourceIds.includes(c.name));
    return this.composer.compose([this.inputs.catalog(sourceIds), ...this.inputs.hubSubgraphs(), ...included]);
  }

  private async composeOnce(): Promise<void> {
    const connectors = this.inputs.connectors();
    const all = connectors.map((c) => c.name);
    const full = await this.compose(all, connectors);
    if (full.ok) {
      this.inputs.reportSourceErrors(new Map());
      await this.serve(all, full.supergraphSdl, full.hints, full.ms);
      return;
    }
    const reason = full.errors.join('; ');
    // which sources break it? those not in the served supergraph are the suspects
    const known = all.filter((id) => this.state.sourceIds.includes(id));
    const suspects = all.filter((id) => !known.includes(id));
    const base = await this.compose(known, connectors);
    if (suspects.length === 0 || !base.ok) {
      this.failed(`composition failed, still serving the supergraph of ${this.state.composedAt?.toISOString() ?? 'never'}: ${reason}`);
      return;
    }
    const accepted = [...known];
    const errors = new Map<string, string>();
    let served = base;
    for (const id of suspects) {
      const attempt = await this.compose([...accepted, id], connectors);
      if (attempt.ok) {
        accepted.push(id);
        served = attempt;
      } else {
        errors.set(id, `source ${id}: its subgraph does not compose: ${attempt.errors.join('; ')}`);
      }
    }
    this.inputs.reportSourceErrors(errors);
    for (const message of errors.values()) this.options.log(message);
    if (served.ok) await this.serve(accepted, served.supergraphSdl, served.hints, served.ms);
    this.state.lastError = [...errors.values()].join('\n') || null;
    this.state.lastErrorAt = errors.size ? new Date() : null;
  }

  private failed(message: string): void {
    this.state.lastError = message;
    this.state.lastErrorAt = new Date();
    this.options.log(message);
  }

  private async serve(sourceIds: string[], sdl: string, hints: readonly CompositionHint[], ms: number): Promise<void> {
    if (sdl === this.state.sdl) return;
    const previous = this.state.sourceIds;
    // the catalog first serves both old and new types, so neither supergraph's plans break mid-swap
    await this.inputs.useCatalogSources([...new Set([...previous, ...sourceIds])]);
    this.update?.(sdl);
    if (previous.some((id) => !sourceIds.includes(id))) await this.inputs.useCatalogSources(sourceIds);
    const hintCounts: Record<string, number> = {};
    for (const hint of hints) hintCounts[hint.code] = (hintCounts[hint.code] ?? 0) + 1;
    Object.assign(this.state, { sdl, composedAt: new Date(), sourceIds, composeMs: ms, hintCounts, lastError: null, lastErrorAt: null });
    await this.store(sdl, sourceIds, ms);
    this.options.log(`supergraph composed with ${sourceIds.length} source(s) in ${ms} ms${hintSummary(hints, hintCounts)}`);
  }

  /** kept for other gateway replicas or Apollo Router, which can serve the same file */
  private async store(sdl: string, sourceIds: string[], ms: number): Promise<void> {
    const file = path.join(this.options.dataDir, 'supergraph.graphql');
    await writeFile(`${file}.tmp`, sdl, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    await this.options.db('supergraphs').insert({ sdl, source_ids: JSON.stringify(sourceIds), status: 'SERVED', compose_ms: ms });
  }
}
