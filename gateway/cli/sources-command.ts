/** `irhub sources add|list|harvest|remove`: the registry, from the command line. */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { CliError, connectHub } from './hub-client.ts';
import { writePrivateFile } from '../hub-files.ts';
import { CONFIG_SCHEMA_KINDS, configSchema, type ConfigSchemaKind } from '../../connectors/config-schemas.ts';

const RUN_FIELDS = 'id status mode seen imported rejected deleted durationMs error rejectedRows(first: 20) { ref field reason }';
const SOURCE_FIELDS = `id kind displayName schedule typeName instrumentCount inSupergraph connectorError compositionError lastRun { ${RUN_FIELDS} }`;

interface RunView {
  id: string; status: string; mode: string; seen: number; imported: number; rejected: number; deleted: number;
  durationMs: number | null; error: string | null; rejectedRows: Array<{ ref: string; field: string; reason: string }>;
}
interface SourceView {
  id: string; kind: string; displayName: string; schedule: string; typeName: string; instrumentCount: number;
  inSupergraph: boolean; connectorError: string | null; compositionError: string | null; lastRun: RunView | null;
}

export function describeRun(sourceId: string, run: RunView): string {
  const lines = [`harvest ${sourceId}: ${run.status} (${run.mode.toLowerCase()}) — ${run.imported} imported, ${run.rejected} rejected, ${run.deleted} deleted, ${run.seen} read${run.durationMs !== null ? ` in ${(run.durationMs / 1000).toFixed(1)} s` : ''}`];
  if (run.error) lines.push(`  error: ${run.error}`);
  for (const r of run.rejectedRows) lines.push(`  rejected ${r.ref}${r.field ? `, ${r.field}` : ''}: ${r.reason}`);
  if (run.rejected > run.rejectedRows.length) lines.push(`  … and ${run.rejected - run.rejectedRows.length} more rejected rows`);
  return lines.join('\n');
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  return rows.map((r) => r.map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length)).join('  ').trimEnd()).join('\n');
}

/**
 * A source config given inline as a JSON object (`--config '{"url": …}'`), or a file: JSON, or YAML
 * for files named .yaml/.yml. A relative `file` inside it is relative to the config file, or to the
 * current directory for an inline config.
 */
function readConfig(given: string): Record<string, unknown> {
  const inline = given.trimStart().startsWith('{');
  if (!inline && !existsSync(given)) throw new CliError(`--config ${given}: no such file (give a file, or the settings inline as a JSON object)`);
  const isYaml = !inline && /\.ya?ml$/i.test(given);
  const what = inline ? '--config (inline)' : `--config ${given}`;
  let value: unknown;
  try {
    const text = inline ? given : readFileSync(given, 'utf8');
    value = isYaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what}: not valid ${isYaml ? 'YAML' : 'JSON'} (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${what}: must hold an object of settings`);
  const config = value as Record<string, unknown>;
  if (typeof config.file === 'string') config.file = path.resolve(inline ? '.' : path.dirname(given), config.file);
  return config;
}

export async function sourcesCommand(args: string[], out: (line: string) => void): Promise<number> {
  const [action, ...rest] = args;
  // needs no hub: the schema of a kind's config, for an owner's editor or pipeline
  if (action === 'schema') {
    const kind = rest[0] as ConfigSchemaKind;
    if (!CONFIG_SCHEMA_KINDS.includes(kind)) throw new CliError(`usage: irhub sources schema <kind>, a kind being one of ${CONFIG_SCHEMA_KINDS.join(', ')}`);
    out(JSON.stringify(configSchema(kind), null, 2));
    return 0;
  }
  const hub = connectHub();
  switch (action) {
    case 'add': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: {
        kind: { type: 'string' }, config: { type: 'string' }, file: { type: 'string' }, institution: { type: 'string' }, name: { type: 'string' },
        schedule: { type: 'string' }, 'no-harvest': { type: 'boolean' }, 'credential-file': { type: 'string' },
      } });
      const id = positionals[0];
      if (!id) throw new CliError('usage: irhub sources add <id> --kind sql|rest|spreadsheet|remote --config <file.json|yaml|inline JSON> | --file <path.csv|xlsx> [--institution <name>]');
      let kind = values.kind;
      let config: Record<string, unknown>;
      if (values.file) {
        kind ??= 'spreadsheet';
        if (kind !== 'spreadsheet') throw new CliError('--file is for spreadsheet sources; use --config for other kinds');
        const file = path.resolve(values.file);
        if (!existsSync(file)) throw new CliError(`--file ${values.file}: no such file`);
        // a file of one institution without a 所属单位 column, such as the national upload template
        config = values.institution ? { file, defaults: { institution: values.institution } } : { file };
      } else if (values.config) {
        config = readConfig(values.config);
      } else {
        throw new CliError('sources add needs --config <file.json> or --file <path.csv|xlsx>');
      }
      if (!kind) throw new CliError('sources add needs --kind sql|rest|spreadsheet|remote');
      let credential: string | undefined;
      if (values['credential-file']) {
        if (!existsSync(values['credential-file'])) throw new CliError(`--credential-file ${values['credential-file']}: no such file`);
        credential = readFileSync(values['credential-file'], 'utf8').trim();
      }
      const data = await hub.request<{ addSource: { source: SourceView; harvest: RunView | null } }>(
        `mutation ($input: AddSourceInput!) { addSource(input: $input) { source { ${SOURCE_FIELDS} } harvest { ${RUN_FIELDS} } } }`,
        { input: { id, kind: kind.toUpperCase(), config: JSON.stringify(config), displayName: values.name, schedule: values.schedule, harvest: !values['no-harvest'], credential } },
      );
      const { source, harvest } = data.addSource;
      out(`source ${source.id} registered (${source.kind.toLowerCase()}, type ${source.typeName})${source.compositionError ? `, but left out of the supergraph: ${source.compositionError}` : ''}`);
      if (harvest) out(describeRun(id, harvest));
      return harvest && harvest.status !== 'SUCCEEDED' ? 1 : 0;
    }
    case 'list': {
      const data = await hub.request<{ sources: SourceView[]; supergraph: { lastError: string | null } }>(`{ sources { ${SOURCE_FIELDS} } supergraph { lastError } }`);
      const rows = [['ID', 'KIND', 'INSTRUMENTS', 'IN GRAPH', 'LAST HARVEST', 'PROBLEM']];
      for (const s of data.sources) {
        const run = s.lastRun ? `${s.lastRun.status.toLowerCase()} +${s.lastRun.imported} -${s.lastRun.rejected}` : 'never';
        rows.push([s.id, s.kind.toLowerCase(), String(s.instrumentCount), s.inSupergraph ? 'yes' : 'no', run,
          s.connectorError ?? s.compositionError ?? s.lastRun?.error ?? '']);
      }
      out(table(rows));
      if (data.supergraph.lastError) out(`\nlast composition problem: ${data.supergraph.lastError}`);
      return 0;
    }
    case 'harvest': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { full: { type: 'boolean' } } });
      const id = positionals[0];
      if (!id) throw new CliError('usage: irhub sources harvest <id> [--full]');
      const data = await hub.request<{ harvestSource: RunView }>(`mutation ($id: ID!, $full: Boolean) { harvestSource(id: $id, full: $full) { ${RUN_FIELDS} } }`, { id, full: values.full ?? false });
      out(describeRun(id, data.harvestSource));
      return data.harvestSource.status === 'SUCCEEDED' ? 0 : 1;
    }
    case 'remove': {
      const id = rest[0];
      if (!id) throw new CliError('usage: irhub sources remove <id>');
      await hub.request(`mutation ($id: ID!) { removeSource(id: $id) }`, { id });
      out(`source ${id} removed`);
      return 0;
    }
    case 'rotate': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { 'credential-file': { type: 'string' } } });
      const id = positionals[0];
      if (!id) throw new CliError('usage: irhub sources rotate <id> [--credential-file <file>]');
      const data = await hub.request<{ rotateSourceCredential: { source: { kind: string }; credential: string | null } }>(
        'mutation ($id: ID!) { rotateSourceCredential(id: $id) { source { kind } credential } }', { id });
      const { credential } = data.rotateSourceCredential;
      if (credential === null) {
        out(`source ${id}: connector credential rotated; the hub's connector uses the new one already, the old one is refused`);
        return 0;
      }
      // a secret is never printed: it goes to a file only its owner can read
      const file = path.resolve(values['credential-file'] ?? `${id}.connector-secret`);
      writePrivateFile(file, `${credential}\n`);
      out(`source ${id}: connector credential rotated; the new secret is in ${file} — restart the connector with it (serveConnector({ credential })); until then the hub's calls to it are refused`);
      return 0;
    }
    default:
      throw new CliError('usage: irhub sources add|list|harvest|remove|rotate …');
  }
}
