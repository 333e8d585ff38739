/**
 * The hub's own GraphQL IDE in a real headless browser (Debian's chromium through playwright-core)
 * with every request to another host refused: GET /graphql asking for HTML serves GraphiQL from
 * the hub, its tabs are the README's example queries, and a query typed with a bearer token in the
 * headers editor runs through the gateway and shows its result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { ADD_SOURCE, addSourceInput, DATABASE_TARGETS, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { exampleTabs } from '../gateway/ide/graphql-ide.ts';

const CHROMIUM = process.env.IRHUB_CHROMIUM ?? '/usr/bin/chromium';
const README_TABS = exampleTabs(readFileSync('README.md', 'utf8'));

describe.each(DATABASE_TARGETS)('the GraphQL IDE served by the hub ($name)', (target) => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub(target);
    const file = writeSheet(hub.dataDir, 'lab.csv', [
      ['E-1', '场发射扫描电镜', 'FE-SEM', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '南方科技大学', '高等院校', '南山区', '对外开放', '闲置', '400'],
    ]);
    expect((await hub.gql(ADD_SOURCE, addSourceInput('sustech', 'SPREADSHEET', { file }))).errors).toBeUndefined();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('answers a browser with the IDE page, and a GraphQL client as before', async () => {
    const page = await fetch(hub.graphqlUrl, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = await fetch(`${hub.url}/graphiql/graphiql-page.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${hub.url}/graphiql/nothing.js`)).status).toBe(404);
    const asJson = await fetch(`${hub.graphqlUrl}?query=${encodeURIComponent('{ instruments { totalCount } }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': '1' } });
    expect(await asJson.json()).toEqual({ data: { instruments: { totalCount: 1 } } });
  });

  it('runs in headless chromium with every other host blocked: README tabs, a token in the headers editor, a result', async (context) => {
    if (!existsSync(CHROMIUM)) {
      console.warn(`skipping the browser check: no chromium at ${CHROMIUM} (apt-get install chromium, or set IRHUB_CHROMIUM)`);
      context.skip();
    }
    expect(README_TABS.length).toBeGreaterThanOrEqual(3);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const browserContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const blocked: string[] = [];
      const problems: string[] = [];
      await browserContext.route('**/*', (route) => {
        const { hostname, protocol } = new URL(route.request().url());
        if (protocol === 'data:' || protocol === 'blob:' || ['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) return route.continue();
        blocked.push(route.request().url());
        return route.abort();
      });
      const page = await browserContext.newPage();
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
      await page.goto(hub.graphqlUrl);
      await page.waitForSelector('.graphiql-container .graphiql-query-editor .monaco-editor', { timeout: 60_000 });
      expect(await page.locator('.graphiql-tab').count()).toBe(README_TABS.length);

      // the registry tab needs the administrator: the token goes in the headers editor
      await page.locator('.graphiql-tab').nth(README_TABS.findIndex((t) => t.query.includes('sources {'))).click();
      await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
      await page.locator('.graphiql-editor-tool .monaco-editor').last().click();
      await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${hub.adminToken}` }));
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => page.locator('.graphiql-response').innerText(), { timeout: 30_000 }).toContain('sustech');

      // the first tab, the README's search, as anyone
      await page.locator('.graphiql-tab').first().click();
      await expect.poll(() => page.locator('.graphiql-tab-active').innerText()).toContain('OpenInstrumentsNearby');
      await page.locator('.graphiql-query-editor .monaco-editor').click();
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => page.locator('.graphiql-response').innerText(), { timeout: 30_000 }).toContain('场发射扫描电镜');

      expect(blocked).toEqual([]);
      // the IDE asks for the schema before any token is given: refused to anyone (IRHUB_INTROSPECTION), the only error
      expect(problems.filter((p) => !p.includes('status of 403'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
