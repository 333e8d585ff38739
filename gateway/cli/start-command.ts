/** `irhub start` (and `npm start`): a whole hub in this process, until Ctrl-C. */
import path from 'node:path';
import { startHub, type Hub } from '../hub.ts';
import { writePrivateFile } from '../hub-files.ts';
import { createLogger } from '../observability/logger.ts';
import { drainMsFromEnv, ensurePortFree, hubDataFromEnv, portFromEnv, untilStopped } from './service-env.ts';
import { startTracingFromEnv } from '../observability/tracing.ts';

const EXAMPLE_QUERY = `{
  instruments(filter: { text: "扫描电镜", districts: ["南山区"] }, first: 5) {
    totalCount
    edges { node { id name model institution { name } externalRate live { state nextFreeSlot } } }
  }
}`;

export async function startCommand(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const port = portFromEnv(env, 'PORT', 4000);
  const drainMs = drainMsFromEnv(env);
  await ensurePortFree('PORT', port);
  const logger = createLogger(env);
  const tracing = startTracingFromEnv(env);
  const started = Date.now();
  const hubData = hubDataFromEnv(env);
  const { dataDir } = hubData;
  const hub = await startHub({
    ...hubData,
    port,
    log: out,
    logger,
    drainMs,
  });
  const counts = await hub.database.db('instruments').count<{ count: string }[]>({ count: '*' });
  const institutions = await hub.database.db('institutions').count<{ count: string }[]>({ count: '*' });
  out('');
  out(`irhub is serving ${counts[0].count} instruments of ${institutions[0].count} institutions (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  out(`GraphQL: http://localhost:${hub.url.split(':').at(-1)}/graphql (open it in a browser for the IDE; client caches: /possible-types.json)`);
  out('Try:');
  out(`curl -s http://localhost:${hub.url.split(':').at(-1)}/graphql -H 'content-type: application/json' -d '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'`);
  if (hub.demoUserIds.length > 0 && hub.userTokens.canIssue) {
    out('');
    for (const line of await writeDemoTokens(hub, dataDir)) out(line);
  }
  await untilStopped();
  out(`stopping: no new connections; requests in flight have ${drainMs / 1000} s to finish`);
  await hub.close();
  await tracing?.shutdown();
  return 0;
}

/**
 * Fresh tokens for the demo's users, written to a file only the hub's user can read: a token
 * printed to a terminal ends up in logs and scroll-back. Returns what to tell the operator.
 */
export async function writeDemoTokens(hub: Pick<Hub, 'database' | 'demoUserIds' | 'userTokens'>, dataDir: string): Promise<string[]> {
  const users = await hub.database.db('users').whereIn('id', hub.demoUserIds).orderBy('id').select('id', 'role', 'institution_name') as Array<{ id: string; role: string; institution_name: string }>;
  const lines = [`# the demo's users; send as Authorization: Bearer <token> (valid ${hub.userTokens.maxDays} days; a fresh one: npx irhub token <userId>)`];
  for (const user of users) {
    const { token } = await hub.userTokens.issue(user.id, hub.userTokens.maxDays);
    lines.push(`${user.id}\t${user.role}\t${user.institution_name}\t${token}`);
  }
  const file = path.join(dataDir, 'demo-tokens.tsv');
  writePrivateFile(file, `${lines.join('\n')}\n`);
  return [`Demo users: ${users.map((u) => `${u.id} (${u.role})`).join(', ')}`, `their bearer tokens are in ${file} (readable by you only)`];
}
