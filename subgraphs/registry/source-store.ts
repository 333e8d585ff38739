/** The `sources` table: what is registered, how, and how it last harvested. */
import type { Knex } from 'knex';

export const CONNECTOR_KINDS = ['sql', 'rest', 'spreadsheet', 'remote'] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

export interface SourceRow {
  id: string;
  kind: ConnectorKind;
  display_name: string;
  config: Record<string, unknown>;
  schedule: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
  harvested_until: Date | null;
}

export interface HarvestRunRow {
  id: number;
  source_id: string;
  mode: 'FULL' | 'INCREMENTAL';
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  seen: number;
  imported: number;
  rejected: number;
  deleted: number;
  rejected_rows: Array<{ ref: string; field: string; reason: string }>;
  error: string | null;
}

export class SourceStore {
  constructor(private readonly db: Knex) {}

  list(): Promise<SourceRow[]> {
    return this.db('sources').orderBy('id');
  }

  async get(id: string): Promise<SourceRow | null> {
    return (await this.db('sources').where({ id }).first()) ?? null;
  }

  async insert(row: Pick<SourceRow, 'id' | 'kind' | 'display_name' | 'config' | 'schedule'>): Promise<void> {
    await this.db('sources').insert({ ...row, config: JSON.stringify(row.config) });
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('instruments').where({ source_id: id }).delete();
      await trx('harvest_runs').where({ source_id: id }).delete();
      await trx('sources').where({ id }).delete();
      // an institution no source lists any more is gone with its last instrument
      await trx('institutions').whereNotExists(trx('instruments').whereRaw('instruments.institution_id = institutions.id')).delete();
    });
  }

  async lastRuns(ids: readonly string[]): Promise<Map<string, HarvestRunRow>> {
    if (ids.length === 0) return new Map();
    const rows: HarvestRunRow[] = await this.db('harvest_runs')
      .distinctOn('source_id').whereIn('source_id', [...ids]).orderBy([{ column: 'source_id' }, { column: 'id', order: 'desc' }]);
    return new Map(rows.map((r) => [r.source_id, r]));
  }

  async instrumentCounts(): Promise<Map<string, number>> {
    const rows: { source_id: string; count: string | number }[] = await this.db('instruments').select('source_id').count({ count: '*' }).groupBy('source_id');
    return new Map(rows.map((r) => [r.source_id, Number(r.count)]));
  }
}
