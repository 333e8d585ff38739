/**
 * The oversight subgraph (监管): usage reporting, utilisation on every instrument and
 * institution and as rankings, sharing ratings, fake-busy flags and their resolution, and the
 * city's statistics, and the yearly report to the national platform (national-report/). It also runs the nightly fake-busy job (jobs/flag-fake-busy.ts) on its
 * cron schedule: IRHUB_FAKE_BUSY_SCHEDULE (default 02:30 Asia/Shanghai; "off" to disable), and
 * every ten minutes counts newly completed hub bookings as use.
 */
import { readFileSync } from 'node:fs';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import cron, { type ScheduledTask } from 'node-cron';
import { oncePerSchedule } from '../scheduling/once-per-schedule.ts';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { FEDERATION_LINK } from '../../connectors/sdk/serve-connector.ts';
import { localIdOf, sourceIdOf } from '../../connectors/sdk/source-id.ts';
import { dateTimeScalar, decimalScalar } from '../../schema/scalars.ts';
import { inventoryDefinitions } from '../../schema/sdl-definitions.ts';
import { institutionTypes } from '../../schema/terms.ts';
import { requireRole, type HubClaims } from '../auth/hub-claims.ts';
import { serveHubSubgraph, type HubContext, type HubServices, type HubSubgraphModule } from '../serve-hub-subgraph.ts';
import type { Utilisation } from '../usage/utilisation.ts';
import { cityFigures, type CityFigures } from './city-statistics.ts';
import { pullConnectorUsage } from './connector-usage.ts';
import { importCompletedBookings } from '../usage/completed-bookings.ts';
import { explainFlag, flagsOfInstruments, getFlag, listFlags, listRuns, resolveFlag, type FakeBusyRunRecord, type FlagRow, type FlagStatus } from './flag-store.ts';
import { fakeBusyRulesFromEnv, flagFakeBusy } from './jobs/flag-fake-busy.ts';
import { nationalReportResolvers } from './national-report/national-report-resolvers.ts';
import { parsePeriod, PeriodError, type Period } from './period.ts';
import { SHARING_RATING_FORMULA, sharingRatings, type InstrumentSharingRating } from './sharing-ratings.ts';
import { MAX_SESSIONS_PER_REPORT, recordUsage, type ReportedSession } from './usage-intake.ts';
import { filterSql, institutionMonthlyUtilisation, institutionUtilisation, instrumentUtilisation, rankInstitutions, rankInstruments, type MonthlyUtilisation, type OversightFilter, type RankingOrder } from './utilisation-store.ts';

export const OVERSIGHT_SDL = `${FEDERATION_LINK}
${inventoryDefinitions(['Decimal', 'InstrumentClass', 'SharingMode', 'DeclaredStatus', 'InstitutionType'])}
${readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')}`;

export const DEFAULT_FAKE_BUSY_SCHEDULE = '30 2 * * *';
const CENTRE = ['REVIEWER', 'ADMIN'] as const;
const MAX_RANKING = 500;
/** how long runFakeBusyDetection waits for the run before answering RUNNING */
const RUN_WAIT_MS = 20_000;

interface OversightContext extends HubContext {
  now: Date;
  utilisation: DataLoader<string, { total: Utilisation; months: MonthlyUtilisation[] }>;
  institutions: DataLoader<string, { instruments: number; openInstruments: number; utilisation: Utilisation }>;
  institutionMonths: DataLoader<string, MonthlyUtilisation[]>;
  ratings: DataLoader<string, InstrumentSharingRating>;
  flags: DataLoader<string, FlagRow[]>;
}

const badInput = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

function period(text: string | null | undefined, now: Date, field = 'period'): Period {
  try {
    return parsePeriod(text, now);
  } catch (error) {
    if (error instanceof PeriodError) throw badInput(`${field}: ${error.message}`, field);
    throw error;
  }
}

/** DataLoader keys "<period>|<id>": one batch per period. */
function periodLoader<T>(load: (ids: string[], period: Period) => Promise<Map<string, T>>, now: Date): DataLoader<string, T> {
  return new DataLoader(async (keys: readonly string[]) => {
    const byPeriod = new Map<string, string[]>();
    for (const key of keys) {
      const bar = key.indexOf('|');
      const list = byPeriod.get(key.slice(0, bar)) ?? [];
      list.push(key.slice(bar + 1));
      byPeriod.set(key.slice(0, bar), list);
    }
    const found = new Map<string, T>();
    for (const [text, ids] of byPeriod) {
      const figures = await load([...new Set(ids)], period(text, now));
      for (const [id, value] of figures) found.set(`${text}|${id}`, value);
    }
    return keys.map((k) => found.get(k) ?? new Error(`no figures for ${k}`));
  });
}

/** Staff see their own institution's flags; the centre sees all. */
function flagReader(claims: HubClaims | null, action: string): { institutionId: string | null } {
  const who = requireRole(claims, ['INSTITUTION_STAFF', ...CENTRE], action);
  if (who.role === 'INSTITUTION_STAFF') return { institutionId: who.institutionId ?? '' };
  return { institutionId: null };
}

function encodeCursor(id: string): string { return Buffer.from(`flag:${id}`).toString('base64url'); }
function decodeCursor(after: string | null | undefined): string | null {
  if (!after) return null;
  const text = Buffer.from(after, 'base64url').toString('utf8');
  if (!/^flag:\d{1,18}$/.test(text)) throw badInput('after: not a cursor of fakeBusyFlags', 'after');
  return text.slice(5);
}

function flagPage(page: { totalCount: number; nodes: FlagRow[] }, first: number) {
  return { totalCount: page.totalCount, nodes: page.nodes, endCursor: page.nodes.length === first && page.nodes.length > 0 ? encodeCursor(page.nodes[page.nodes.length - 1].id) : null };
}

function checkFirst(first: number, max: number) {
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(`first: between 1 and ${max}, got ${first}`, 'first');
}

function filterWords(filter: { districts?: readonly string[] | null; institutionTypes?: readonly string[] | null }): string[] {
  const words: string[] = [];
  if (filter.districts?.length) words.push(`district: ${filter.districts.join(', ')}`);
  if (filter.institutionTypes?.length) {
    words.push(`institution type: ${filter.institutionTypes.map((t) => { const key = institutionTypes.resolve(t); return key ? `${institutionTypes.zh[key]} (${key})` : t; }).join(', ')}`);
  }
  return words;
}

interface CityStatisticsResult extends CityFigures {
  period: Period;
  filters: string[];
  flagFilter: OversightFilter;
}

function startOversightSubgraph(services: HubServices) {
  const { db, registry, log } = services;

  const ownerCalendar = (instrumentId: string, from: Date, to: Date) => {
    const sourceId = sourceIdOf(instrumentId) ?? '';
    return registry.connectorClient(sourceId, 10_000).calendar(localIdOf(sourceId, instrumentId) ?? '', from, to);
  };
  const pullAllUsage = async (now: Date): Promise<string[]> => {
    const lines: string[] = [];
    for (const source of await registry.store.list()) {
      try {
        const pulled = await pullConnectorUsage(db, source.id, registry.connectorEndpoint(source.id), now);
        if (pulled.supported) lines.push(`source ${source.id}: ${pulled.accepted} sessions recorded, ${pulled.duplicates} duplicates, ${pulled.rejected} rejected`);
      } catch (error) {
        lines.push(`source ${source.id}: usage not pulled (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    return lines;
  };

  // one run at a time: the nightly schedule and a run by hand join rather than race
  let current: { runId: Promise<string>; done: Promise<FakeBusyRunRecord> } | null = null;
  const runJob = (quietDays: number | null) => {
    if (current) return current;
    const rules = fakeBusyRulesFromEnv();
    const now = new Date();
    let started: (id: string) => void = () => {};
    const runId = new Promise<string>((resolve) => { started = resolve; });
    const done = flagFakeBusy(db, {
      now, rules: { ...rules, quietDays: quietDays ?? rules.quietDays }, calendar: ownerCalendar, pullUsage: () => pullAllUsage(now), log, onStart: started,
    }).finally(() => { current = null; });
    current = { runId, done };
    return current;
  };
  const schedule = process.env.IRHUB_FAKE_BUSY_SCHEDULE ?? DEFAULT_FAKE_BUSY_SCHEDULE;
  const jobs: ScheduledTask[] = [];
  if (schedule !== 'off') {
    if (!cron.validate(schedule)) throw new Error(`IRHUB_FAKE_BUSY_SCHEDULE "${schedule}" is not a cron expression`);
    jobs.push(cron.schedule(schedule, oncePerSchedule(db, 'flag-fake-busy', () => runJob(null).done, log), { name: 'flag-fake-busy', timezone: 'Asia/Shanghai' }));
    // completed bookings count as use within minutes, not only after the nightly run (a skipped run is
    // caught up by the next, so it is not worth a warning)
    jobs.push(cron.schedule('*/10 * * * *', () => {
      if (current) return;
      oncePerSchedule(db, 'import-completed-bookings', () => importCompletedBookings(db), log)();
    }, { name: 'import-completed-bookings', timezone: 'Asia/Shanghai', suppressMissedWarning: true }));
  }

  const flagFields = {
    instrument: (f: FlagRow) => ({ __typename: 'Instrument', id: f.instrument_id }),
    institution: (f: FlagRow) => ({ id: f.institution_id }),
    instrumentName: (f: FlagRow) => f.instrument_name ?? '',
    institutionName: (f: FlagRow) => f.institution_name ?? '',
    declaredStatus: (f: FlagRow) => f.declared_status,
    windowFrom: (f: FlagRow) => f.window_from,
    windowTo: (f: FlagRow) => f.window_to,
    openHours: (f: FlagRow) => f.open_hours,
    usedHours: (f: FlagRow) => f.used_hours,
    blockedHours: (f: FlagRow) => f.blocked_hours,
    detectedAt: (f: FlagRow) => f.detected_at,
    lastSeenAt: (f: FlagRow) => f.last_seen_at,
    ownerExplanation: (f: FlagRow) => f.owner_explanation,
    explainedBy: (f: FlagRow) => f.explained_by,
    explainedAt: (f: FlagRow) => f.explained_at,
    resolutionNote: (f: FlagRow) => f.resolution_note,
    resolvedBy: (f: FlagRow) => f.resolved_by,
    resolvedAt: (f: FlagRow) => f.resolved_at,
  };

  const national = nationalReportResolvers(db, fakeBusyRulesFromEnv().declaredHoursTolerance);
  const resolvers: GraphQLResolverMap<OversightContext> = {
    ...national,
    DateTime: dateTimeScalar,
    Decimal: decimalScalar,
    Instrument: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      utilisation: async (i: { id: string }, args: { period?: string | null }, context: OversightContext) => {
        period(args.period, context.now);
        return (await context.utilisation.load(`${args.period ?? ''}|${i.id}`)).total;
      },
      monthlyUtilisation: async (i: { id: string }, args: { period?: string | null }, context: OversightContext) => {
        period(args.period, context.now);
        return (await context.utilisation.load(`${args.period ?? ''}|${i.id}`)).months;
      },
      sharingRating: (i: { id: string }, _args: unknown, context: OversightContext) => context.ratings.load(i.id),
      fakeBusyFlags: async (i: { id: string }, _args: unknown, context: OversightContext) => {
        const reader = flagReader(context.claims, 'reading fake-busy flags');
        const flags = await context.flags.load(i.id);
        return reader.institutionId === null ? flags : flags.filter((f) => f.institution_id === reader.institutionId);
      },
    },
    Institution: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      utilisation: async (n: { id: string }, args: { period?: string | null }, context: OversightContext) => {
        period(args.period, context.now);
        return (await context.institutions.load(`${args.period ?? ''}|${n.id}`)).utilisation;
      },
      monthlyUtilisation: (n: { id: string }, args: { period?: string | null }, context: OversightContext) => {
        period(args.period, context.now);
        return context.institutionMonths.load(`${args.period ?? ''}|${n.id}`);
      },
      sharingRate: async (n: { id: string }, args: { period?: string | null }, context: OversightContext) => {
        period(args.period, context.now);
        const f = await context.institutions.load(`${args.period ?? ''}|${n.id}`);
        return {
          instruments: f.instruments,
          openInstruments: f.openInstruments,
          instrumentShare: f.instruments > 0 ? Math.round((f.openInstruments / f.instruments) * 1000) / 1000 : 0,
          hourShare: f.utilisation.hoursUsed > 0 ? Math.round((f.utilisation.externalHours / f.utilisation.hoursUsed) * 1000) / 1000 : 0,
          hoursUsed: f.utilisation.hoursUsed,
          externalHours: f.utilisation.externalHours,
        };
      },
    },
    InstrumentUtilisationRank: {
      instrument: (r: { instrumentId: string }) => ({ __typename: 'Instrument', id: r.instrumentId }),
      institution: (r: { institutionId: string }) => ({ id: r.institutionId }),
    },
    InstitutionUtilisationRank: {
      institution: (r: { institutionId: string }) => ({ id: r.institutionId }),
    },
    FakeBusyFlag: flagFields,
    CityStatistics: {
      period: (s: CityStatisticsResult) => ({ label: s.period.label, from: s.period.from, to: s.period.to, months: s.period.months }),
      originalValue: (s: CityStatisticsResult) => s.originalValueYuan,
      byClass: (s: CityStatisticsResult) => s.byClass.map((c) => ({ instrumentClass: c.key, zh: c.zh, count: c.count, originalValue: c.valueYuan })),
      byDistrict: (s: CityStatisticsResult) => s.byDistrict.map((d) => ({ district: d.district, count: d.count, originalValue: d.valueYuan })),
      valueBands: (s: CityStatisticsResult) => ({
        atLeast300k: s.valueBands.atLeast300k, atLeast500k: s.valueBands.atLeast500k,
        valueAtLeast300k: s.valueBands.valueAtLeast300kYuan, valueAtLeast500k: s.valueBands.valueAtLeast500kYuan,
      }),
      flagged: async (s: CityStatisticsResult, args: { first: number }, context: OversightContext) => {
        requireRole(context.claims, CENTRE, 'listing flagged instruments');
        checkFirst(args.first, 1000);
        const page = await listFlags(db, { statuses: ['OPEN', 'CONFIRMED'], window: { from: s.period.from, to: s.period.to }, extra: filterSql(s.flagFilter), first: args.first });
        return flagPage(page, args.first);
      },
    },
    Query: {
      ...national.Query,
      cityStatistics: async (_root, args: { filter?: { period?: string | null; districts?: string[] | null; institutionTypes?: string[] | null } | null }, context: OversightContext): Promise<CityStatisticsResult> => {
        const filter = args.filter ?? {};
        const p = period(filter.period, context.now, 'filter.period');
        const flagFilter: OversightFilter = { districts: filter.districts, institutionTypes: filter.institutionTypes };
        const figures = await cityFigures(db, p, context.now, flagFilter);
        return { ...figures, period: p, filters: filterWords(filter), flagFilter };
      },
      instrumentUtilisationRanking: (_root, args: { period?: string | null; filter?: OversightFilter | null; order: RankingOrder; first: number }, context: OversightContext) => {
        checkFirst(args.first, MAX_RANKING);
        return rankInstruments(db, period(args.period, context.now), context.now, { filter: args.filter, order: args.order, first: args.first });
      },
      institutionUtilisationRanking: (_root, args: { period?: string | null; filter?: OversightFilter | null; order: RankingOrder; first: number }, context: OversightContext) => {
        checkFirst(args.first, MAX_RANKING);
        return rankInstitutions(db, period(args.period, context.now), context.now, { filter: args.filter, order: args.order, first: args.first });
      },
      fakeBusyFlags: async (_root, args: { status?: FlagStatus[] | null; kinds?: string[] | null; institutionId?: string | null; first: number; after?: string | null }, context: OversightContext) => {
        const reader = flagReader(context.claims, 'listing fake-busy flags');
        checkFirst(args.first, 500);
        if (reader.institutionId !== null && args.institutionId && args.institutionId !== reader.institutionId) {
          throw new GraphQLError(`institution staff see only their own institution's flags (${reader.institutionId})`, { extensions: { code: 'FORBIDDEN' } });
        }
        const institutionId = reader.institutionId ?? args.institutionId ?? null;
        const page = await listFlags(db, {
          statuses: args.status, kinds: args.kinds, institutionIds: institutionId ? [institutionId] : null, first: args.first, beforeId: decodeCursor(args.after),
        });
        return flagPage(page, args.first);
      },
      sharingRatingFormula: () => SHARING_RATING_FORMULA,
      fakeBusyRuns: (_root, args: { id?: string | null; first: number }, context: OversightContext) => {
        requireRole(context.claims, CENTRE, 'listing fake-busy runs');
        checkFirst(args.first, 100);
        return listRuns(db, { id: args.id ?? undefined, first: args.first });
      },
    },
    Mutation: {
      reportUsage: (_root, args: { sessions: Array<ReportedSession & { startedAt: Date; endedAt: Date }> }, context: OversightContext) => {
        const claims = requireRole(context.claims, ['INSTITUTION_STAFF', 'ADMIN'], 'reporting usage');
        if (args.sessions.length > MAX_SESSIONS_PER_REPORT) throw badInput(`sessions: at most ${MAX_SESSIONS_PER_REPORT} per report, got ${args.sessions.length}; send them in parts`, 'sessions');
        return recordUsage(db, args.sessions, { kind: 'USER', id: claims.sub, role: claims.role, institutionId: claims.institutionId }, new Date());
      },
      pullConnectorUsage: async (_root, args: { sourceId: string }, context: OversightContext) => {
        requireRole(context.claims, ['ADMIN'], 'pulling usage from a connector');
        if (!(await registry.store.get(args.sourceId))) throw new GraphQLError(`sourceId: no source ${args.sourceId}`, { extensions: { code: 'NOT_FOUND', field: 'sourceId' } });
        try {
          const { sourceId, supported, ...report } = await pullConnectorUsage(db, args.sourceId, registry.connectorEndpoint(args.sourceId), new Date());
          return { sourceId, supported, report };
        } catch (error) {
          throw new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code: 'SOURCE_UNAVAILABLE', sourceId: args.sourceId } });
        }
      },
      reportMaintenance: async (_root, args: { input: { instrumentId: string; from: Date; to?: Date | null; note?: string | null } }, context: OversightContext) => {
        const claims = requireRole(context.claims, ['INSTITUTION_STAFF', 'ADMIN'], 'reporting maintenance');
        const { instrumentId, from, to, note } = args.input;
        const instrument = await db('instruments').where({ id: instrumentId }).first('id', 'institution_id') as { id: string; institution_id: string } | undefined;
        if (!instrument) throw new GraphQLError(`instrumentId: unknown instrument ${instrumentId}`, { extensions: { code: 'NOT_FOUND', field: 'instrumentId' } });
        if (claims.role !== 'ADMIN' && claims.institutionId !== instrument.institution_id) {
          throw new GraphQLError(`instrument ${instrumentId} is not one of your institution's`, { extensions: { code: 'FORBIDDEN' } });
        }
        if (to && to.getTime() <= from.getTime()) throw badInput('to: must be after from', 'input.to');
        const [row] = await db('maintenance_periods').insert({
          instrument_id: instrumentId, starts_at: from, ends_at: to ?? null, origin: 'REPORTED', note: note?.trim() ?? '', reported_by: claims.sub,
        }).returning('*') as Array<{ id: string | number; instrument_id: string; starts_at: Date; ends_at: Date | null; origin: string; note: string; reported_by: string }>;
        return { id: String(row.id), instrumentId: row.instrument_id, from: row.starts_at, to: row.ends_at, origin: row.origin, note: row.note, reportedBy: row.reported_by };
      },
      runFakeBusyDetection: async (_root, args: { quietDays?: number | null }, context: OversightContext) => {
        requireRole(context.claims, ['ADMIN'], 'running fake-busy detection');
        if (args.quietDays != null && (!Number.isInteger(args.quietDays) || args.quietDays < 1 || args.quietDays > 366)) throw badInput(`quietDays: between 1 and 366, got ${args.quietDays}`, 'quietDays');
        const job = runJob(args.quietDays ?? null);
        // a large city's run outlasts a request: answer RUNNING after a while, the run goes on
        const finished = await Promise.race([job.done.then(() => true), new Promise<false>((resolve) => { setTimeout(() => resolve(false), RUN_WAIT_MS).unref(); })])
          .catch((error: unknown) => { throw new GraphQLError(`fake-busy run failed: ${error instanceof Error ? error.message : String(error)}`); });
        const [run] = await listRuns(db, { id: await job.runId, first: 1 });
        if (!finished) log(`flag-fake-busy: run ${run.id} goes on after the request`);
        return run;
      },
      explainFakeBusyFlag: async (_root, args: { flagId: string; explanation: string }, context: OversightContext) => {
        const claims = requireRole(context.claims, ['INSTITUTION_STAFF', 'ADMIN'], 'explaining a fake-busy flag');
        const flag = await getFlag(db, args.flagId);
        if (claims.role !== 'ADMIN' && claims.institutionId !== flag.institution_id) {
          throw new GraphQLError(`flag ${args.flagId} concerns an instrument of ${flag.institution_name}, not of your institution`, { extensions: { code: 'FORBIDDEN' } });
        }
        return explainFlag(db, args.flagId, args.explanation, claims.sub, new Date());
      },
      resolveFakeBusyFlag: (_root, args: { flagId: string; resolution: 'CONFIRMED' | 'EXPLAINED'; note: string }, context: OversightContext) => {
        const claims = requireRole(context.claims, CENTRE, 'resolving a fake-busy flag');
        return resolveFlag(db, args.flagId, args.resolution, args.note, claims.sub, new Date());
      },
    },
  };

  const context = (claims: HubClaims | null): OversightContext => {
    const now = new Date();
    return {
      claims,
      now,
      utilisation: periodLoader((ids, p) => instrumentUtilisation(db, ids, p, now), now),
      institutions: periodLoader((ids, p) => institutionUtilisation(db, ids, p, now), now),
      institutionMonths: periodLoader((ids, p) => institutionMonthlyUtilisation(db, ids, p, now), now),
      ratings: new DataLoader(async (ids: readonly string[]) => {
        const found = await sharingRatings(db, ids, now);
        return ids.map((id) => found.get(id) ?? new Error(`unknown instrument ${id}`));
      }),
      flags: new DataLoader(async (ids: readonly string[]) => {
        const found = await flagsOfInstruments(db, ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
    };
  };

  return serveHubSubgraph<OversightContext>({ name: 'oversight', typeDefs: OVERSIGHT_SDL, resolvers, authenticate: services.authenticate, listen: services.listen, context }).then((served) => ({
    ...served,
    async close() {
      for (const job of jobs) job.stop();
      await current?.done.catch(() => undefined);
      await served.close();
    },
  }));
}

export const oversightSubgraph: HubSubgraphModule = { name: 'oversight', start: startOversightSubgraph };
