#!/usr/bin/env node
/** The SDK's command, `irhub-connector`: what an institution runs against its own connector. */
import { CONNECTOR_CHECK_USAGE, UsageError, connectorCheckCommand } from './connector-check-command.ts';

const [command, ...args] = process.argv.slice(2);
if (command !== 'check') {
  console.error(`usage: irhub-${CONNECTOR_CHECK_USAGE}`);
  process.exit(2);
}
connectorCheckCommand(args, (line) => console.log(line)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`irhub-connector: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
