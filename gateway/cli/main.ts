/** The `irhub` command line. */
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startCommand } from './start-command.ts';
import { subgraphsCommand } from './subgraphs-command.ts';
import { gatewayCommand } from './gateway-command.ts';
import { sourcesCommand } from './sources-command.ts';
import { procurementCommand } from './procurement-command.ts';
import { oversightCommand, reportCommand } from './report-command.ts';
import { tokenCommand, usersCommand } from './users-command.ts';
import { CliError, connectHub } from './hub-client.ts';
import { jobsCommand } from './jobs-command.ts';
import { CONNECTOR_CHECK_USAGE, UsageError, connectorCheckCommand } from '../../connectors/sdk/connector-check-command.ts';

const USAGE = `usage: irhub <command>
  start                                    start the hub (PORT, IRHUB_DATA_DIR, DATABASE_URL, IRHUB_DEMO=0)
  subgraphs                                the hub without its gateway: subgraphs from IRHUB_SUBGRAPH_PORT
                                           (IRHUB_SUBGRAPH_HOST, IRHUB_SUBGRAPH_PUBLIC_HOST), connectors on
                                           IRHUB_CONNECTOR_PORTS
  gateway --supergraph <file>              the gateway alone, serving that file (PORT, IRHUB_SECRET)
  sources add <id> --kind sql|rest|spreadsheet|remote --config <file.json|yaml|'{"url": …}'> [--credential-file <file>]
  sources add <id> --file <path.csv|xlsx>  register a spreadsheet source
  sources list | harvest <id> [--full] | remove <id>
  sources schema sql|rest|spreadsheet|remote
                                           the JSON Schema of a kind's config
  sources rotate <id> [--credential-file <file>]
                                           a new secret for the source's connector (a remote one's goes to the file)
  supergraph [--out <file>]                print (or write) the served supergraph SDL
  ${CONNECTOR_CHECK_USAGE}
                                           the conformance kit over HTTP against a served connector
  users add <userId> --institution <institutionId> [--role USER|INSTITUTION_STAFF|REVIEWER|ADMIN]
  users list [--institution <institutionId>]
  users disable|enable|revoke <userId>     refuse a user's tokens / again accept them / refuse those issued so far
  users role <userId> <ROLE>               change a user's role (effective on its next request)
  token <userId> [--days 30]               a bearer token for a user
  procurement check <plan.csv|xlsx> [--out report.html] [--csv report.csv]
                                           查重评议 of a whole procurement plan, as a report
  report [--period 2026-Q3] [--out report.html] [--district <name>] [--institution-type <TYPE>]
                                           the city's statistics and flagged instruments, as HTML
  report national --year <YYYY> [--institution <id>] --out <dir> [--tolerance 0.2]
                                           the yearly report to the national platform (equipment.xlsx,
                                           service-records.xlsx) from recorded use
  report settlements --from <YYYY-MM-DD> --to <YYYY-MM-DD> (--agency <id> | --owner <id>) --out <file.csv|xlsx>
                                           an agency's or an owner's settlements (结算) in a period
  oversight flag-fake-busy [--days 14]     run the nightly fake-busy job now
  jobs run <send-reminders|release-no-shows|offer-wait-list> [--at <time>]
                                           run a booking job now (or as of a time); the hub runs each every minute`;

const LONG_RUNNING = new Set(['start', 'subgraphs', 'gateway']);

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const out = (line: string) => console.log(line);
  switch (command) {
    case 'start':
      return startCommand(process.env, out);
    case 'subgraphs':
      return subgraphsCommand(process.env, out);
    case 'gateway':
      return gatewayCommand(args, process.env, out);
    case 'sources':
      return sourcesCommand(args, out);
    case 'users':
      return usersCommand(args, out);
    case 'token':
      return tokenCommand(args, out);
    case 'procurement':
      return procurementCommand(args, out);
    case 'report':
      return reportCommand(args, out);
    case 'oversight':
      return oversightCommand(args, out);
    case 'jobs':
      return jobsCommand(args, out);
    case 'connector':
      if (args[0] !== 'check') throw new CliError(`usage: irhub ${CONNECTOR_CHECK_USAGE}`);
      try {
        return await connectorCheckCommand(args.slice(1), out);
      } catch (error) {
        throw error instanceof UsageError ? new CliError(error.message) : error;
      }
    case 'supergraph': {
      const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
      const data = await connectHub().request<{ supergraph: { sdl: string | null; lastError: string | null } }>('{ supergraph { sdl lastError } }');
      if (!data.supergraph.sdl) throw new CliError(`no supergraph yet: ${data.supergraph.lastError ?? 'not composed'}`);
      const sdl = data.supergraph.sdl.endsWith('\n') ? data.supergraph.sdl : `${data.supergraph.sdl}\n`;
      if (values.out) {
        // a gateway following the file never reads half of it
        writeFileSync(`${values.out}.tmp`, sdl);
        renameSync(`${values.out}.tmp`, values.out);
        out(`supergraph written to ${values.out}`);
      } else process.stdout.write(sdl);
      if (data.supergraph.lastError) console.error(`note: the last composition failed: ${data.supergraph.lastError}`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
      out(USAGE);
      return command ? 0 : 2;
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // the services end by themselves once closed; the other commands may leave sockets open
    if (!LONG_RUNNING.has(process.argv[2])) process.exit(code);
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof CliError ? `irhub: ${error.message}` : error);
    process.exit(1);
  },
);
