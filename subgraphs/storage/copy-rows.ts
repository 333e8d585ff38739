/**
 * Rows into a server PostgreSQL table by COPY, the way it takes bulk input fastest: its text
 * format is read by a scan for tabs and newlines, where a JSON parameter is lexed a character at a
 * time (a quarter of a harvest's database time went to reading its rows' JSON).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]) : text;
}

/** an array column's input: every element quoted, so commas, braces and spaces stay inside it */
function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

/**
 * One value in COPY's text format: null as \N, instants in ISO form, arrays and objects as the
 * column's own input (an array literal, JSON), the rest as text.
 */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return escaped(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return escaped(arrayLiteral(value));
  return escaped(JSON.stringify(value));
}

/** rows as COPY's text input, each a line of its values in `columns` order */
export function copyText<Row extends Record<string, unknown>>(rows: readonly Row[], columns: readonly (keyof Row & string)[]): string {
  let text = '';
  for (const row of rows) {
    let line = '';
    for (let c = 0; c < columns.length; c++) line += (c === 0 ? '' : '\t') + copyField(row[columns[c]]);
    text += `${line}\n`;
  }
  return text;
}

/** COPY `text` into `table` on the transaction's own connection, so it is part of the transaction */
export async function copyInto(trx: Knex.Transaction, table: string, columns: readonly string[], text: string): Promise<void> {
  // a transaction's client hands out the one connection the transaction holds
  const connection = await trx.client.acquireConnection() as ClientBase;
  await pipeline(Readable.from([Buffer.from(text)]), connection.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)));
}
