/**
 * Fake-busy flags as the centre works them: raised by the nightly job (jobs/flag-fake-busy.ts),
 * explained by the owner's staff, then CONFIRMED or EXPLAINED by the centre. A flag whose
 * condition ends before anyone resolved it is CLEARED by the next run. While the condition
 * goes on, its flag stays the same one (evidence refreshed each night), resolved or not; once
 * the condition has ended, a new occurrence raises a new flag.
 */
import { GraphQLError } from 'graphql';
import type { Knex } from 'knex';
import type { FakeBusyFlag, FlagKind } from './fake-busy.ts';
import { fromJsonb } from '../storage/jsonb.ts';

export const FLAG_STATUSES = ['OPEN', 'CONFIRMED', 'EXPLAINED', 'CLEARED'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

export interface FlagRow {
  id: string;
  instrument_id: string;
  institution_id: string;
  kind: FlagKind;
  window_from: Date;
  window_to: Date;
  evidence: string[];
  open_hours: number;
  used_hours: number;
  blocked_hours: number;
  declared_status: string;
  detected_at: Date;
  last_seen_at: Date;
  active: boolean;
  status: FlagStatus;
  owner_explanation: string | null;
  explained_by: string | null;
  explained_at: Date | null;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  /** joined for lists and the report */
  instrument_name?: string;
  institution_name?: string;
}

const FLAG_COLUMNS = ['f.*', 'i.name as instrument_name', 'n.name as institution_name'];

function fromDb(row: FlagRow): FlagRow {
  return { ...row, id: String(row.id), evidence: fromJsonb(row.evidence) };
}

/** Records what one run detected for one instrument: refreshes its active flags, raises new ones. */
export async function saveDetected(db: Knex, detected: FakeBusyFlag, context: { institutionId: string; declaredStatus: string; now: Date }): Promise<'RAISED' | 'REFRESHED'> {
  const values = {
    window_from: detected.windowFrom, window_to: detected.windowTo, evidence: JSON.stringify(detected.evidence),
    open_hours: detected.openHours, used_hours: detected.usedHours, blocked_hours: detected.blockedHours,
    declared_status: context.declaredStatus, institution_id: context.institutionId, last_seen_at: context.now,
  };
  const updated = await db('fake_busy_flags').where({ instrument_id: detected.instrumentId, kind: detected.kind, active: true }).update(values);
  if (Number(updated) > 0) return 'REFRESHED';
  await db('fake_busy_flags').insert({ ...values, instrument_id: detected.instrumentId, kind: detected.kind, detected_at: context.now, active: true, status: 'OPEN' });
  return 'RAISED';
}

/** After a run: flags it did not see again are no longer active; unresolved ones are cleared. */
export async function retireUnseen(db: Knex, runStartedAt: Date): Promise<number> {
  const cleared = await db('fake_busy_flags').where('active', true).where('last_seen_at', '<', runStartedAt).where('status', 'OPEN').update({ active: false, status: 'CLEARED' });
  await db('fake_busy_flags').where('active', true).where('last_seen_at', '<', runStartedAt).update({ active: false });
  return Number(cleared);
}

export interface FlagQuery {
  statuses?: readonly FlagStatus[] | null;
  kinds?: readonly string[] | null;
  institutionIds?: readonly string[] | null;
  instrumentIds?: readonly string[] | null;
  /** flags raised before `to` and still seen at or after `from` */
  window?: { from: Date; to: Date } | null;
  /** SQL filter over instruments `i` and institutions `n` (city statistics) */
  extra?: { sql: string; bindings: unknown[] } | null;
  first: number;
  /** flags with an id below this (newest first) */
  beforeId?: string | null;
}

function flagQuery(db: Knex, query: Omit<FlagQuery, 'first' | 'beforeId'>) {
  const q = db('fake_busy_flags as f').join('instruments as i', 'i.id', 'f.instrument_id').join('institutions as n', 'n.id', 'i.institution_id');
  if (query.statuses?.length) q.whereIn('f.status', [...query.statuses]);
  if (query.kinds?.length) q.whereIn('f.kind', [...query.kinds]);
  if (query.institutionIds) q.whereIn('i.institution_id', [...query.institutionIds]);
  if (query.instrumentIds) q.whereIn('f.instrument_id', [...query.instrumentIds]);
  if (query.window) q.where('f.detected_at', '<', query.window.to).where('f.last_seen_at', '>=', query.window.from);
  if (query.extra?.sql) q.whereRaw(`true ${query.extra.sql}`, query.extra.bindings as Knex.RawBinding[]);
  return q;
}

export async function listFlags(db: Knex, query: FlagQuery): Promise<{ totalCount: number; nodes: FlagRow[] }> {
  const base = flagQuery(db, query);
  const [{ n }] = await base.clone().count('* as n') as Array<{ n: string | number }>;
  const page = base.clone().select(FLAG_COLUMNS).orderBy('f.id', 'desc').limit(query.first);
  if (query.beforeId) page.where('f.id', '<', query.beforeId);
  return { totalCount: Number(n), nodes: (await page as FlagRow[]).map(fromDb) };
}

export async function flagsOfInstruments(db: Knex, instrumentIds: readonly string[]): Promise<Map<string, FlagRow[]>> {
  const rows = (await flagQuery(db, { instrumentIds }).select(FLAG_COLUMNS).orderBy('f.id', 'desc') as FlagRow[]).map(fromDb);
  const result = new Map<string, FlagRow[]>();
  for (const row of rows) result.set(row.instrument_id, [...(result.get(row.instrument_id) ?? []), row]);
  return result;
}

export async function getFlag(db: Knex, id: string): Promise<FlagRow> {
  if (!/^\d{1,18}$/.test(id)) throw new GraphQLError(`flagId: no fake-busy flag ${id}`, { extensions: { code: 'NOT_FOUND', field: 'flagId' } });
  const row = await db('fake_busy_flags as f').join('instruments as i', 'i.id', 'f.instrument_id').join('institutions as n', 'n.id', 'i.institution_id')
    .where('f.id', id).first(FLAG_COLUMNS) as FlagRow | undefined;
  if (!row) throw new GraphQLError(`flagId: no fake-busy flag ${id}`, { extensions: { code: 'NOT_FOUND', field: 'flagId' } });
  return fromDb(row);
}

const blank = (text: string) => text.trim() === '';

export async function explainFlag(db: Knex, id: string, explanation: string, by: string, now: Date): Promise<FlagRow> {
  if (blank(explanation)) throw new GraphQLError('explanation: say why the instrument looked busy', { extensions: { code: 'BAD_USER_INPUT', field: 'explanation' } });
  const flag = await getFlag(db, id);
  if (flag.status !== 'OPEN' && flag.status !== 'CLEARED') {
    throw new GraphQLError(`flag ${id} was already resolved ${flag.status} by ${flag.resolved_by}`, { extensions: { code: 'CONFLICT' } });
  }
  await db('fake_busy_flags').where({ id }).update({ owner_explanation: explanation.trim(), explained_by: by, explained_at: now });
  return getFlag(db, id);
}

export async function resolveFlag(db: Knex, id: string, resolution: 'CONFIRMED' | 'EXPLAINED', note: string, by: string, now: Date): Promise<FlagRow> {
  if (blank(note)) throw new GraphQLError('note: give the reason for the resolution, for the record', { extensions: { code: 'BAD_USER_INPUT', field: 'note' } });
  await getFlag(db, id);
  const updated = await db('fake_busy_flags').where({ id }).whereIn('status', ['OPEN', 'CLEARED'])
    .update({ status: resolution, resolution_note: note.trim(), resolved_by: by, resolved_at: now });
  const flag = await getFlag(db, id);
  if (Number(updated) === 0) throw new GraphQLError(`flag ${id} was already resolved ${flag.status} by ${flag.resolved_by}`, { extensions: { code: 'CONFLICT' } });
  return flag;
}

export interface FakeBusyRunRecord {
  id: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startedAt: Date;
  finishedAt: Date | null;
  quietDays: number;
  instruments: number;
  raised: number;
  stillActive: number;
  cleared: number;
  bookingsImported: number;
  usagePulls: string[];
  calendarProblems: string[];
  error: string | null;
}

interface RunRow { id: string | number; started_at: Date; finished_at: Date | null; quiet_days: number; instruments: number; raised: number; still_active: number; cleared: number; bookings_imported: number; usage_pulls: string[] | string; calendar_problems: string[] | string; error: string | null }

function runRecord(row: RunRow): FakeBusyRunRecord {
  return {
    id: String(row.id),
    status: row.error ? 'FAILED' : row.finished_at ? 'SUCCEEDED' : 'RUNNING',
    startedAt: row.started_at, finishedAt: row.finished_at, quietDays: row.quiet_days, instruments: row.instruments, raised: row.raised,
    stillActive: row.still_active, cleared: row.cleared, bookingsImported: row.bookings_imported,
    usagePulls: fromJsonb(row.usage_pulls), calendarProblems: fromJsonb(row.calendar_problems), error: row.error,
  };
}

/** Runs of the fake-busy job, newest first; with `id`, that one only. */
export async function listRuns(db: Knex, options: { id?: string; first: number }): Promise<FakeBusyRunRecord[]> {
  if (options.id !== undefined && !/^\d{1,18}$/.test(options.id)) return [];
  const q = db('fake_busy_runs').orderBy('id', 'desc').limit(options.first);
  if (options.id !== undefined) q.where({ id: options.id });
  return (await q as RunRow[]).map(runRecord);
}
