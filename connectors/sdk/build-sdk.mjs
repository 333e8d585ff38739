// Builds the package: tsc to dist (JavaScript and .d.ts, the hub's schema files the SDK imports
// included), then the data files those modules read at run time.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const here = new URL('./', import.meta.url);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(new URL('dist/', here), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', new URL('tsconfig.build.json', here).pathname], { stdio: 'inherit' });
for (const file of ['schema/live-status.graphql', 'schema/thesaurus/nrii-instrument-classes.csv']) {
  cpSync(new URL(`../../${file}`, here), new URL(`dist/${file}`, here));
}
