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
  /** where its hosted connector listens when the hub runs as separate services (null: a free port) */
  connector_port: number | null;
}

/** the ports hosted connectors may listen on, both ends included */
export interface PortRange {
  from: number;
  to: number;
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

  async insert(row: Pick<SourceRow, 'id' | 'kind' | 'display_name' | 'config' | 'credential' | 'schedule'> & { connector_port?: number | null }): Promise<void> {
    await this.db('sources').insert({ ...row, config: this.sealer.seal(JSON.stringify(row.config)), credential: this.sealer.seal(row.credential) });
  }

  /** the lowest port of the range no stored source has */
  async freeConnectorPort(range: PortRange): Promise<number> {
    const taken = new Set((await this.db('sources').whereBetween('connector_port', [range.from, range.to]).pluck('connector_port')).map(Number));
    for (let port = range.from; port <= range.to; port++) if (!taken.has(port)) return port;
    throw new Error(`every connector port of ${range.from}-${range.to} is taken (IRHUB_CONNECTOR_PORTS): widen the range`);
  }

  /** the source's stored port, or the first free one of the range stored for it (a replica claiming the same one at the same time makes the other try the next) */
  async claimConnectorPort(id: string, range: PortRange): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const row = await this.db('sources').where({ id }).first('connector_port') as { connector_port: number | null } | undefined;
      if (!row) throw new Error(`no source ${id}`);
      if (row.connector_port !== null && row.connector_port >= range.from && row.connector_port <= range.to) return row.connector_port;
      const port = await this.freeConnectorPort(range);
      try {
        await this.db('sources').where({ id }).update({ connector_port: port });
        return port;
      } catch (error) {
        if ((error as { code?: string }).code !== '23505' || attempt >= 10) throw error;
      }
    }
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
