import { describe, expect, it } from 'vitest';
import { INSTRUMENT_CLASSES } from '../schema/classes.ts';
import { detectFakeBusy } from '../subgraphs/oversight/fake-busy.ts';
import { barChartSvg, monthlyChartSvg, renderCityReport, type CityStatistics } from '../subgraphs/oversight/report/city-report.ts';

const at = (iso: string) => new Date(iso);
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

const classOf = (key: string) => {
  const info = INSTRUMENT_CLASSES.find((c) => c.key === key);
  if (!info) throw new Error(key);
  return info;
};

function statistics(): CityStatistics {
  const now = at('2026-11-24T10:00:00+08:00');
  const [flag] = detectFakeBusy({
    instrumentId: 'szu:SZU-2019-00017', declaredStatus: 'IN_USE', declaredSince: at('2026-10-01T09:00:00+08:00'),
    usage: [], bookings: [], calendarBlocked: [],
  }, now);
  return {
    period: { label: '2026年1–11月 January–November 2026', from: at('2026-01-01T00:00:00+08:00'), to: at('2026-12-01T00:00:00+08:00') },
    filters: ['district: 南山区 & 福田区'],
    institutionsByType: [{ type: 'UNIVERSITY', count: 3 }, { type: 'RESEARCH_INSTITUTE', count: 2 }, { type: '<script>alert("x")</script>研究中心', count: 1 }],
    instruments: 42,
    originalValueYuan: 123_456_789,
    byClass: [
      { key: 'ANALYTICAL', zh: classOf('ANALYTICAL').zh, count: 12, valueYuan: 60_000_000 },
      { key: 'COMPUTING', zh: classOf('COMPUTING').zh, count: 7, valueYuan: 9_000_000 },
    ],
    byDistrict: [{ district: '南山区', count: 30 }, { district: '福田区', count: 12 }],
    valueBands: { atLeast300k: 40, atLeast500k: 31 },
    sharingRate: { instrumentShare: 0.625, hourShare: 0.183 },
    orders: 518,
    serviceHours: 12_345.5,
    externalServiceHours: 2_259.2,
    satisfaction: 4.36,
    monthly: [
      { month: '2026-09', usedHours: 1_100, externalHours: 210, orders: 48 },
      { month: '2026-10', usedHours: 980.5, externalHours: 175, orders: 41 },
      { month: '2026-11', usedHours: 1_210, externalHours: 260, orders: 52 },
    ],
    flagged: [{
      instrumentId: flag.instrumentId,
      name: '场发射扫描电镜 <FE-SEM>',
      institution: '<script>alert("x")</script>大学',
      kind: flag.kind,
      evidence: flag.evidence,
    }],
  };
}

describe('city report', () => {
  const stats = statistics();
  const html = renderCityReport(stats, at('2026-12-01T09:30:00+08:00'));

  it('is one self-contained page with the period in the title', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<title>大型科研仪器开放共享统计报告 City instrument-sharing report: ${stats.period.label}</title>`);
    expect(html).toContain('<h1>');
    // the period ends before 1 December: the last day shown is 30 November
    expect(html).toContain('2026-01-01 – 2026-11-30');
    expect(html).toContain('generated 2026-12-01 09:30');
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
  });

  it('draws one accessible SVG per chart', () => {
    expect(count(html, '<svg')).toBe(3);
    expect(count(html, 'role="img"')).toBe(3);
    expect(count(html, 'aria-label="')).toBe(3);
  });

  it('shows the headline figures', () => {
    expect(html).toContain('12,345.7 万元'); // 123,456,789 元
    expect(html).toContain('62.5 %');
    expect(html).toContain('18.3 %');
    expect(html).toContain('12,345.5 h');
    expect(html).toContain('2,259.2 h');
    expect(html).toContain('>518<');
    expect(html).toContain('4.4 / 5');
  });

  it('escapes owners\' text everywhere', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;大学');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;研究中心');
    expect(html).toContain('场发射扫描电镜 &lt;FE-SEM&gt;');
    expect(html).toContain('district: 南山区 &amp; 福田区');
  });

  it('titles each bar with its value', () => {
    expect(html).toContain('<title>分析仪器: 12 · 6,000.0 万元</title>');
    expect(html).toContain('<title>南山区: 30</title>');
    expect(html).toContain('<title>2026-10 used 使用机时: 980.5 h</title>');
    expect(html).toContain('<title>2026-11 external 对外服务机时: 260 h</title>');
  });

  it('lists institutions by type with a total', () => {
    expect(html).toContain('高等院校 (UNIVERSITY)');
    expect(html).toContain('科研院所 (RESEARCH_INSTITUTE)');
    expect(html).toMatch(/合计 Total<\/td><td class="num">6</);
  });

  it('lists flagged instruments with their evidence', () => {
    expect(html).toContain('(DECLARED_BUSY_UNUSED)');
    expect(html).toContain('szu:SZU-2019-00017');
    expect(html).toContain('<li>declared 在用 (IN_USE) since 2026-10-01; no usage session and no booking in the 14 days to 2026-11-24</li>');
  });

  it('still renders every chart, and says so, when there is nothing to show', () => {
    const empty = renderCityReport({ ...stats, byClass: [], byDistrict: [], monthly: [], flagged: [], satisfaction: null }, at('2026-12-01T09:30:00+08:00'));
    expect(count(empty, '<svg')).toBe(3);
    expect(count(empty, 'No data')).toBe(3);
    expect(empty).toContain('No instrument was flagged');
    expect(empty).toContain('>—<');
  });
});

describe('chart helpers', () => {
  it('draws one bar per item, longest for the largest value, each with a <title>', () => {
    const svg = barChartSvg([{ label: 'A', value: 5 }, { label: 'B & C', value: 10 }], { ariaLabel: 'Test "chart"', unit: 'h' });
    expect(count(svg, '<svg')).toBe(1);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="Test &quot;chart&quot;"');
    expect(count(svg, '<rect')).toBe(2);
    expect(svg).toContain('<title>A: 5 h</title>');
    expect(svg).toContain('<title>B &amp; C: 10 h</title>');
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths[1]).toBeGreaterThan(widths[0]);
    expect(widths[1]).toBeCloseTo(widths[0] * 2, 0);
  });

  it('draws two columns per month with titles', () => {
    const svg = monthlyChartSvg([{ month: '2026-01', usedHours: 100, externalHours: 25 }, { month: '2026-02', usedHours: 80, externalHours: 0 }]);
    expect(count(svg, '<svg')).toBe(1);
    expect(svg).toContain('role="img"');
    expect(count(svg, '<title>')).toBe(4);
    expect(svg).toContain('<title>2026-01 external 对外服务机时: 25 h</title>');
    expect(svg).toContain('>2026-02<');
  });
});
