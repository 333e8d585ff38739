/**
 * The JSON Schema of each connector kind's config (connectors/config-schemas.ts) against the
 * config readers: real configs — the README's examples, the demo's sources, the tests' fixtures —
 * satisfy both, broken ones are refused by both, and `npx irhub sources schema <kind>` prints it.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { configSchema, CONFIG_SCHEMA_KINDS, type ConfigSchemaKind } from '../connectors/config-schemas.ts';
import { parseSqlConfig } from '../connectors/sql/config.ts';
import { parseRestConfig } from '../connectors/rest/config.ts';
import { parseSpreadsheetConfig } from '../connectors/spreadsheet/config.ts';
import { universityAssetDbConfig } from '../connectors/demo/university-asset-db.ts';
import { startRentalRestApi } from '../connectors/demo/rental-rest-api.ts';
import { jsonCatalogueConfig } from './support/source-fixtures.ts';

const run = promisify(execFile);
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validators = Object.fromEntries(CONFIG_SCHEMA_KINDS.map((kind) => [kind, ajv.compile(configSchema(kind))]));

const READERS: Record<Exclude<ConfigSchemaKind, 'remote'>, (config: unknown) => unknown> = {
  sql: (config) => parseSqlConfig('src', config, '/tmp'),
  rest: (config) => parseRestConfig('src', config),
  spreadsheet: (config) => parseSpreadsheetConfig('src', config, '/tmp'),
};

function schemaErrors(kind: ConfigSchemaKind, config: unknown): string[] {
  const validate = validators[kind];
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** the README's SQL and REST examples under "Plugging in an institution's system" */
function readmeExamples(): { sql: unknown; rest: unknown } {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Plugging in an institution\'s system'));
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);
  return { sql: blocks[0], rest: blocks[1] };
}

describe('connector config schemas', () => {
  it('real configs satisfy both the schema and the reader', async () => {
    const rental = await startRentalRestApi([], { token: 'demo-token' });
    try {
      const examples = readmeExamples();
      const real: Array<[Exclude<ConfigSchemaKind, 'remote'>, string, unknown]> = [
        ['sql', 'README example', examples.sql],
        ['rest', 'README example', examples.rest],
        ['sql', 'demo university', universityAssetDbConfig('/tmp/szu-assets')],
        ['rest', 'demo rental API', rental.config],
        ['rest', 'test JSON catalogue', jsonCatalogueConfig('http://127.0.0.1:8080')],
        ['spreadsheet', 'demo sheet', { file: 'small-institutions.csv' }],
        ['spreadsheet', 'with defaults', { file: '大型科研仪器.xlsx', sheet: 'Sheet1', defaults: { institution: '北京大学', institutionType: '高等院校', sharing: 'OPEN' } }],
      ];
      for (const [kind, what, config] of real) {
        expect(schemaErrors(kind, config), `${kind} ${what}`).toEqual([]);
        expect(() => READERS[kind](config), `${kind} ${what}`).not.toThrow();
      }
      expect(schemaErrors('remote', { url: 'http://127.0.0.1:4100' })).toEqual([]);
    } finally {
      await rental.close();
    }
  });

  it('broken configs are refused by both, the reader naming the key', () => {
    const { sql, rest } = readmeExamples() as { sql: Record<string, unknown>; rest: Record<string, unknown> };
    const broken: Array<[Exclude<ConfigSchemaKind, 'remote'>, string, unknown, RegExp]> = [
      ['sql', 'misspelt key', { ...sql, tabel: 'x' }, /unknown config key "tabel"/],
      ['sql', 'no table', { ...sql, table: undefined }, /config key "table" is missing/],
      ['sql', 'unknown client', { ...sql, connection: { client: 'mysql', connectionString: 'mysql://x' } }, /"connection.client" must be one of "pg", "pglite"/],
      ['sql', 'status column without active values', { ...sql, calendar: { table: 't', instrumentColumn: 'a', fromColumn: 'b', toColumn: 'c', statusColumn: 's' } }, /"calendar.activeValues" is missing/],
      ['sql', 'unknown canonical field', { ...sql, fields: { ...(sql.fields as object), modle: '型号' } }, /"fields.modle": "modle" is not a canonical field/],
      ['sql', 'unknown institution type', { ...sql, defaults: { institutionType: '学校' } }, /"defaults.institutionType" is "学校", expected one of UNIVERSITY/],
      ['sql', 'value map to an unknown status', { ...sql, values: { status: { 使用中: 'BUSY_NOW' } } }, /"values.status.使用中" maps to "BUSY_NOW"/],
      ['rest', 'paging type', { ...rest, list: { path: '/equipment', paging: { type: 'offset' } } }, /"list.paging.type" must be one of "page", "cursor", "none"/],
      ['rest', 'page size zero', { ...rest, list: { path: '/equipment', paging: { type: 'page', pageParam: 'p', pageSize: 0 } } }, /"list.paging.pageSize" must be at least 1/],
      ['rest', 'path without slash', { ...rest, list: { path: 'equipment', paging: { type: 'none' } } }, /"list.path" must start with "\/"/],
      ['rest', 'live state value', { ...rest, live: { path: '/s', idsParam: 'ids', idPath: 'id', statePath: 's', values: { on: 'RUNNING' } } }, /"live.values.on" must be one of "IDLE"/],
      ['spreadsheet', 'not a sheet', { file: 'inventory.pdf' }, /"file" must name a .csv or .xlsx file/],
      ['spreadsheet', 'unknown default', { file: 'a.csv', defaults: { owner: 'x' } }, /unknown config key "defaults.owner"/],
    ];
    for (const [kind, what, config, message] of broken) {
      expect(schemaErrors(kind, config), `${kind} ${what}: the schema accepted it`).not.toEqual([]);
      expect(() => READERS[kind](config), `${kind} ${what}`).toThrow(message);
    }
    expect(schemaErrors('remote', { url: 'ftp://x' })).not.toEqual([]);
  });

  it('npx irhub sources schema <kind> prints it, and names the kinds when asked for another', async () => {
    const cli = path.resolve('gateway/bin/irhub.js');
    const { stdout } = await run('node', [cli, 'sources', 'schema', 'rest']);
    expect(JSON.parse(stdout)).toEqual(configSchema('rest'));
    await expect(run('node', [cli, 'sources', 'schema', 'ftp'])).rejects.toMatchObject({ stderr: expect.stringContaining('sql, rest, spreadsheet, remote') });
  });
});
