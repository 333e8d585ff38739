/**
 * The GraphQL IDE the gateway serves itself: `GET /graphql` asking for HTML gets GraphiQL, its
 * scripts and styles come from `/graphiql/*` on the same port, and the page's Content-Security-Policy
 * lets it reach nothing but the hub (no CDN, no web fonts), so it works offline and behind any
 * national firewall. Its tabs are the README's example queries; the headers editor takes the token.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { buildIde, IDE_DIST } from './build-ide.ts';
import type { StaticResponse } from '../../connectors/sdk/graphql-http.ts';

const ASSETS_PATH = '/graphiql/';
const README = new URL('../../README.md', import.meta.url);
const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const CSP = [
  "default-src 'none'", "script-src 'self'", "worker-src 'self'", "connect-src 'self'",
  // React and Monaco set inline styles; Monaco's icon font is inlined as data
  "style-src 'self' 'unsafe-inline'", "font-src 'self' data:", "img-src 'self' data:",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

interface Asset { contentType: string; plain: Uint8Array; gzipped: Uint8Array }

export interface IdeTab { query: string }

/** The ```graphql blocks of the README's "Example queries", each headed by the sentence before it. */
export function exampleTabs(readme: string): IdeTab[] {
  const start = readme.indexOf('\n## Example queries');
  if (start < 0) return [];
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const tabs: IdeTab[] = [];
  for (const match of section.matchAll(/([^`]*?)```graphql\n([\s\S]*?)```/g)) {
    const said = match[1].trim().split('\n').filter((line) => line && !line.startsWith('#')).join(' ').replace(/:$/, '');
    tabs.push({ query: `${said ? `# ${said}\n` : ''}${match[2]}` });
  }
  return tabs;
}

async function loadAssets(): Promise<Map<string, Asset>> {
  const built = existsSync(path.join(IDE_DIST, 'graphiql-page.js'))
    ? new Map(await Promise.all((await readdir(IDE_DIST)).map(async (name) => [name, await readFile(path.join(IDE_DIST, name))] as const)))
    : await buildIde();
  const assets = new Map<string, Asset>();
  for (const [name, plain] of built) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (contentType) assets.set(name, { contentType, plain, gzipped: await promisify(gzip)(plain) });
  }
  return assets;
}

function page(graphqlPath: string, tabs: IdeTab[]): string {
  const intro = '# The hub\'s GraphQL IDE. To ask as a user, write {"Authorization": "Bearer <token>"}\n# in Headers below (a token: npx irhub token <userId>); without it you ask as anyone.\n';
  const config = { graphqlPath, tabs: tabs.map((tab, i) => (i === 0 ? { query: intro + tab.query } : tab)) };
  // inside <script>, "<" is escaped so no string can close the element
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>irhub · GraphQL</title>
<link rel="stylesheet" href="${ASSETS_PATH}graphiql-page.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the GraphQL IDE…</div>
<script type="application/json" id="irhub-ide-config">${json}</script>
<script type="module" src="${ASSETS_PATH}graphiql-page.js"></script>
</body>
</html>
`;
}

/** A handler for the gateway's HTTP layer: the IDE's page and files, or null for any other request. */
export function graphqlIde(graphqlPath = '/graphql'): (request: http.IncomingMessage, url: URL) => Promise<StaticResponse | null> {
  let assets: Promise<Map<string, Asset>> | null = null;
  let html: Promise<string> | null = null;
  return async (request, url): Promise<StaticResponse | null> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null;
    if (url.pathname.replace(/(.)\/$/, '$1') === graphqlPath) {
      if (!/\btext\/html\b/.test(request.headers.accept ?? '')) return null;
      html ??= readFile(README, 'utf8').then(exampleTabs, () => []).then((tabs) => page(graphqlPath, tabs));
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, 'cache-control': 'no-cache' }, body: await html };
    }
    if (!url.pathname.startsWith(ASSETS_PATH)) return null;
    assets ??= loadAssets().catch((error: unknown) => {
      assets = null;
      throw error;
    });
    const asset = (await assets).get(url.pathname.slice(ASSETS_PATH.length));
    if (!asset) return null;
    const headers: Record<string, string> = { 'content-type': asset.contentType, 'cache-control': 'public, max-age=3600', vary: 'accept-encoding' };
    if (!/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return { status: 200, headers, body: asset.plain };
    return { status: 200, headers: { ...headers, 'content-encoding': 'gzip' }, body: asset.gzipped };
  };
}
