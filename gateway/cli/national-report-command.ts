/**
 * `irhub report national --year <YYYY> [--institution <id>] --out <dir> [--tolerance 0.2]`: the
 * yearly report to the national platform from the running hub — equipment.xlsx (大型科研仪器,
 * 年总运行机时 and 年服务机时 from recorded use) and service-records.xlsx (服务记录) — read from
 * `nationalReport` a page at a time and streamed to the files.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, connectHub, type HubClient } from './hub-client.ts';
import { writeNationalSheet, type SheetColumn } from './national-workbook.ts';

const USAGE = 'usage: irhub report national --year <YYYY> [--institution <institutionId>] --out <dir> [--tolerance 0.2]';
const PAGE = 2000;

interface Column extends SheetColumn { key: string }
interface Page { rows: Array<{ cells: Array<string | null> }>; endCursor: string | null }
type ReportVariables = { year: number; institutionId: string | null; tolerance: number | null };

const COLUMNS = `query ($year: Int!, $institutionId: ID, $tolerance: Float) { nationalReport(year: $year, institutionId: $institutionId, tolerance: $tolerance) {
  tolerance equipmentColumns { key header numeric } serviceRecordColumns { key header numeric } } }`;
const pageQuery = (field: 'equipment' | 'serviceRecords') => `query ($year: Int!, $institutionId: ID, $tolerance: Float, $first: Int!, $after: String) {
  nationalReport(year: $year, institutionId: $institutionId, tolerance: $tolerance) { ${field}(first: $first, after: $after) { rows { cells } endCursor } } }`;

/** The rows of one sheet, page after page; the next page is asked for while the current one is written. */
async function* pages(hub: HubClient, field: 'equipment' | 'serviceRecords', variables: ReportVariables): AsyncGenerator<Array<string | null>> {
  const query = pageQuery(field);
  const fetchPage = (after: string | null) => hub.request<{ nationalReport: Record<typeof field, Page> }>(query, { ...variables, first: PAGE, after })
    .then((data) => data.nationalReport[field]);
  let next: Promise<Page> | null = fetchPage(null);
  while (next) {
    const page: Page = await next;
    next = page.endCursor ? fetchPage(page.endCursor) : null;
    for (const row of page.rows) yield row.cells;
  }
}

export async function nationalReportCommand(args: string[], out: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { year?: string; institution?: string; out?: string; tolerance?: string };
  try {
    ({ values } = parseArgs({ args, options: { year: { type: 'string' }, institution: { type: 'string' }, out: { type: 'string' }, tolerance: { type: 'string' } } }));
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (!values.year || !/^\d{4}$/.test(values.year)) throw new CliError(`--year: a year such as 2025${values.year ? `, got "${values.year}"` : ''}\n${USAGE}`);
  if (!values.out) throw new CliError(`--out: the directory to write equipment.xlsx and service-records.xlsx to\n${USAGE}`);
  const tolerance = values.tolerance === undefined ? null : Number(values.tolerance);
  if (tolerance !== null && !Number.isFinite(tolerance)) throw new CliError(`--tolerance: a share such as 0.2, got "${values.tolerance}"\n${USAGE}`);
  const variables: ReportVariables = { year: Number(values.year), institutionId: values.institution ?? null, tolerance };

  const hub = connectHub(env);
  const { nationalReport: report } = await hub.request<{ nationalReport: { tolerance: number; equipmentColumns: Column[]; serviceRecordColumns: Column[] } }>(COLUMNS, variables);
  mkdirSync(values.out, { recursive: true });
  const scope = `${variables.year}${variables.institutionId ? `, institution ${variables.institutionId}` : ', every institution'}`;

  let started = performance.now();
  const totals = { running: 0, service: 0, marked: 0 };
  const column = (key: string) => report.equipmentColumns.findIndex((c) => c.key === key);
  const [running, service, check] = [column('run_machine'), column('service_machine'), column('hours_check')];
  const equipmentFile = path.join(values.out, 'equipment.xlsx');
  const instruments = await writeNationalSheet(equipmentFile, '大型科研仪器', report.equipmentColumns, (async function* () {
    for await (const cells of pages(hub, 'equipment', variables)) {
      totals.running += Number(cells[running] ?? 0);
      totals.service += Number(cells[service] ?? 0);
      if (cells[check]) totals.marked++;
      yield cells;
    }
  })());
  const hours = (n: number) => Math.round(n).toLocaleString('en-US');
  out(`${equipmentFile}: ${instruments.toLocaleString('en-US')} instruments (${scope}), 年总运行机时 ${hours(totals.running)} h, 年服务机时 ${hours(totals.service)} h; `
    + `${totals.marked} where the owner's declared hours differ by more than ${Math.round(report.tolerance * 100)} % (${((performance.now() - started) / 1000).toFixed(1)} s)`);

  started = performance.now();
  const recordsFile = path.join(values.out, 'service-records.xlsx');
  const records = await writeNationalSheet(recordsFile, '服务记录', report.serviceRecordColumns, pages(hub, 'serviceRecords', variables));
  out(`${recordsFile}: ${records.toLocaleString('en-US')} services to other institutions (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}
