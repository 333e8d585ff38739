/**
 * `irhub report settlements --from <YYYY-MM-DD> --to <YYYY-MM-DD> (--agency <id> | --owner <id>) --out <file.csv|.xlsx>`:
 * an agency's or an owner's settlements in a period from the running hub, a line each and a
 * line of totals. CSV cells that a spreadsheet would run as formulas are neutralised (csvCell);
 * in XLSX every text is a text cell and amounts are numbers.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { csvCell } from '../../connectors/spreadsheet/csv.ts';
import { CliError, connectHub } from './hub-client.ts';
import { writeNationalSheet, type SheetColumn } from './national-workbook.ts';

const USAGE = 'usage: irhub report settlements --from <YYYY-MM-DD> --to <YYYY-MM-DD> (--agency <agencyId> | --owner <institutionId>) --out <file.csv|file.xlsx>';

const QUERY = `query ($agencyId: ID, $ownerInstitutionId: ID, $from: String!, $to: String!) {
  settlementReport(agencyId: $agencyId, ownerInstitutionId: $ownerInstitutionId, from: $from, to: $to) {
    lines { kind refId instrumentName ownerInstitutionId agencyId payerInstitutionId external
      settlement { settledAt basis shares { owner agency platform subsidy } total toOwner toAgency toPlatform subsidy voucherPaid } }
    totals { count total toOwner toAgency toPlatform subsidy voucherPaid }
  } }`;

type Amounts = { total: string; toOwner: string; toAgency: string; toPlatform: string; subsidy: string; voucherPaid: string };
interface Line {
  kind: string; refId: string; instrumentName: string; ownerInstitutionId: string; agencyId: string | null; payerInstitutionId: string; external: boolean;
  settlement: Amounts & { settledAt: string; basis: string; shares: { owner: number; agency: number; platform: number; subsidy: number } };
}

const TEXT = (header: string): SheetColumn => ({ header, numeric: false });
const AMOUNT = (header: string): SheetColumn => ({ header, numeric: true });
export const SETTLEMENT_COLUMNS: readonly SheetColumn[] = [
  TEXT('结算时间 settled at'), TEXT('类型 kind'), TEXT('单号 booking or lease'), TEXT('仪器 instrument'), TEXT('所属单位 owner'), TEXT('服务机构 agency'),
  TEXT('付款单位 payer'), TEXT('校外 external'), TEXT('依据 basis'), TEXT('份额 shares (owner/agency/platform/subsidy, ‱)'),
  AMOUNT('金额 total'), AMOUNT('所有者 to owner'), AMOUNT('服务机构 to agency'), AMOUNT('平台 to platform'), AMOUNT('补贴 subsidy'), AMOUNT('创新券 voucher paid'),
];

const amounts = (a: Amounts) => [a.total, a.toOwner, a.toAgency, a.toPlatform, a.subsidy, a.voucherPaid];

function cells(line: Line): Array<string | null> {
  const s = line.settlement;
  return [s.settledAt, line.kind, line.refId, line.instrumentName, line.ownerInstitutionId, line.agencyId, line.payerInstitutionId, line.external ? 'yes' : 'no', s.basis,
    `${s.shares.owner}/${s.shares.agency}/${s.shares.platform}/${s.shares.subsidy}`, ...amounts(s)];
}

export async function settlementReportCommand(args: string[], out: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { from?: string; to?: string; agency?: string; owner?: string; out?: string };
  try {
    ({ values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' }, agency: { type: 'string' }, owner: { type: 'string' }, out: { type: 'string' } } }));
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (!values.from || !values.to) throw new CliError(`--from and --to: the period's first and last day\n${USAGE}`);
  if (Boolean(values.agency) === Boolean(values.owner)) throw new CliError(`one of --agency and --owner\n${USAGE}`);
  if (!values.out || !/\.(csv|xlsx)$/i.test(values.out)) throw new CliError(`--out: a .csv or .xlsx file\n${USAGE}`);
  const { settlementReport: report } = await connectHub(env).request<{ settlementReport: { lines: Line[]; totals: Amounts & { count: number } } }>(QUERY,
    { agencyId: values.agency ?? null, ownerInstitutionId: values.owner ?? null, from: values.from, to: values.to });
  const rows = [...report.lines.map(cells), ['合计 total', null, `${report.totals.count}`, null, null, null, null, null, null, null, ...amounts(report.totals)]];
  if (/\.xlsx$/i.test(values.out)) {
    await writeNationalSheet(values.out, '结算 settlements', SETTLEMENT_COLUMNS, (async function* () { yield* rows; })());
  } else {
    writeFileSync(values.out, `\uFEFF${[SETTLEMENT_COLUMNS.map((c) => c.header), ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`);
  }
  out(`${values.out}: ${report.totals.count} settlements of ${values.agency ? `agency ${values.agency}` : `owner ${values.owner}`}, ${values.from} to ${values.to}: `
    + `${report.totals.total} yuan (owner ${report.totals.toOwner}, agency ${report.totals.toAgency}, platform ${report.totals.toPlatform}, subsidy ${report.totals.subsidy})`);
  return 0;
}
