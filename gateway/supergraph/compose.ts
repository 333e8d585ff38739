/** Composition in a worker thread, one job at a time, with the result typed. */
import { Worker } from 'node:worker_threads';

export interface SubgraphSource {
  name: string;
  url: string;
  typeDefs: string;
}

/** what composition noticed but accepted (a field's description differing between subgraphs…) */
export interface CompositionHint {
  code: string;
  message: string;
}

export type CompositionResult =
  | { ok: true; supergraphSdl: string; hints: CompositionHint[]; ms: number }
  | { ok: false; errors: string[]; ms: number };

type Job = { id: number; resolve: (result: CompositionResult) => void; reject: (error: Error) => void };

export class Composer {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Job>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./compose-worker.mjs', import.meta.url));
    worker.on('message', (message: CompositionResult & { id: number }) => {
      const job = this.pending.get(message.id);
      this.pending.delete(message.id);
      job?.resolve(message);
      // an idle worker must not keep the process alive
      if (this.pending.size === 0) worker.unref();
    });
    worker.on('error', (error) => {
      for (const job of this.pending.values()) job.reject(error);
      this.pending.clear();
      this.worker = null;
    });
    this.worker = worker;
    return worker;
  }

  compose(services: readonly SubgraphSource[]): Promise<CompositionResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { id, resolve, reject });
      const worker = this.start();
      worker.ref();
      worker.postMessage({ id, services: services.map(({ name, url, typeDefs }) => ({ name, url, typeDefs })) });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
