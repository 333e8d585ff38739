/**
 * Bundles the GraphQL IDE (GraphiQL, React, Monaco and its workers, all from npm) into a few static
 * files the gateway serves itself, so the IDE loads nothing from another host. `npm install` builds
 * it into gateway/ide/dist (the `prepare` script); a hub installed without scripts builds it in
 * memory on the first request instead.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const IDE_DIST = fileURLToPath(new URL('./dist/', import.meta.url));

export async function buildIde(): Promise<Map<string, Uint8Array>> {
  // a build tool, loaded only when a bundle is made
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: fileURLToPath(new URL('../..', import.meta.url)),
    entryPoints: {
      'graphiql-page': fileURLToPath(new URL('./browser/graphiql-page.js', import.meta.url)),
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
      'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
      'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
    },
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    outdir: IDE_DIST,
    // only needed for subscriptions over websockets, which the hub does not serve
    external: ['graphql-ws'],
    loader: { '.ttf': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'error',
  });
  return new Map(result.outputFiles.map((file) => [path.basename(file.path), file.contents]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const files = await buildIde();
  await mkdir(IDE_DIST, { recursive: true });
  for (const [name, contents] of files) await writeFile(path.join(IDE_DIST, name), contents);
  console.log(`GraphQL IDE built into ${path.relative(process.cwd(), IDE_DIST)} (${files.size} files) in ${Date.now() - started} ms`);
}
