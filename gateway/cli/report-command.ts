/**
 * `irhub report [--period 2026-Q3] [--out report.html] [--district 南山区]… [--institution-type UNIVERSITY]…`:
 * the city's statistics for a period, with the flagged instruments, as one self-contained HTML
 * page (inline CSS and SVG charts) from the running hub.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, connectHub } from './hub-client.ts';
import { nationalReportCommand } from './national-report-command.ts';
import { settlementReportCommand } from './settlement-report-command.ts';
import { renderCityReport, type CityStatistics } from '../../subgraphs/oversight/report/city-report.ts';

const USAGE = 'usage: irhub report [--period 2026|2026-Q3|2026-09|2026-01..2026-06 (default: this year)] [--out report.html] [--district <name>]… [--institution-type <TYPE>]…';

export const CITY_STATISTICS_QUERY = `query ($filter: CityStatisticsFilter) { cityStatistics(filter: $filter) {
  period { label from to } filters institutions institutionsByType { type count } instruments originalValue
  byClass { instrumentClass zh count originalValue } byDistrict { district count originalValue }
  valueBands { atLeast300k atLeast500k } sharingRate { instrumentShare hourShare }
  orders serviceHours externalServiceHours satisfaction monthly { month usedHours externalHours orders }
  flagged(first: 1000) { totalCount nodes { instrument { id } instrumentName institutionName kind evidence } }
} }`;

interface Answer {
  cityStatistics: Omit<CityStatistics, 'period' | 'originalValueYuan' | 'byClass' | 'byDistrict' | 'flagged'> & {
    period: { label: string; from: string; to: string };
    originalValue: number;
    byClass: Array<{ instrumentClass: string; zh: string; count: number; originalValue: number }>;
    byDistrict: Array<{ district: string; count: number; originalValue: number }>;
    flagged: { totalCount: number; nodes: Array<{ instrument: { id: string }; instrumentName: string; institutionName: string; kind: string; evidence: string[] }> };
  };
}

export function toCityStatistics(answer: Answer['cityStatistics']): CityStatistics {
  return {
    period: { label: answer.period.label, from: new Date(answer.period.from), to: new Date(answer.period.to) },
    filters: answer.filters,
    institutionsByType: answer.institutionsByType,
    instruments: answer.instruments,
    originalValueYuan: answer.originalValue,
    byClass: answer.byClass.map((c) => ({ key: c.instrumentClass, zh: c.zh, count: c.count, valueYuan: c.originalValue })),
    byDistrict: answer.byDistrict.map((d) => ({ district: d.district, count: d.count })),
    valueBands: answer.valueBands,
    sharingRate: answer.sharingRate,
    orders: answer.orders,
    serviceHours: answer.serviceHours,
    externalServiceHours: answer.externalServiceHours,
    satisfaction: answer.satisfaction,
    monthly: answer.monthly,
    flagged: answer.flagged.nodes.map((f) => ({ instrumentId: f.instrument.id, name: f.instrumentName, institution: f.institutionName, kind: f.kind, evidence: f.evidence })),
  };
}

export async function reportCommand(args: string[], out: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (args[0] === 'national') return nationalReportCommand(args.slice(1), out, env);
  if (args[0] === 'settlements') return settlementReportCommand(args.slice(1), out, env);
  let values: { period?: string; out?: string; district?: string[]; 'institution-type'?: string[] };
  try {
    ({ values } = parseArgs({ args, options: {
      period: { type: 'string' }, out: { type: 'string' }, district: { type: 'string', multiple: true }, 'institution-type': { type: 'string', multiple: true },
    } }));
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  // by default the year so far, so that the flags of the nightly runs are in it
  const period = values.period ?? new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4);
  const file = values.out ?? `report-${period.replace(/[^\w-]+/g, '_')}.html`;
  const filter = {
    period,
    districts: values.district ?? null,
    institutionTypes: values['institution-type']?.map((t) => t.toUpperCase()) ?? null,
  };
  const data = await connectHub(env).request<Answer>(CITY_STATISTICS_QUERY, { filter });
  const stats = toCityStatistics(data.cityStatistics);
  writeFileSync(file, renderCityReport(stats, new Date()));
  out(`${stats.period.label}: ${stats.instruments.toLocaleString('en-US')} instruments, ${Math.round(stats.serviceHours).toLocaleString('en-US')} service hours, `
    + `${stats.orders} orders, ${data.cityStatistics.flagged.totalCount} flagged`);
  out(`report: ${file}`);
  return 0;
}

/** `irhub oversight flag-fake-busy [--days N]`: the nightly job, now; waits for a long run to end. */
export async function oversightCommand(args: string[], out: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'flag-fake-busy') throw new CliError('usage: irhub oversight flag-fake-busy [--days 14]');
  const { values } = parseArgs({ args: rest, options: { days: { type: 'string' } } });
  const days = values.days === undefined ? null : Number(values.days);
  const hub = connectHub(env);
  const FIELDS = 'id status instruments quietDays raised stillActive cleared calendarProblems usagePulls error';
  interface Run { id: string; status: string; instruments: number; quietDays: number; raised: number; stillActive: number; cleared: number; calendarProblems: string[]; usagePulls: string[]; error: string | null }
  let run = (await hub.request<{ runFakeBusyDetection: Run }>(`mutation ($days: Int) { runFakeBusyDetection(quietDays: $days) { ${FIELDS} } }`, { days })).runFakeBusyDetection;
  while (run.status === 'RUNNING') {
    out(`run ${run.id} goes on…`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    [run] = (await hub.request<{ fakeBusyRuns: Run[] }>(`query ($id: ID) { fakeBusyRuns(id: $id, first: 1) { ${FIELDS} } }`, { id: run.id })).fakeBusyRuns;
  }
  for (const line of [...run.usagePulls, ...run.calendarProblems]) out(line);
  if (run.status === 'FAILED') throw new CliError(`run ${run.id} failed: ${run.error}`);
  out(`${run.instruments} instruments over ${run.quietDays} days: ${run.raised} flags raised, ${run.stillActive} still active, ${run.cleared} cleared`);
  return 0;
}
