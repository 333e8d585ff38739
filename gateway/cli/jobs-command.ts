/** `irhub jobs run <name> [--at <ISO time>]`: a booking job now (the hub runs each every minute). */
import { parseArgs } from 'node:util';
import { CliError, connectHub } from './hub-client.ts';

const USAGE = 'usage: irhub jobs run send-reminders|release-no-shows|offer-wait-list [--at 2026-12-01T09:00:00+08:00]';

export async function jobsCommand(args: string[], out: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [action, name, ...rest] = args;
  if (action !== 'run' || !name) throw new CliError(USAGE);
  const { values } = parseArgs({ args: rest, options: { at: { type: 'string' } } });
  if (values.at !== undefined && Number.isNaN(Date.parse(values.at))) throw new CliError(`--at: "${values.at}" is not a time (e.g. 2026-12-01T09:00:00+08:00)`);
  const at = values.at === undefined ? null : new Date(values.at).toISOString();
  const data = await connectHub(env).request<{ runBookingJob: string }>('mutation ($name: String!, $at: DateTime) { runBookingJob(name: $name, at: $at) }', { name, at });
  out(data.runBookingJob);
  return 0;
}
