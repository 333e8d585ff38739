/**
 * The nightly 假忙碌 job (node-cron, Asia/Shanghai; by hand: `npx irhub oversight flag-fake-busy`,
 * or the `runFakeBusyDetection` mutation). For every listed instrument it gathers the evidence
 * of the last `quietDays` days — usage sessions, hub bookings, the owner's own calendar read
 * through its connector, and the declared status with the day the job first saw it — and flags
 * what fake-busy.ts finds: declared 在用 or a blocked calendar with no use, and declared idle or
 * under repair while used, and yearly hours an owner's file declares far above those recorded
 * for the last full year (declared-hours.ts). Before that it brings usage up to date: sessions the connectors
 * report and completed hub bookings.
 */
import type { Knex } from 'knex';
import type { BusyInterval } from '../../../connectors/sdk/contract.ts';
import { DEFAULT_FAKE_BUSY_RULES, detectFakeBusy, type FakeBusyRules, type InstrumentEvidence } from '../fake-busy.ts';
import { demandBookings } from '../hub-bookings.ts';
import { importCompletedBookings } from '../../usage/completed-bookings.ts';
import { listRuns, retireUnseen, saveDetected, type FakeBusyRunRecord } from '../flag-store.ts';
import { MAX_SESSION_DAYS } from '../usage-intake.ts';
import { rawRows } from '../sql.ts';
import { ownOpeningHours } from '../../booking/policy-store.ts';
import { declaredHoursOf, declaredHoursOverstated, declaredHoursToleranceFromEnv, type RecordedHours } from '../declared-hours.ts';
import { fromJsonb } from '../../storage/jsonb.ts';
import { monthOf, monthStart } from '../../usage/usage-months.ts';
import { availableHours } from '../../usage/utilisation.ts';
import type { OpeningHours } from '../../../schema/opening-hours.ts';

const CHUNK = 1000;
const CALENDAR_CONCURRENCY = 8;
const DAY = 86_400_000;

export interface FakeBusyJobOptions {
  now: Date;
  rules?: Partial<FakeBusyRules>;
  /** the owner's calendar of one instrument (busy intervals), through its source's connector */
  calendar: (instrumentId: string, from: Date, to: Date) => Promise<BusyInterval[]>;
  /** before detecting: pull the connectors' usage; returns one line per source */
  pullUsage?: () => Promise<string[]>;
  log?: (line: string) => void;
  /** told the run's id as soon as it is recorded (runs are listed while they go on) */
  onStart?: (runId: string) => void;
}

export function fakeBusyRulesFromEnv(env: NodeJS.ProcessEnv = process.env): FakeBusyRules {
  const days = Number(env.IRHUB_FAKE_BUSY_DAYS ?? DEFAULT_FAKE_BUSY_RULES.quietDays);
  return {
    ...DEFAULT_FAKE_BUSY_RULES,
    quietDays: Number.isInteger(days) && days >= 1 && days <= 366 ? days : DEFAULT_FAKE_BUSY_RULES.quietDays,
    declaredHoursTolerance: declaredHoursToleranceFromEnv(env),
  };
}

interface InstrumentRow { id: string; source_id: string; institution_id: string; declared_status: InstrumentEvidence['declaredStatus']; extra: Record<string, string> | string }
interface SeenRow { instrument_id: string; status: string; since: Date | null }

/** Updates what the job has seen of each declared status; returns when each current declaration began (null: before the first look). */
async function observeStatuses(db: Knex, instruments: readonly InstrumentRow[], now: Date): Promise<Map<string, Date | null>> {
  const seen = new Map((await db('declared_status_seen').whereIn('instrument_id', instruments.map((i) => i.id)) as SeenRow[]).map((r) => [r.instrument_id, r]));
  const since = new Map<string, Date | null>();
  const upserts: Array<{ instrument_id: string; status: string; since: Date | null; checked_at: Date }> = [];
  for (const i of instruments) {
    const before = seen.get(i.id);
    const changed = before !== undefined && before.status !== i.declared_status;
    const start = before === undefined ? null : changed ? now : before.since ? new Date(before.since) : null;
    since.set(i.id, start);
    upserts.push({ instrument_id: i.id, status: i.declared_status, since: start, checked_at: now });
    // a declared repair is maintenance: its hours are not available
    if (i.declared_status === 'MAINTENANCE' && (before === undefined || changed)) {
      await db('maintenance_periods').insert({ instrument_id: i.id, starts_at: now, origin: 'DECLARED', note: 'declared 维修 (MAINTENANCE) by the owner', reported_by: 'flag-fake-busy' });
    } else if (changed && before.status === 'MAINTENANCE') {
      await db('maintenance_periods').where({ instrument_id: i.id, origin: 'DECLARED' }).whereNull('ends_at').where('starts_at', '<', now).update({ ends_at: now });
    }
  }
  if (upserts.length > 0) await db('declared_status_seen').insert(upserts).onConflict('instrument_id').merge();
  return since;
}

async function usageIn(db: Knex, ids: readonly string[], from: Date, to: Date): Promise<Map<string, Array<{ from: Date; to: Date }>>> {
  const rows = await rawRows<{ instrument_id: string; started_at: Date; ended_at: Date }>(db,
    `select instrument_id, started_at, ended_at from usage_sessions
     where instrument_id = any(?::text[]) and started_at >= ?::timestamptz and started_at < ?::timestamptz and ended_at > ?::timestamptz`,
    [[...ids], new Date(from.getTime() - MAX_SESSION_DAYS * DAY).toISOString(), to.toISOString(), from.toISOString()]);
  const result = new Map<string, Array<{ from: Date; to: Date }>>();
  for (const r of rows) result.set(r.instrument_id, [...(result.get(r.instrument_id) ?? []), { from: new Date(r.started_at), to: new Date(r.ended_at) }]);
  return result;
}

/** Reads calendars a few at a time; a source whose connector fails is skipped for the rest of the run. */
async function calendars(instruments: readonly InstrumentRow[], from: Date, to: Date, read: FakeBusyJobOptions['calendar'], failed: Map<string, string>): Promise<Map<string, BusyInterval[]>> {
  const result = new Map<string, BusyInterval[]>();
  const queue = instruments.filter((i) => i.declared_status !== 'RETIRED');
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const instrument = queue[next++];
      if (failed.has(instrument.source_id)) continue;
      try {
        result.set(instrument.id, await read(instrument.id, from, to));
      } catch (error) {
        failed.set(instrument.source_id, `source ${instrument.source_id}: calendar not readable (${error instanceof Error ? error.message : String(error)}); blocked calendars were not checked`);
      }
    }
  };
  await Promise.all(Array.from({ length: CALENDAR_CONCURRENCY }, worker));
  return result;
}

/**
 * The last full calendar year, the one owners' declared yearly hours are for, when the hub
 * recorded use all through it (its roll-up starts by January); null otherwise, since against a
 * year the hub only partly saw every declaration would look overstated.
 */
async function lastRecordedYear(db: Knex, now: Date): Promise<{ year: number; from: Date; to: Date } | null> {
  const year = Number(monthOf(now).slice(0, 4)) - 1;
  const [{ first }] = await rawRows<{ first: string | null }>(db, `select to_char(min(month), 'YYYY-MM') as first from usage_monthly`);
  if (first === null || first > `${year}-01`) return null;
  return { year, from: monthStart(`${year}-01`), to: monthStart(`${year + 1}-01`) };
}

const hasDeclaredHours = (i: InstrumentRow) => {
  const declared = declaredHoursOf(fromJsonb(i.extra));
  return declared.running !== null || declared.service !== null;
};

async function yearHours(db: Knex, ids: readonly string[], year: number): Promise<Map<string, RecordedHours>> {
  const rows = await rawRows<{ instrument_id: string; running: number; service: number }>(db, `select instrument_id, sum(used_hours) as running, sum(external_hours) as service
    from usage_monthly where instrument_id = any(?::text[]) and month >= ?::date and month < ?::date group by instrument_id`, [[...ids], `${year}-01-01`, `${year + 1}-01-01`]);
  return new Map(rows.map((r) => [r.instrument_id, { running: Number(r.running), service: Number(r.service) }]));
}

function overstatedHours(instrument: InstrumentRow, year: { year: number; from: Date; to: Date }, recorded: Map<string, RecordedHours>, openingHours: OpeningHours | undefined, rules: FakeBusyRules) {
  const declared = declaredHoursOf(fromJsonb(instrument.extra));
  if (declared.running === null && declared.service === null) return null;
  return declaredHoursOverstated({
    instrumentId: instrument.id, ...year, declared, recorded: recorded.get(instrument.id) ?? { running: 0, service: 0 },
    openHours: availableHours(year.from, year.to, openingHours),
  }, rules.declaredHoursTolerance);
}

/** Runs the job once; the run as stored, which `fakeBusyRuns` lists too. */
export async function flagFakeBusy(db: Knex, options: FakeBusyJobOptions): Promise<FakeBusyRunRecord> {
  const rules: FakeBusyRules = { ...DEFAULT_FAKE_BUSY_RULES, ...options.rules };
  const now = options.now;
  const [run] = await db('fake_busy_runs').insert({ started_at: now, quiet_days: rules.quietDays }).returning('id') as Array<{ id: string | number }>;
  options.onStart?.(String(run.id));
  const windowFrom = new Date(now.getTime() - rules.quietDays * DAY);
  const calendarProblems = new Map<string, string>();
  let instruments = 0;
  let raised = 0;
  let refreshed = 0;
  try {
    const usagePulls = options.pullUsage ? await options.pullUsage() : [];
    const bookingsImported = await importCompletedBookings(db);
    await db('fake_busy_runs').where({ id: run.id }).update({ usage_pulls: JSON.stringify(usagePulls), bookings_imported: bookingsImported });
    const declaredYear = await lastRecordedYear(db, now);
    let after = '';
    for (;;) {
      const chunk = await db('instruments').where('id', '>', after).orderBy('id').limit(CHUNK)
        .select('id', 'source_id', 'institution_id', 'declared_status', 'extra') as InstrumentRow[];
      if (chunk.length === 0) break;
      after = chunk[chunk.length - 1].id;
      const ids = chunk.map((i) => i.id);
      const [since, usage, bookings, blocked, own] = [
        await observeStatuses(db, chunk, now),
        await usageIn(db, ids, windowFrom, now),
        await demandBookings(db, ids, windowFrom, now),
        await calendars(chunk, windowFrom, now, options.calendar, calendarProblems),
        await ownOpeningHours(db, ids),
      ];
      const recordedYear = declaredYear ? await yearHours(db, chunk.filter((i) => hasDeclaredHours(i)).map((i) => i.id), declaredYear.year) : new Map<string, RecordedHours>();
      for (const instrument of chunk) {
        const flags = detectFakeBusy({
          instrumentId: instrument.id,
          declaredStatus: instrument.declared_status,
          declaredSince: since.get(instrument.id) ?? null,
          usage: usage.get(instrument.id) ?? [],
          bookings: bookings.get(instrument.id) ?? [],
          calendarBlocked: blocked.get(instrument.id) ?? [],
          openingHours: own.get(instrument.id),
        }, now, rules);
        const declared = declaredYear && overstatedHours(instrument, declaredYear, recordedYear, own.get(instrument.id), rules);
        if (declared) flags.push(declared);
        for (const flag of flags) {
          const outcome = await saveDetected(db, flag, { institutionId: instrument.institution_id, declaredStatus: instrument.declared_status, now });
          if (outcome === 'RAISED') raised++;
          else refreshed++;
        }
      }
      instruments += chunk.length;
    }
    const cleared = await retireUnseen(db, now);
    const finishedAt = new Date();
    const problems = [...calendarProblems.values()];
    await db('fake_busy_runs').where({ id: run.id }).update({
      finished_at: finishedAt, instruments, raised, still_active: refreshed, cleared, calendar_problems: JSON.stringify(problems),
    });
    options.log?.(`flag-fake-busy: ${instruments} instruments over ${rules.quietDays} days: ${raised} flags raised, ${refreshed} still active, ${cleared} cleared`
      + (problems.length ? `; ${problems.join('; ')}` : ''));
    const [stored] = await listRuns(db, { id: String(run.id), first: 1 });
    return stored;
  } catch (error) {
    await db('fake_busy_runs').where({ id: run.id }).update({ finished_at: new Date(), error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}
