/**
 * 申报机时: the yearly running and service hours an owner declares in its own file (the national
 * template's 年运行机时 / 年对外服务机时 columns, kept in the instrument's `extra` as the owner
 * wrote them), checked against the hours the hub recorded. A declared figure far above the
 * record is the self-declaration that lets an idle instrument look busy.
 */
import type { FakeBusyFlag } from './fake-busy.ts';
import { bareHeader } from './national-report/owner-columns.ts';

export interface DeclaredHours {
  running: number | null;
  service: number | null;
}

export interface RecordedHours {
  running: number;
  service: number;
}

/** how far a declared figure may be from the recorded one, as a share of the larger of the two */
export const DEFAULT_DECLARED_HOURS_TOLERANCE = 0.2;

// owners' headers with the unit in brackets taken off: 年运行机时（小时） → 年运行机时
const RUNNING_HEADERS = new Set(['年运行机时', '年总运行机时']);
const SERVICE_HEADERS = new Set(['年对外服务机时', '年服务机时']);

function hours(text: string): number | null {
  const cleaned = text.replace(/[,，\s]|小时|h$/gi, '');
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  return Number(cleaned);
}

/** The figures an owner's columns declare; a column that is absent or not a number declares nothing. */
export function declaredHoursOf(extra: Readonly<Record<string, string>>): DeclaredHours {
  const declared: DeclaredHours = { running: null, service: null };
  for (const [header, value] of Object.entries(extra)) {
    const key = bareHeader(header);
    if (RUNNING_HEADERS.has(key)) declared.running ??= hours(value);
    else if (SERVICE_HEADERS.has(key)) declared.service ??= hours(value);
  }
  return declared;
}

/** |declared − recorded| as a share of the larger; 0 when both are 0. */
export function hoursDifference(declared: number, recorded: number): number {
  const larger = Math.max(declared, recorded);
  return larger === 0 ? 0 : Math.abs(declared - recorded) / larger;
}

export interface HoursMismatch {
  figure: 'RUNNING' | 'SERVICE';
  declared: number;
  recorded: number;
  /** hoursDifference(declared, recorded) */
  difference: number;
}

/** The declared figures that differ from the recorded ones by more than `tolerance`. */
export function hoursMismatches(declared: DeclaredHours, recorded: RecordedHours, tolerance: number): HoursMismatch[] {
  const found: HoursMismatch[] = [];
  for (const [figure, d, r] of [['RUNNING', declared.running, recorded.running], ['SERVICE', declared.service, recorded.service]] as const) {
    if (d === null) continue;
    const difference = hoursDifference(d, r);
    if (difference > tolerance) found.push({ figure, declared: d, recorded: r, difference });
  }
  return found;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const FIGURE_ZH = { RUNNING: '年运行机时', SERVICE: '年服务机时' } as const;

/** One sentence per mismatch, in the report's language: 申报年运行机时 1800 h，记录 420.5 h（相差 77 %） */
export function mismatchText(mismatches: readonly HoursMismatch[]): string | null {
  if (mismatches.length === 0) return null;
  return mismatches.map((m) => `申报${FIGURE_ZH[m.figure]} ${round1(m.declared)} h，记录 ${round1(m.recorded)} h（相差 ${Math.round(m.difference * 100)} %）`).join('；');
}

/** IRHUB_DECLARED_HOURS_TOLERANCE (a share, e.g. 0.2), else the default. */
export function declaredHoursToleranceFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.IRHUB_DECLARED_HOURS_TOLERANCE;
  if (text === undefined || text === '') return DEFAULT_DECLARED_HOURS_TOLERANCE;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw new Error(`IRHUB_DECLARED_HOURS_TOLERANCE must be a share between 0 and 1 (e.g. 0.2), got "${text}"`);
  return value;
}

/**
 * The fake-busy flag for a year whose declared hours overstate the recorded ones by more than
 * `tolerance` (understating is marked in the national report, but keeps nobody out).
 */
export function declaredHoursOverstated(
  evidence: { instrumentId: string; year: number; from: Date; to: Date; declared: DeclaredHours; recorded: RecordedHours; openHours: number },
  tolerance: number,
): FakeBusyFlag | null {
  const overstated = hoursMismatches(evidence.declared, evidence.recorded, tolerance).filter((m) => m.declared > m.recorded);
  if (overstated.length === 0) return null;
  const sentences = overstated.map((m) => `the owner's file declares ${FIGURE_ZH[m.figure]} ${round1(m.declared)} h; the hub recorded ${round1(m.recorded)} h in ${evidence.year} `
    + `(${Math.round(m.difference * 100)} % less, more than the ${Math.round(tolerance * 100)} % allowed)`);
  sentences.push(`recorded use: usage sessions and completed bookings, overlaps counted once (recordedUse(instrumentId, year: ${evidence.year}) lists them)`);
  return {
    instrumentId: evidence.instrumentId,
    kind: 'DECLARED_HOURS_OVERSTATED',
    windowFrom: evidence.from,
    windowTo: evidence.to,
    evidence: sentences,
    openHours: Math.round(evidence.openHours * 100) / 100,
    usedHours: Math.round(evidence.recorded.running * 100) / 100,
    blockedHours: 0,
  };
}
