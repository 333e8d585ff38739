/** A spreadsheet source's config: which file (CSV or XLSX), which sheet, and defaults. */
import path from 'node:path';
import { ConfigReader } from '../sdk/config-reader.ts';
import { readDefaults } from '../sdk/mapping-config.ts';
import type { NormalizeDefaults } from '../sdk/canonical.ts';

export interface SpreadsheetSourceConfig {
  /** absolute path of the exported file */
  file: string;
  /** XLSX sheet name; the first sheet when absent */
  sheet?: string;
  defaults?: NormalizeDefaults;
}

export function parseSpreadsheetConfig(sourceId: string, json: unknown, baseDir: string): SpreadsheetSourceConfig {
  const config = ConfigReader.of(sourceId, json);
  config.allowOnly(['file', 'sheet', 'defaults']);
  const file = config.string('file');
  if (!/\.(csv|xlsx)$/i.test(file)) config.fail('file', `must name a .csv or .xlsx file, got "${file}"`);
  return { file: path.resolve(baseDir, file), sheet: config.optionalString('sheet'), defaults: readDefaults(config) };
}
