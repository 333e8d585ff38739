/** What the long-running commands (start, subgraphs, gateway) read alike from the environment. */
import net from 'node:net';
import path from 'node:path';
import { DEFAULT_DATA_DIR } from '../hub-files.ts';
import { CliError } from './hub-client.ts';

/** where the hub keeps its data, for `start` and `subgraphs` (which then create files only their user may read) */
export function hubDataFromEnv(env: NodeJS.ProcessEnv) {
  // whatever the hub and its embedded database create is its user's alone
  process.umask(0o077);
  return {
    dataDir: path.resolve(env.IRHUB_DATA_DIR ?? DEFAULT_DATA_DIR),
    databaseUrl: env.DATABASE_URL || undefined,
    // replicas of one hub inside a database that holds other things too
    databaseSchema: env.IRHUB_DATABASE_SCHEMA || undefined,
    demo: env.IRHUB_DEMO !== '0',
    jwksFile: env.IRHUB_JWKS_FILE || undefined,
  };
}

/** a port number from `name`, checked; `fallback` when unset */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  const port = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got "${text}"`);
  return port;
}

/**
 * Refuses a port something else already listens on, before the hub opens its database or loads
 * the demo: found only at the gateway's listen, it costs the whole start-up and ends in a stack trace.
 */
export async function ensurePortFree(name: string, port: number, host = '0.0.0.0'): Promise<void> {
  if (port === 0) return;
  const problem = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(null)));
  });
  if (problem === null) return;
  if (problem.code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use (another irhub, or another server); stop it or choose a free port: ${name}=${port + 1}`);
  if (problem.code === 'EACCES') throw new CliError(`port ${port} needs privileges this user does not have; choose a port above 1023 with ${name}`);
  throw new CliError(`cannot listen on port ${port} (${name}): ${problem.message}`);
}

/** IRHUB_DRAIN_MS: how long requests in flight get to finish on SIGTERM/SIGINT */
export function drainMsFromEnv(env: NodeJS.ProcessEnv): number {
  const drainMs = Number(env.IRHUB_DRAIN_MS ?? 10_000);
  if (!Number.isInteger(drainMs) || drainMs < 0) throw new Error(`IRHUB_DRAIN_MS must be a whole number of milliseconds, got "${env.IRHUB_DRAIN_MS}"`);
  return drainMs;
}

/** resolves on SIGINT or SIGTERM */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
