/**
 * The city's statistics report on instrument sharing (大型科研仪器开放共享统计报告): one
 * self-contained HTML page — inline CSS and inline SVG charts, no scripts, no external assets —
 * so it can be mailed, archived with the review file and printed as it is.
 *
 * Every text that reaches the page is escaped: instrument and institution names, districts and
 * filters come from owners' systems and are not trusted.
 */
import { institutionTypes } from '../../../schema/terms.ts';
import type { FlagKind } from '../fake-busy.ts';
import { escapeHtml } from '../../html/escape-html.ts';

export interface CityStatistics {
  /** [from, to): `to` is exclusive, as for every window in the hub */
  period: { label: string; from: Date; to: Date };
  /** human-readable filters the statistics were computed under, e.g. "district: 南山区" */
  filters: string[];
  /** `type` is an institution-type key (UNIVERSITY, …) or an owner's own wording */
  institutionsByType: Array<{ type: string; count: number }>;
  instruments: number;
  originalValueYuan: number;
  byClass: Array<{ key: string; zh: string; count: number; valueYuan: number }>;
  byDistrict: Array<{ district: string; count: number }>;
  /** instruments of original value ≥ 30 万元 and ≥ 50 万元 */
  valueBands: { atLeast300k: number; atLeast500k: number };
  /** shares 0–1 */
  sharingRate: { instrumentShare: number; hourShare: number };
  orders: number;
  serviceHours: number;
  externalServiceHours: number;
  /** mean user rating on the 1–5 scale; null when nobody rated */
  satisfaction: number | null;
  monthly: Array<{ month: string /* YYYY-MM */; usedHours: number; externalHours: number; orders: number }>;
  flagged: Array<{ instrumentId: string; name: string; institution: string; kind: string; evidence: string[] }>;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const localDate = (d: Date) => new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
const localDateTime = (d: Date) => new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');

/** Whole numbers with grouping, others with one decimal: counts and hours read the same way. */
export const formatNumber = (n: number): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(n) ? 0 : 1 });
const formatPercent = (share: number) => `${(Math.round(share * 1000) / 10).toFixed(1)} %`;
/** 1 万元 = 10,000 元: the unit the city's asset statistics are kept in. */
const formatWanYuan = (yuan: number) => `${(yuan / 10_000).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} 万元`;

/** The smallest 1, 2 or 5 × 10ⁿ at or above `n`, so axis ticks land on round numbers. */
export function niceCeiling(n: number): number {
  if (!(n > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

const round = (n: number) => Math.round(n * 10) / 10;

export interface BarItem { label: string; value: number; /** appended to the bar's tooltip, e.g. the value in 万元 */ detail?: string }

export interface BarChartOptions {
  /** the chart's accessible name */
  ariaLabel?: string;
  width?: number;
  labelWidth?: number;
  rowHeight?: number;
  colour?: string;
  unit?: string;
}

/** Horizontal bars, one row per item in the given order, each bar with a `<title>` tooltip. */
export function barChartSvg(items: readonly BarItem[], options: BarChartOptions = {}): string {
  const { ariaLabel = 'Bar chart', width = 640, labelWidth = 160, rowHeight = 24, colour = '#4a6fa5', unit = '' } = options;
  const valueWidth = 80;
  const pad = 6;
  const height = Math.max(1, items.length) * rowHeight + 2 * pad;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(ariaLabel)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="chart">`;
  if (items.length === 0) return `${open}<text x="${pad}" y="${height / 2 + 4}" class="none">No data</text></svg>`;
  // No value axis here (each bar is labelled), so the largest bar may use the full width.
  const largest = Math.max(...items.map((i) => i.value));
  const scale = largest > 0 ? (width - labelWidth - valueWidth) / largest : 0;
  const suffix = unit ? ` ${unit}` : '';
  const rows = items.map((item, index) => {
    const y = pad + index * rowHeight;
    const barWidth = round(Math.max(0, item.value) * scale);
    const tooltip = `${item.label}: ${formatNumber(item.value)}${suffix}${item.detail ? ` · ${item.detail}` : ''}`;
    return `<text x="${labelWidth - 8}" y="${y + rowHeight / 2 + 4}" text-anchor="end">${escapeHtml(item.label)}</text>`
      + `<rect x="${labelWidth}" y="${y + 3}" width="${barWidth}" height="${rowHeight - 6}" fill="${escapeHtml(colour)}"><title>${escapeHtml(tooltip)}</title></rect>`
      + `<text x="${round(labelWidth + barWidth + 6)}" y="${y + rowHeight / 2 + 4}" class="value">${escapeHtml(formatNumber(item.value) + suffix)}</text>`;
  });
  return `${open}${rows.join('')}</svg>`;
}

export interface MonthlyPoint { month: string; usedHours: number; externalHours: number }

export interface MonthlyChartOptions {
  ariaLabel?: string;
  width?: number;
  height?: number;
}

const USED_COLOUR = '#4a6fa5';
const EXTERNAL_COLOUR = '#e08a1e';

/**
 * Paired columns per month: hours used in all, and of them by other institutions. Columns rather
 * than lines because each month is a separate total and a gap month should look empty, not
 * interpolated.
 */
export function monthlyChartSvg(months: readonly MonthlyPoint[], options: MonthlyChartOptions = {}): string {
  const { ariaLabel = 'Monthly used and external hours', width = 640, height = 260 } = options;
  const margin = { top: 28, right: 10, bottom: 30, left: 56 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(ariaLabel)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="chart">`;
  if (months.length === 0) return `${open}<text x="${margin.left}" y="${height / 2}" class="none">No data</text></svg>`;
  const top = niceCeiling(Math.max(...months.flatMap((m) => [m.usedHours, m.externalHours])));
  const y = (value: number) => round(margin.top + plotHeight - (Math.max(0, value) / top) * plotHeight);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const value = top * f;
    return `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(value)}" y2="${y(value)}" class="grid"/>`
      + `<text x="${margin.left - 6}" y="${y(value) + 4}" text-anchor="end" class="axis">${formatNumber(round(value))}</text>`;
  });
  const group = plotWidth / months.length;
  const column = group * 0.36;
  const bar = (label: string, value: number, x: number, colour: string) =>
    `<rect x="${round(x)}" y="${y(value)}" width="${round(column)}" height="${round(margin.top + plotHeight - y(value))}" fill="${colour}"><title>${escapeHtml(`${label}: ${formatNumber(round(value))} h`)}</title></rect>`;
  const columns = months.map((m, index) => {
    const x = margin.left + index * group + group * 0.14;
    return bar(`${m.month} used 使用机时`, m.usedHours, x, USED_COLOUR)
      + bar(`${m.month} external 对外服务机时`, m.externalHours, x + column, EXTERNAL_COLOUR)
      + `<text x="${round(x + column)}" y="${height - margin.bottom + 16}" text-anchor="middle" class="axis">${escapeHtml(m.month)}</text>`;
  });
  const legend = `<rect x="${margin.left}" y="8" width="12" height="12" fill="${USED_COLOUR}"/><text x="${margin.left + 18}" y="18">Used hours 使用机时</text>`
    + `<rect x="${margin.left + 190}" y="8" width="12" height="12" fill="${EXTERNAL_COLOUR}"/><text x="${margin.left + 208}" y="18">External hours 对外服务机时</text>`;
  return `${open}${legend}${ticks.join('')}${columns.join('')}</svg>`;
}

const FLAG_LABELS: Record<FlagKind, string> = {
  DECLARED_BUSY_UNUSED: '假忙碌: declared in use, not used',
  CALENDAR_BLOCKED_UNUSED: '假忙碌: calendar blocked, not used',
  DECLARED_IDLE_BUT_USED: 'Status out of date: declared idle, in use',
  DECLARED_BROKEN_BUT_USED: 'Declared out of service, in use',
  DECLARED_HOURS_OVERSTATED: '假忙碌: declared yearly hours above those recorded',
};

const isFlagKind = (kind: string): kind is FlagKind => Object.hasOwn(FLAG_LABELS, kind);
const flagLabel = (kind: string) => (isFlagKind(kind) ? `${FLAG_LABELS[kind]} (${kind})` : kind);

function institutionTypeLabel(type: string): string {
  const key = institutionTypes.resolve(type);
  return key ? `${institutionTypes.zh[key]} (${key})` : type;
}

function headline(label: string, value: string, note = ''): string {
  return `<div class="figure"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${note ? `<div class="note">${escapeHtml(note)}</div>` : ''}</div>`;
}

function headlines(stats: CityStatistics): string {
  return `<section class="figures">
${headline('仪器 Instruments', formatNumber(stats.instruments), `≥ 30 万元: ${formatNumber(stats.valueBands.atLeast300k)} · ≥ 50 万元: ${formatNumber(stats.valueBands.atLeast500k)}`)}
${headline('原值 Original value', formatWanYuan(stats.originalValueYuan))}
${headline('共享率 Sharing rate', formatPercent(stats.sharingRate.instrumentShare), `instruments open to others; ${formatPercent(stats.sharingRate.hourShare)} of service hours external`)}
${headline('服务机时 Service hours', `${formatNumber(round(stats.serviceHours))} h`, `external 对外: ${formatNumber(round(stats.externalServiceHours))} h`)}
${headline('订单 Orders', formatNumber(stats.orders))}
${headline('满意度 Satisfaction', stats.satisfaction === null ? '—' : `${stats.satisfaction.toFixed(1)} / 5`, stats.satisfaction === null ? 'no ratings in the period' : 'mean user rating')}
</section>`;
}

function institutionsTable(rows: CityStatistics['institutionsByType']): string {
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  return `<table class="narrow"><thead><tr><th>单位类型 Type</th><th>Institutions</th></tr></thead><tbody>
${rows.map((r) => `<tr><td>${escapeHtml(institutionTypeLabel(r.type))}</td><td class="num">${formatNumber(r.count)}</td></tr>`).join('\n')}
<tr class="total"><td>合计 Total</td><td class="num">${formatNumber(total)}</td></tr>
</tbody></table>`;
}

function flaggedTable(rows: CityStatistics['flagged']): string {
  if (rows.length === 0) return '<p class="none">No instrument was flagged in this period.</p>';
  return `<table><thead><tr><th>Instrument</th><th>Institution</th><th>Flag</th><th>Evidence</th></tr></thead><tbody>
${rows.map((r) => `<tr><td>${escapeHtml(r.name)}<br><small class="id">${escapeHtml(r.instrumentId)}</small></td><td>${escapeHtml(r.institution)}</td><td>${escapeHtml(flagLabel(r.kind))}</td>`
    + `<td><ul>${r.evidence.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul></td></tr>`).join('\n')}
</tbody></table>`;
}

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:1.8rem;border-bottom:1px solid #eee;padding-bottom:.2rem}
.meta{color:#555;font-size:.9rem}small{color:#666}.id{color:#999;font-size:.75rem}.none{color:#666;font-style:italic}
.figures{display:flex;flex-wrap:wrap;gap:.8rem;margin-top:1rem}
.figure{border:1px solid #ddd;border-radius:.4rem;padding:.6rem .8rem;min-width:10rem;flex:1}
.figure .label{font-size:.8rem;color:#555}.figure .value{font-size:1.5rem;font-weight:600}.figure .note{font-size:.75rem;color:#666}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border:1px solid #ddd;padding:.3rem .4rem;vertical-align:top;text-align:left}
th{background:#f4f4f4}td.num{text-align:right}tr.total td{font-weight:600}table.narrow{width:auto}
ul{margin:.2rem 0;padding-left:1.1rem}
svg.chart{max-width:100%;height:auto;font-size:12px}svg .value,svg .axis{fill:#555;font-size:11px}svg .grid{stroke:#e4e4e4}
@media print{body{margin:1cm}section,table,svg{page-break-inside:avoid}}`;

export function renderCityReport(stats: CityStatistics, generatedAt: Date): string {
  const title = `大型科研仪器开放共享统计报告 City instrument-sharing report: ${stats.period.label}`;
  // `to` is exclusive, so the last day covered is the day of the instant just before it.
  const lastDay = localDate(new Date(stats.period.to.getTime() - 1));
  const classItems = stats.byClass.map((c) => ({ label: c.zh, value: c.count, detail: formatWanYuan(c.valueYuan) }));
  const districtItems = stats.byDistrict.map((d) => ({ label: d.district, value: d.count }));
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Period ${localDate(stats.period.from)} – ${lastDay} (Asia/Shanghai) · generated ${localDateTime(generatedAt)} (UTC+8)</p>
<p class="meta">Filters: ${stats.filters.length ? stats.filters.map(escapeHtml).join(' · ') : 'none (all instruments of the city)'}</p>
${headlines(stats)}
<h2>仪器分类 Instruments by class</h2>
${barChartSvg(classItems, { ariaLabel: 'Instruments by class 按分类统计的仪器数量', colour: '#4a6fa5' })}
<h2>行政区 Instruments by district</h2>
${barChartSvg(districtItems, { ariaLabel: 'Instruments by district 按行政区统计的仪器数量', colour: '#5b8c5a' })}
<h2>月度机时 Monthly used and external hours</h2>
${monthlyChartSvg(stats.monthly, { ariaLabel: 'Monthly used hours and external service hours 月度使用机时与对外服务机时' })}
<h2>单位 Institutions by type</h2>
${institutionsTable(stats.institutionsByType)}
<h2>疑似假忙碌 Flagged instruments</h2>
${flaggedTable(stats.flagged)}
</body></html>
`;
}
