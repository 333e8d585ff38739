/**
 * `irhub gateway --supergraph <file>`: the gateway alone, until Ctrl-C, serving the supergraph of a
 * file (and following its changes) in front of subgraphs that run elsewhere (`npx irhub subgraphs`).
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../observability/logger.ts';
import { startTracingFromEnv } from '../observability/tracing.ts';
import { gatewayLimitsFromEnv } from '../limits.ts';
import { startFileGateway } from '../standalone/file-gateway.ts';
import { CliError } from './hub-client.ts';
import { drainMsFromEnv, ensurePortFree, portFromEnv, untilStopped } from './service-env.ts';

export async function gatewayCommand(args: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { supergraph: { type: 'string' } } });
  const file = values.supergraph ?? env.IRHUB_SUPERGRAPH_FILE;
  if (!file) throw new CliError('usage: irhub gateway --supergraph <file> (or IRHUB_SUPERGRAPH_FILE)');
  const secret = env.IRHUB_SECRET;
  if (!secret) throw new CliError('IRHUB_SECRET must be set, the same as the subgraphs\': the gateway gets the connectors\' secrets with a key derived from it');
  const port = portFromEnv(env, 'PORT', 4000);
  const drainMs = drainMsFromEnv(env);
  await ensurePortFree('PORT', port);
  const tracing = startTracingFromEnv(env);
  const gateway = await startFileGateway({
    port,
    supergraphFile: file,
    secret,
    limits: gatewayLimitsFromEnv(env),
    logger: createLogger(env),
    log: out,
    drainMs,
  });
  out(`gateway listening on ${gateway.url} (/ready answers 503 until the supergraph is served)`);
  let stopped = false;
  const stop = untilStopped().then(() => { stopped = true; });
  await Promise.race([gateway.started, stop]);
  if (!stopped) out(`GraphQL: ${gateway.url}/graphql`);
  await stop;
  out(`stopping: no new connections; requests in flight have ${drainMs / 1000} s to finish`);
  await gateway.close();
  await tracing?.shutdown();
  return 0;
}
