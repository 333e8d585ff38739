/**
 * The `sources` table: what is registered, how, and how it last harvested. A source's config
 * and its connector credential are secrets of the owner and the hub: they are sealed here on
 * the way in and opened on the way out, so nothing else handles them sealed or plain by mistake.
 */
import type { Knex } from 'knex';
import { newSourceSecret } from '../../connectors/sdk/hub-credential.ts';
import type { Sealer } from '../storage/sealed-text.ts';
import { keepIndexHealthy } from './index-writer.ts';

export const CONNECTOR_KINDS = ['sql', 'rest', 'spreadsheet', 'remote'] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

export interface SourceRow {
  id: string;
  kind: ConnectorKind;
  display_name: string;
  config: Record<string, unknown>;
  /** the secret the hub signs its calls to the source's connector with */
  credential: string;
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

type StoredSourceRow = Omit<SourceRow, 'config' | 'credential'> & { config: string; credential: string | null };

export class SourceStore {
  constructor(private readonly db: Knex, private readonly sealer: Sealer) {}

  private opened(row: StoredSourceRow): SourceRow {
    const config = JSON.parse(this.sealer.isSealed(row.config) ? this.sealer.open(row.config) : row.config) as Record<string, unknown>;
    return { ...row, config, credential: row.credential ? this.sealer.open(row.credential) : '' };
  }

  async list(): Promise<SourceRow[]> {
    return (await this.db('sources').orderBy('id') as StoredSourceRow[]).map((r) => this.opened(r));
  }

  async get(id: string): Promise<SourceRow | null> {
    const row = await this.db('sources').where({ id }).first() as StoredSourceRow | undefined;
    return row ? this.opened(row) : null;
  }

  async insert(row: Pick<SourceRow, 'id' | 'kind' | 'display_name' | 'config' | 'credential' | 'schedule'>): Promise<void> {
    await this.db('sources').insert({ ...row, config: this.sealer.seal(JSON.stringify(row.config)), credential: this.sealer.seal(row.credential) });
  }

  async updateConfig(id: string, config: Record<string, unknown>): Promise<void> {
    await this.db('sources').where({ id }).update({ config: this.sealer.seal(JSON.stringify(config)), updated_at: this.db.fn.now() });
  }

  async setCredential(id: string, credential: string): Promise<void> {
    await this.db('sources').where({ id }).update({ credential: this.sealer.seal(credential), updated_at: this.db.fn.now() });
  }

  /** sources stored before configs were sealed, or without a credential, are sealed and given one */
  async sealLegacyRows(): Promise<string[]> {
    const rows = await this.db('sources').select('id', 'config', 'credential') as Array<{ id: string; config: string; credential: string | null }>;
    const changed: string[] = [];
    for (const row of rows) {
      if (this.sealer.isSealed(row.config) && row.credential) continue;
      await this.db('sources').where({ id: row.id }).update({
        config: this.sealer.isSealed(row.config) ? row.config : this.sealer.seal(row.config),
        credential: row.credential ?? this.sealer.seal(newSourceSecret()),
      });
      changed.push(row.id);
    }
    return changed;
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.db.transaction(async (trx) => {
      const removed = await trx('instruments').where({ source_id: id }).delete();
      await trx('harvest_runs').where({ source_id: id }).delete();
      await trx('sources').where({ id }).delete();
      // an institution no source lists any more is gone with its last instrument
      await trx('institutions').whereNotExists(trx('instruments').whereRaw('instruments.institution_id = institutions.id')).delete();
      return removed;
    });
    await keepIndexHealthy(this.db, deleted);
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
