/**
 * The review-file report of a checked plan: a self-contained HTML page (no external assets,
 * printable) and a CSV of the same rows, each item with its requirement, risk, candidates and
 * the institutions to consult, and the rows that could not be checked.
 */
import type { PlanItem, PlanProblem } from './plan-file.ts';
import { csvCell } from '../../../connectors/spreadsheet/csv.ts';
import { escapeHtml } from '../../html/escape-html.ts';

export interface ReportCandidate {
  score: number;
  match: string;
  reasons: string[];
  sharing: string;
  instrument: { id: string; name: string; model: string | null; district: string | null; institution: { name: string } };
  usage: { hoursUsed: number; availableHours: number; share: number; sessions: number };
}

export interface ReportCheck {
  id: string;
  requirement: string;
  requirementReason: string;
  duplicateRisk: string;
  riskReasons: string[];
  recognizedTypes: Array<{ zh: string; en: string }>;
  consult: Array<{ name: string }>;
  consultMunicipalCentre: boolean;
  candidates: ReportCandidate[];
}

export interface ReportEntry { item: PlanItem; check: ReportCheck | null; error: string | null }

export interface PlanReport { file: string; checkedAt: Date; hubUrl: string; entries: ReportEntry[]; problems: PlanProblem[] }

const RISK_COLOUR: Record<string, string> = { HIGH: '#b3261e', MEDIUM: '#c77700', LOW: '#4a6fa5', NONE: '#2e7d32' };
const REQUIREMENT_ZH: Record<string, string> = { NONE: '无需评议', CONSULTATION: '书面征询', MUNICIPAL_APPROVAL: '书面征询 + 市级审批' };

const yuan = (text: string) => `${Number(text).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
const percent = (share: number) => `${Math.round(share * 100)} %`;

function countBy(entries: readonly ReportEntry[], key: (c: ReportCheck) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) if (e.check) counts.set(key(e.check), (counts.get(key(e.check)) ?? 0) + 1);
  return counts;
}

function candidateRows(check: ReportCheck): string {
  if (check.candidates.length === 0) return '<p class="none">No existing instrument provides this capability.</p>';
  return `<table class="candidates"><thead><tr><th>#</th><th>Instrument</th><th>Owner</th><th>Sharing</th><th>Use, last 12 months</th><th>Score</th><th>Reasons</th></tr></thead><tbody>
${check.candidates.map((c, i) => `<tr><td>${i + 1}</td><td>${escapeHtml(c.instrument.name)}${c.instrument.model ? `<br><small>${escapeHtml(c.instrument.model)}</small>` : ''}<br><small class="id">${escapeHtml(c.instrument.id)}</small></td>
<td>${escapeHtml(c.instrument.institution.name)}${c.instrument.district ? `<br><small>${escapeHtml(c.instrument.district)}</small>` : ''}</td><td>${escapeHtml(c.sharing)}</td>
<td>${c.usage.sessions === 0 ? 'none reported' : `${c.usage.hoursUsed.toLocaleString('en-US')} h of ${c.usage.availableHours.toLocaleString('en-US')} h (${percent(c.usage.share)})`}</td>
<td>${c.score.toFixed(2)}</td><td><ul>${c.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></td></tr>`).join('\n')}
</tbody></table>`;
}

function entrySection(entry: ReportEntry): string {
  const { item, check } = entry;
  const heading = `<h2>Row ${item.row}: ${escapeHtml(item.input.name)}${item.input.model ? ` <small>${escapeHtml(item.input.model)}</small>` : ''}</h2>`;
  const facts = `<p class="facts">Budget ${yuan(item.input.budget)}${item.institutionName ? ` · buyer ${escapeHtml(item.institutionName)}` : ''}${item.input.district ? ` · ${escapeHtml(item.input.district)}` : ''}</p>`;
  if (!check) return `<section class="item">${heading}${facts}<p class="error">Not checked: ${escapeHtml(entry.error ?? 'unknown error')}</p></section>`;
  const colour = RISK_COLOUR[check.duplicateRisk] ?? '#333';
  return `<section class="item">${heading}${facts}
<p><span class="risk" style="background:${colour}">${escapeHtml(check.duplicateRisk)}</span> duplicate risk · <strong>${escapeHtml(REQUIREMENT_ZH[check.requirement] ?? check.requirement)}</strong> — ${escapeHtml(check.requirementReason)}</p>
<p>Recognised as: ${check.recognizedTypes.length ? check.recognizedTypes.map((t) => `${escapeHtml(t.zh)} (${escapeHtml(t.en)})`).join(', ') : 'no known instrument type'}</p>
<ul class="reasons">${check.riskReasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>
${candidateRows(check)}
${check.consult.length || check.consultMunicipalCentre ? `<p>Consult in writing: ${[...check.consult.map((i) => escapeHtml(i.name)), ...(check.consultMunicipalCentre ? ['the municipal instrument centre (市大型仪器共享中心)'] : [])].join('; ')}</p>` : ''}
<p class="id">Check ${escapeHtml(check.id)}</p>
</section>`;
}

export function renderPlanReportHtml(report: PlanReport): string {
  const checked = report.entries.filter((e) => e.check);
  const risks = countBy(report.entries, (c) => c.duplicateRisk);
  const requirements = countBy(report.entries, (c) => c.requirement);
  const notChecked = [...report.problems.map((p) => `row ${p.row}, ${p.field}: ${p.message}`), ...report.entries.filter((e) => !e.check).map((e) => `row ${e.item.row}: ${e.error}`)];
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>查重评议 report: ${escapeHtml(report.file)}</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-bottom:.2rem}small{color:#666}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border:1px solid #ddd;padding:.3rem .4rem;vertical-align:top;text-align:left}
th{background:#f4f4f4}.risk{color:#fff;padding:.1rem .5rem;border-radius:.3rem;font-weight:bold}
.item{border-top:2px solid #eee;padding-top:.5rem;margin-top:1rem;page-break-inside:avoid}.error{color:#b3261e}.id{color:#999;font-size:.75rem}
ul{margin:.2rem 0;padding-left:1.1rem}.summary td{text-align:right}.summary td:first-child{text-align:left}
</style></head><body>
<h1>Duplicate-purchase review (查重评议) of ${escapeHtml(report.file)}</h1>
<p>Checked ${report.checkedAt.toISOString()} against the regional inventory at ${escapeHtml(report.hubUrl)}. ${checked.length} item(s) checked, ${notChecked.length} not checked.</p>
<table class="summary" style="width:auto"><thead><tr><th>Duplicate risk</th><th>Items</th></tr></thead><tbody>
${['HIGH', 'MEDIUM', 'LOW', 'NONE'].map((r) => `<tr><td><span class="risk" style="background:${RISK_COLOUR[r]}">${r}</span></td><td>${risks.get(r) ?? 0}</td></tr>`).join('')}
</tbody></table>
<p>Review required: ${['MUNICIPAL_APPROVAL', 'CONSULTATION', 'NONE'].map((r) => `${REQUIREMENT_ZH[r]} ${requirements.get(r) ?? 0}`).join(' · ')}</p>
${notChecked.length ? `<h2>Rows not checked</h2><ul class="error">${notChecked.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : ''}
${report.entries.map(entrySection).join('\n')}
</body></html>
`;
}

export function renderPlanReportCsv(report: PlanReport): string {
  const header = ['row', 'name', 'model', 'budget_yuan', 'institution', 'requirement', 'duplicate_risk', 'candidates', 'consult', 'check_id', 'error'];
  const lines = report.entries.map(({ item, check, error }) => [
    item.row, item.input.name, item.input.model, item.input.budget, item.institutionName, check?.requirement ?? null, check?.duplicateRisk ?? null,
    check ? check.candidates.map((c) => `${c.instrument.name} @ ${c.instrument.institution.name} (${c.sharing}, ${percent(c.usage.share)} used)`).join('; ') : null,
    check ? [...check.consult.map((i) => i.name), ...(check.consultMunicipalCentre ? ['municipal instrument centre'] : [])].join('; ') : null,
    check?.id ?? null, error,
  ]);
  const problems = report.problems.map((p) => [p.row, null, null, null, null, null, null, null, null, null, `${p.field}: ${p.message}`]);
  return `\uFEFF${[header, ...[...lines, ...problems].sort((a, b) => Number(a[0]) - Number(b[0]))].map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
