/**
 * `irhub procurement check <plan.csv|xlsx> [--out report.html] [--csv report.csv]`: a whole
 * annual procurement plan checked against the running hub, written as a report for the review
 * file. Exit code 0 when every row was checked, 1 when some rows could not be (they are listed
 * in the report and on stderr).
 */
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, connectHub } from './hub-client.ts';
import { PlanFileError, readPlanFile, type PlanItem } from '../../subgraphs/procurement/plan/plan-file.ts';
import { renderPlanReportCsv, renderPlanReportHtml, type ReportCheck, type ReportEntry } from '../../subgraphs/procurement/plan/plan-report.ts';

const USAGE = 'usage: irhub procurement check <plan.csv|xlsx> [--out report.html] [--csv report.csv] [--candidates N]';
/** items per request: small enough to show progress, large enough to keep round trips few */
const BATCH = 100;

const PLAN_CHECK = `query ($items: [PlannedPurchaseInput!]!, $first: Int) { procurementPlanCheck(items: $items, first: $first) {
  index error check { id requirement requirementReason duplicateRisk riskReasons recognizedTypes { zh en } consult { name } consultMunicipalCentre
    candidates { score match reasons sharing instrument { id name model district institution { name } } usage { hoursUsed availableHours share sessions } } } } }`;

export async function procurementCommand(args: string[], out: (line: string) => void, err: (line: string) => void = console.error): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'check') throw new CliError(USAGE);
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: {
    out: { type: 'string' }, csv: { type: 'string' }, candidates: { type: 'string' },
  } });
  const file = positionals[0];
  if (!file) throw new CliError(USAGE);
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  const first = values.candidates ? Number(values.candidates) : 10;
  if (!Number.isInteger(first) || first < 1 || first > 50) throw new CliError(`--candidates must be a whole number from 1 to 50, got "${values.candidates}"`);
  const htmlPath = values.out ?? `${file.replace(/\.(csv|xlsx)$/i, '')}.review.html`;
  const csvPath = values.csv ?? htmlPath.replace(/\.html?$/i, '') + '.csv';
  // the plan is the applicant's original: a report never takes its place, nor the other report's
  const same = (a: string, b: string) => path.resolve(a) === path.resolve(b) || (existsSync(a) && existsSync(b) && realpathSync(a) === realpathSync(b));
  for (const [option, output] of [['--out', htmlPath], ['--csv', csvPath]] as const) {
    if (same(output, file)) throw new CliError(`${option} ${output} is the plan being checked; the report would overwrite it — choose another file`);
  }
  if (same(htmlPath, csvPath)) throw new CliError(`--out and --csv name the same file (${htmlPath}); choose two`);

  let plan: Awaited<ReturnType<typeof readPlanFile>>;
  try {
    plan = await readPlanFile(file);
  } catch (error) {
    if (error instanceof PlanFileError) throw new CliError(error.message);
    throw error;
  }
  for (const p of plan.problems) err(`${file}: row ${p.row}, ${p.field}: ${p.message}`);
  const hub = connectHub();
  const started = performance.now();
  const entries: ReportEntry[] = [];
  for (let i = 0; i < plan.items.length; i += BATCH) {
    const batch: PlanItem[] = plan.items.slice(i, i + BATCH);
    const data = await hub.request<{ procurementPlanCheck: Array<{ index: number; error: string | null; check: ReportCheck | null }> }>(PLAN_CHECK, { items: batch.map((b) => b.input), first });
    for (const result of data.procurementPlanCheck) {
      const item = batch[result.index];
      entries.push({ item, check: result.check, error: result.error?.replace(/^item \d+/, `row ${item.row}`) ?? null });
    }
    if (plan.items.length > BATCH) err(`checked ${Math.min(i + BATCH, plan.items.length)}/${plan.items.length} items (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  const report = { file: path.basename(file), checkedAt: new Date(), hubUrl: hub.url, entries, problems: plan.problems };
  writeFileSync(htmlPath, renderPlanReportHtml(report));
  writeFileSync(csvPath, renderPlanReportCsv(report));
  const risks = new Map<string, number>();
  for (const e of entries) if (e.check) risks.set(e.check.duplicateRisk, (risks.get(e.check.duplicateRisk) ?? 0) + 1);
  const failed = entries.filter((e) => !e.check);
  for (const e of failed) err(`${file}: ${e.error}`);
  out(`${entries.length - failed.length} of ${entries.length + plan.problems.length} planned purchases checked in ${((performance.now() - started) / 1000).toFixed(1)} s: `
    + ['HIGH', 'MEDIUM', 'LOW', 'NONE'].map((r) => `${risks.get(r) ?? 0} ${r}`).join(', '));
  out(`report: ${htmlPath}\ncsv:    ${csvPath}`);
  return plan.problems.length + failed.length > 0 ? 1 : 0;
}
