/**
 * The connector kinds an institution can configure without code, by name. Each parses and
 * checks its JSON config (naming the bad key) and opens an adapter, which checks the owner's
 * system itself (e.g. that every mapped column exists) before the source is registered.
 */
import type { ConnectorAdapter } from './sdk/contract.ts';
import { ConnectorError } from './sdk/contract.ts';
import type { NormalizeDefaults } from './sdk/canonical.ts';
import { parseSqlConfig } from './sql/config.ts';
import { openSqlAdapter } from './sql/sql-connector.ts';
import { parseRestConfig } from './rest/config.ts';
import { createRestAdapter } from './rest/rest-connector.ts';
import { parseSpreadsheetConfig } from './spreadsheet/config.ts';
import { createSpreadsheetAdapter } from './spreadsheet/spreadsheet-connector.ts';

export const HOSTED_KINDS = ['sql', 'rest', 'spreadsheet'] as const;
export type HostedKind = (typeof HOSTED_KINDS)[number];

export interface OpenedAdapter {
  adapter: ConnectorAdapter;
  defaults?: NormalizeDefaults;
}

export async function openConnectorAdapter(kind: string, sourceId: string, config: unknown, baseDir: string): Promise<OpenedAdapter> {
  switch (kind) {
    case 'sql': {
      const parsed = parseSqlConfig(sourceId, config, baseDir);
      return { adapter: await openSqlAdapter(sourceId, parsed), defaults: parsed.defaults };
    }
    case 'rest': {
      const parsed = parseRestConfig(sourceId, config);
      return { adapter: createRestAdapter(sourceId, parsed), defaults: parsed.defaults };
    }
    case 'spreadsheet': {
      const parsed = parseSpreadsheetConfig(sourceId, config, baseDir);
      return { adapter: createSpreadsheetAdapter(sourceId, parsed), defaults: parsed.defaults };
    }
    default:
      throw new ConnectorError(`source ${sourceId}: unknown connector kind "${kind}" (expected ${HOSTED_KINDS.join(', ')} or remote)`, 'CONFIG');
  }
}
