/**
 * A JSON Schema (draft 2020-12) for each connector kind's config, for editors and for owners who
 * validate their configs in their own pipelines (`npx irhub sources schema <kind>` prints one).
 * The readers in connectors/<kind>/config.ts stay the authority — they also check what a schema
 * cannot (a URL's scheme, a path's placeholders, a mapped column against the table) — and
 * tests/config-schemas.test.ts holds both to the same real and broken configs.
 */
import { CANONICAL_FIELD_NAMES } from './sdk/fields.ts';
import { declaredStatuses, institutionTypes, sharingModes, type TermMap } from '../schema/terms.ts';
import { INSTRUMENT_CLASSES } from '../schema/classes.ts';

type Schema = Record<string, unknown>;

export const CONFIG_SCHEMA_KINDS = ['sql', 'rest', 'spreadsheet', 'remote'] as const;
export type ConfigSchemaKind = (typeof CONFIG_SCHEMA_KINDS)[number];

const text: Schema = { type: 'string', minLength: 1, pattern: '\\S' };
const texts: Schema = { type: 'array', minItems: 1, items: text };
const apiPath = (description: string): Schema => ({ type: 'string', pattern: '^/', description });
const whole = (minimum: number, maximum?: number): Schema => ({ type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }) });

/** an object of exactly these keys, `required` among them */
function object(properties: Record<string, Schema>, required: string[] = [], description?: string): Schema {
  return { type: 'object', ...(description ? { description } : {}), properties, required, additionalProperties: false };
}

function termWords<K extends string>(terms: TermMap<K>): string[] {
  return terms.keys.flatMap((k) => [k, terms.zh[k], ...terms.variants[k]]);
}
const term = <K extends string>(terms: TermMap<K>, description: string): Schema => ({ enum: termWords(terms), description });

/** the targets of a value map that the reader checks (README "Accepted values") */
const VALUE_TARGETS: Record<string, Schema> = {
  status: term(declaredStatuses, 'a declared status'),
  sharing: term(sharingModes, 'a sharing mode'),
  institution_type: term(institutionTypes, 'an institution type'),
  category: { ...text, description: `a national class: ${INSTRUMENT_CLASSES.map((c) => `${c.key} ${c.zh}`).join(', ')}, or a code or name of any level` },
};

/** `fields`, `values` and `defaults`, as connectors/sdk/mapping-config.ts reads them */
const MAPPING: Record<string, Schema> = {
  fields: {
    type: 'object', description: 'canonical field → the owner\'s column or JSON path', propertyNames: { enum: CANONICAL_FIELD_NAMES },
    properties: { local_id: text, name: text }, additionalProperties: text, required: ['local_id', 'name'],
  },
  values: {
    type: 'object', description: 'canonical field → { the owner\'s word → the canonical value }', propertyNames: { enum: CANONICAL_FIELD_NAMES },
    properties: Object.fromEntries(Object.entries(VALUE_TARGETS).map(([field, target]) => [field, { type: 'object', additionalProperties: target }])),
    additionalProperties: { type: 'object', additionalProperties: text },
  },
  defaults: object({
    institution: text,
    institutionType: term(institutionTypes, 'an institution type'),
    district: { ...text, description: 'a Shenzhen district, e.g. 南山区' },
    sharing: term(sharingModes, 'a sharing mode'),
    declaredStatus: term(declaredStatuses, 'a declared status'),
  }, [], 'what the owner\'s system does not say'),
};

const SQL: Schema = object({
  connection: {
    oneOf: [
      object({ client: { const: 'pg' }, connectionString: { type: 'string', pattern: '^postgres(ql)?://' } }, ['client', 'connectionString']),
      object({ client: { const: 'pglite' }, dataDir: text }, ['client', 'dataDir']),
    ],
  },
  table: text,
  schema: text,
  ...MAPPING,
  calendar: {
    ...object({
      table: text, instrumentColumn: text, fromColumn: text, toColumn: text, refColumn: text, holderColumn: text, purposeColumn: text,
      statusColumn: text, activeValues: texts,
    }, ['table', 'instrumentColumn', 'fromColumn', 'toColumn']),
    dependentRequired: { statusColumn: ['activeValues'], activeValues: ['statusColumn'] },
  },
}, ['connection', 'table', 'fields']);

const REST: Schema = object({
  baseUrl: { type: 'string', pattern: '^https?://[^?#]+$', description: 'http(s) URL without query or fragment' },
  headers: { type: 'object', additionalProperties: text },
  timeoutMs: whole(100, 300_000),
  list: object({
    path: apiPath('the listing, below baseUrl'),
    itemsPath: text,
    totalPath: text,
    sinceParam: text,
    paging: {
      oneOf: [
        object({ type: { const: 'page' }, pageParam: text, sizeParam: text, pageSize: whole(1), startPage: whole(0) }, ['type', 'pageParam', 'pageSize']),
        object({ type: { const: 'cursor' }, cursorParam: text, nextCursorPath: text, sizeParam: text, pageSize: whole(1) }, ['type', 'cursorParam', 'nextCursorPath']),
        object({ type: { const: 'none' } }, ['type']),
      ],
    },
  }, ['path', 'paging']),
  live: object({
    path: apiPath('live states, below baseUrl'), idsParam: text, itemsPath: text, idPath: text, statePath: text, observedAtPath: text,
    values: { type: 'object', additionalProperties: { enum: ['IDLE', 'IN_USE', 'MAINTENANCE', 'RETIRED', 'OFFLINE', 'UNKNOWN'] } },
    batchSize: whole(1, 1000),
  }, ['path', 'idsParam', 'idPath', 'statePath']),
  calendar: object({ path: apiPath('an instrument\'s reservations, with {id}'), fromParam: text, toParam: text, itemsPath: text, fromPath: text, toPath: text },
    ['path', 'fromParam', 'toParam', 'fromPath', 'toPath']),
  booking: object({ path: apiPath('where a booking is posted, with {id}'), refPath: text, cancelPath: apiPath('where it is cancelled, with {ref}') }, ['path', 'refPath', 'cancelPath']),
  ...MAPPING,
}, ['baseUrl', 'list', 'fields']);

const SPREADSHEET: Schema = object({
  file: { type: 'string', pattern: '\\.([cC][sS][vV]|[xX][lL][sS][xX])$', description: 'the exported .csv or .xlsx, relative to the config file' },
  sheet: text,
  defaults: MAPPING.defaults,
}, ['file']);

const REMOTE: Schema = object({ url: { type: 'string', pattern: '^https?://', description: 'the connector\'s base URL (its subgraph is at /graphql)' } }, ['url']);

const BY_KIND: Record<ConfigSchemaKind, { title: string; schema: Schema }> = {
  sql: { title: 'irhub sql source config: an owner\'s asset database', schema: SQL },
  rest: { title: 'irhub rest source config: an owner\'s JSON API', schema: REST },
  spreadsheet: { title: 'irhub spreadsheet source config: an exported CSV or XLSX', schema: SPREADSHEET },
  remote: { title: 'irhub remote source config: a connector the owner runs (@irhub/connector-sdk)', schema: REMOTE },
};

export function configSchema(kind: ConfigSchemaKind): Schema {
  const { title, schema } = BY_KIND[kind];
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `urn:irhub:source-config:${kind}`, title, ...schema };
}
