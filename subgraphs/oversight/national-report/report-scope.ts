/**
 * What a national report covers: one calendar year (Asia/Shanghai), the instruments of one
 * institution or of all, and how far an owner's declared hours may be from the recorded ones.
 */
import { monthStart } from '../../usage/usage-months.ts';

export interface ReportScope {
  year: number;
  /** null: every institution */
  institutionId: string | null;
  tolerance: number;
  from: Date;
  /** exclusive */
  to: Date;
}

export class ReportScopeError extends Error {
  constructor(message: string, readonly field: string) { super(message); }
}

export const EARLIEST_REPORT_YEAR = 2000;

/** hours as the national sheets give them: two decimals */
export const reportedHours = (hours: number) => Math.round(hours * 100) / 100;

export function reportScope(input: { year: number; institutionId?: string | null; tolerance: number }, now: Date): ReportScope {
  const thisYear = Number(new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 4));
  if (!Number.isInteger(input.year) || input.year < EARLIEST_REPORT_YEAR || input.year > thisYear) {
    throw new ReportScopeError(`year: between ${EARLIEST_REPORT_YEAR} and ${thisYear}, got ${input.year}`, 'year');
  }
  if (!Number.isFinite(input.tolerance) || input.tolerance < 0 || input.tolerance >= 1) {
    throw new ReportScopeError(`tolerance: a share between 0 and 1 (0.2 is 20 %), got ${input.tolerance}`, 'tolerance');
  }
  return {
    year: input.year,
    institutionId: input.institutionId?.trim() || null,
    tolerance: input.tolerance,
    from: monthStart(`${input.year}-01`),
    to: monthStart(`${input.year + 1}-01`),
  };
}
