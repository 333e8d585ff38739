/**
 * The file strategy: the supergraph is read from a file (what `npx irhub supergraph --out` writes, or
 * any composition of the same subgraphs) and read again whenever the file changes. A gateway on it
 * composes nothing and opens no database. Until the file exists it waits; a changed file that the
 * gateway refuses leaves the last good supergraph serving, as the registry composition does.
 */
import { readFile, stat } from 'node:fs/promises';
import { unwatchFile, watchFile } from 'node:fs';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { SupergraphState } from '../../subgraphs/registry/registry-subgraph.ts';
import type { ServedSupergraph } from '../server.ts';

type SupergraphSdlHookOptions = Parameters<SupergraphSdlHook>[0];

/** each subgraph's routing URL, by the name it was composed under */
export function routingUrls(sdl: string): Map<string, string> {
  const urls = new Map<string, string>();
  for (const match of sdl.matchAll(/@join__graph\(name:\s*"([^"]+)",\s*url:\s*"([^"]*)"\)/g)) urls.set(match[1], match[2]);
  return urls;
}

export interface FileSupergraphOptions {
  /** names of the hub's own subgraphs: the others are sources */
  hubSubgraphNames: readonly string[];
  log: (line: string) => void;
  /** how often the file is looked at */
  pollMs?: number;
  /** told of a supergraph before it is served (a failure is logged, not fatal) */
  beforeServing?: (sdl: string) => Promise<void>;
}

export class FileSupergraph implements ServedSupergraph {
  readonly state: SupergraphState = { sdl: null, composedAt: null, sourceIds: [], composeMs: null, hintCounts: {}, lastError: null, lastErrorAt: null };
  private closed = false;
  private reading: Promise<void> = Promise.resolve();

  constructor(readonly file: string, private readonly options: FileSupergraphOptions) {}

  async initialize({ update }: SupergraphSdlHookOptions) {
    const sdl = await this.firstSupergraph();
    await this.prepare(sdl);
    this.accept(sdl, (await stat(this.file)).mtime);
    watchFile(this.file, { interval: this.options.pollMs ?? 1000 }, () => {
      this.reading = this.reading.then(() => this.reload(update));
    });
    return { supergraphSdl: sdl, cleanup: async () => this.close() };
  }

  /** stops watching the file, and waiting for it */
  close(): void {
    this.closed = true;
    unwatchFile(this.file);
  }

  private async firstSupergraph(): Promise<string> {
    let told = false;
    for (;;) {
      if (this.closed) throw new Error(`stopped while waiting for ${this.file}`);
      const sdl = await readFile(this.file, 'utf8').catch(() => null);
      if (sdl?.trim()) return sdl;
      if (!told) this.options.log(`waiting for the supergraph file ${this.file} (npx irhub supergraph --out ${this.file})`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 1000));
    }
  }

  private async prepare(sdl: string): Promise<void> {
    await this.options.beforeServing?.(sdl).catch((error: unknown) => this.options.log(`before serving ${this.file}: ${error instanceof Error ? error.message : String(error)}`));
  }

  private accept(sdl: string, at: Date): void {
    const sourceIds = [...routingUrls(sdl).keys()].filter((name) => !this.options.hubSubgraphNames.includes(name));
    Object.assign(this.state, { sdl, composedAt: at, sourceIds, lastError: null, lastErrorAt: null });
    this.options.log(`supergraph of ${this.file} served (${sourceIds.length} source(s))`);
  }

  private async reload(update: SupergraphSdlHookOptions['update']): Promise<void> {
    if (this.closed) return;
    const sdl = await readFile(this.file, 'utf8').catch(() => null);
    if (!sdl?.trim() || sdl === this.state.sdl) return;
    await this.prepare(sdl);
    try {
      update(sdl);
      this.accept(sdl, new Date());
    } catch (error) {
      this.state.lastError = `${this.file} was not served, the previous supergraph still is: ${error instanceof Error ? error.message : String(error)}`;
      this.state.lastErrorAt = new Date();
      this.options.log(this.state.lastError);
    }
  }
}
