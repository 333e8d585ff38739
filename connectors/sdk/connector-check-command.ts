/**
 * `connector check <url> --credential-file <file> [--read-only] [--page-size <n>]`: the conformance
 * kit over HTTP against a served connector, as a readable report; exit code 0 only when it conforms.
 * Both the hub's `irhub` and the SDK's own `irhub-connector` run it.
 */
import { readFileSync } from 'node:fs';
import { checkServedConnector, formatConformanceReport } from './served-conformance.ts';

export const CONNECTOR_CHECK_USAGE = 'connector check <url> --credential-file <file> [--read-only] [--page-size <n>]';

export class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

export async function connectorCheckCommand(args: string[], out: (line: string) => void): Promise<number> {
  const [url] = args;
  if (!url || url.startsWith('--')) throw new UsageError(`the connector's URL is missing: ${CONNECTOR_CHECK_USAGE}`);
  try {
    new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${url} (e.g. http://127.0.0.1:4100)`);
  }
  const file = option(args, '--credential-file');
  const credential = file ? readFileSync(file, 'utf8').trim() : process.env.IRHUB_CONNECTOR_SECRET;
  if (!credential) throw new UsageError('the source\'s secret is missing: --credential-file <file> (or IRHUB_CONNECTOR_SECRET)');
  const pageSizeText = option(args, '--page-size');
  const pageSize = pageSizeText === undefined ? undefined : Number(pageSizeText);
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) throw new UsageError(`--page-size must be a positive whole number, not ${pageSizeText}`);
  const report = await checkServedConnector({ url, credential, pageSize, write: !args.includes('--read-only') });
  out(formatConformanceReport(report, `connector at ${url}`));
  return report.ok ? 0 : 1;
}
