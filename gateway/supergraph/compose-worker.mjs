// Composition runs here, off the gateway's thread: at hundreds of sources it takes seconds,
// and no request may wait for it. Plain JavaScript so the worker needs no TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

parentPort.on('message', (job) => {
  const started = Date.now();
  try {
    const services = job.services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.typeDefs) }));
    const result = composeServices(services);
    if (result.errors) {
      parentPort.postMessage({ id: job.id, ok: false, errors: result.errors.map((e) => e.message), ms: Date.now() - started });
    } else {
      const hints = result.hints.map((h) => ({ code: h.definition.code, message: h.message }));
      parentPort.postMessage({ id: job.id, ok: true, supergraphSdl: result.supergraphSdl, hints, ms: Date.now() - started });
    }
  } catch (error) {
    parentPort.postMessage({ id: job.id, ok: false, errors: [error instanceof Error ? error.message : String(error)], ms: Date.now() - started });
  }
});
