/**
 * 全成本核算 (full-cost accounting) and booking quotes. Inputs and outputs are in yuan for
 * readability, but every amount is carried as integer fen in between: float yuan drift
 * (0.1 + 0.2) would otherwise leak into invoices and make line items not add up.
 */

const MS_PER_HOUR = 3_600_000;
const DEFAULT_ASSISTED_SURCHARGE_SHARE = 0.2;
const DEFAULT_VOUCHER_COVER_SHARE = 0.5;
const DEFAULT_FREE_NOTICE_HOURS = 24;
const DEFAULT_LATE_SHARE = 0.5;

/** Invalid pricing input; `field` names the offending input so forms can highlight it. */
export class PricingError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'PricingError';
    this.field = field;
  }
}

// ---------------------------------------------------------------- money helpers

/**
 * Rounds a fen amount half-up. The product is first cut to 15 significant digits so that
 * binary noise (e.g. 1.005 × 1000 = 1004.9999…) does not flip a half-fen the wrong way.
 */
function roundFen(value: number): number {
  return Math.round(Number(value.toPrecision(15)));
}

function yuanToFen(yuan: number): number {
  return roundFen(yuan * 100);
}

function fenToYuan(fen: number): number {
  return fen / 100;
}

/** Integer fen as a yuan string with two decimals, e.g. 123450 → "1234.50". */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) {
    throw new PricingError('fen', `fen must be a whole number of fen (got ${fen})`);
  }
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function formatHours(hours: number): string {
  return hours.toFixed(2);
}

function formatShare(share: number): string {
  return `${Number((share * 100).toPrecision(12))}%`;
}

// ---------------------------------------------------------------- validation

function requireFinite(field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PricingError(field, `${field} must be a finite number (got ${String(value)})`);
  }
}

function requireNonNegative(field: string, value: number): void {
  requireFinite(field, value);
  if (value < 0) throw new PricingError(field, `${field} must not be negative (got ${value})`);
}

function requirePositive(field: string, value: number): void {
  requireFinite(field, value);
  if (value <= 0) throw new PricingError(field, `${field} must be greater than zero (got ${value})`);
}

function requireShare(field: string, value: number): void {
  requireNonNegative(field, value);
  if (value > 1) throw new PricingError(field, `${field} must be between 0 and 1 (got ${value})`);
}

function requireDate(field: string, value: Date): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new PricingError(field, `${field} must be a valid date`);
  return ms;
}

// ---------------------------------------------------------------- cost-based rate

export interface CostBasis {
  /** Purchase value, yuan. */
  originalValue: number;
  serviceLifeYears: number;
  annualAvailableHours: number;
  /** Yuan per year. */
  annualStaffCost: number;
  annualConsumables: number;
  annualMaintenance: number;
}

/** Hourly full cost, yuan, each part rounded to the fen. */
export interface CostBasedRate {
  depreciationPerHour: number;
  staffPerHour: number;
  consumablesPerHour: number;
  maintenancePerHour: number;
  total: number;
}

/**
 * Hourly rate that recovers the instrument's full cost: straight-line depreciation plus the
 * running costs, spread over the hours it is actually available for booking.
 */
export function costBasedRate(basis: CostBasis): CostBasedRate {
  requireNonNegative('originalValue', basis.originalValue);
  requirePositive('serviceLifeYears', basis.serviceLifeYears);
  requirePositive('annualAvailableHours', basis.annualAvailableHours);
  requireNonNegative('annualStaffCost', basis.annualStaffCost);
  requireNonNegative('annualConsumables', basis.annualConsumables);
  requireNonNegative('annualMaintenance', basis.annualMaintenance);

  const perHourFen = (annualYuan: number) => roundFen((annualYuan * 100) / basis.annualAvailableHours);
  const depreciation = perHourFen(basis.originalValue / basis.serviceLifeYears);
  const staff = perHourFen(basis.annualStaffCost);
  const consumables = perHourFen(basis.annualConsumables);
  const maintenance = perHourFen(basis.annualMaintenance);

  return {
    depreciationPerHour: fenToYuan(depreciation),
    staffPerHour: fenToYuan(staff),
    consumablesPerHour: fenToYuan(consumables),
    maintenancePerHour: fenToYuan(maintenance),
    // Sum of the rounded parts, not the rounded sum, so a published breakdown adds up to its total.
    total: fenToYuan(depreciation + staff + consumables + maintenance),
  };
}

// ---------------------------------------------------------------- quotes

/** Yuan per hour; null when the owner does not offer that tariff. */
export interface Rates {
  internalRate: number | null;
  externalRate: number | null;
}

/** 创新券 (innovation voucher): a public subsidy that pays part of the bill. */
export interface Voucher {
  id: string;
  /** Yuan remaining on the voucher. */
  balance: number;
  /** Share of the subtotal the voucher may cover, 0..1; 0.5 when omitted. */
  coverShare?: number;
  eligible: boolean;
}

export interface QuoteInput {
  rates: Rates;
  from: Date;
  to: Date;
  internalUser: boolean;
  mode: 'SELF' | 'ASSISTED';
  /** Operator surcharge as a share of machine time, for ASSISTED sessions. */
  assistedSurchargeShare?: number;
  voucher?: Voucher | null;
}

export interface QuoteLine {
  label: string;
  amount: string;
}

export interface Quote {
  hours: number;
  rate: number;
  rateKind: 'INTERNAL' | 'EXTERNAL';
  lines: QuoteLine[];
  subtotal: string;
  voucherPays: string;
  youPay: string;
  voucherId: string | null;
}

interface ChosenRate {
  rate: number;
  rateKind: 'INTERNAL' | 'EXTERNAL';
}

/** The user's own tariff, else the other one: an owner listing a single rate still wants bookings. */
function chooseRate(rates: Rates, internalUser: boolean): ChosenRate {
  const internal = rates.internalRate == null ? null : ({ rate: rates.internalRate, rateKind: 'INTERNAL' } as const);
  const external = rates.externalRate == null ? null : ({ rate: rates.externalRate, rateKind: 'EXTERNAL' } as const);
  const chosen = internalUser ? (internal ?? external) : (external ?? internal);
  if (!chosen) throw new PricingError('rate', 'rate is missing: the instrument has neither an internal nor an external rate');
  requireNonNegative(chosen.rateKind === 'INTERNAL' ? 'internalRate' : 'externalRate', chosen.rate);
  return chosen;
}

/**
 * Fen for `durationMs` at `rateFen` per hour, rounded half-up once on the exact duration.
 * BigInt because rate × milliseconds overflows 2^53 for long bookings at high rates.
 */
function machineTimeFen(rateFen: number, durationMs: number): number {
  const numerator = BigInt(rateFen) * BigInt(durationMs);
  const hour = BigInt(MS_PER_HOUR);
  return Number((numerator * 2n + hour) / (hour * 2n));
}

function voucherFen(voucher: Voucher | null | undefined, subtotalFen: number): number {
  if (!voucher || !voucher.eligible) return 0;
  const share = voucher.coverShare ?? DEFAULT_VOUCHER_COVER_SHARE;
  requireNonNegative('voucher.balance', voucher.balance);
  requireShare('voucher.coverShare', share);
  return Math.min(roundFen(subtotalFen * share), yuanToFen(voucher.balance));
}

/**
 * Price of one booking. Machine time is charged on the exact duration (a 1 h 20 min session is
 * 4/3 h, not the 1.33 h shown), so the displayed hours are informative and the amount is fair.
 */
export function quote(input: QuoteInput): Quote {
  const fromMs = requireDate('from', input.from);
  const toMs = requireDate('to', input.to);
  if (toMs <= fromMs) throw new PricingError('to', 'to must be after from');

  const { rate, rateKind } = chooseRate(input.rates, input.internalUser);
  const rateFen = yuanToFen(rate);
  const durationMs = toMs - fromMs;
  const hours = Math.round((durationMs / MS_PER_HOUR) * 100) / 100;

  const machineFen = machineTimeFen(rateFen, durationMs);
  const lines: QuoteLine[] = [
    { label: `machine time 机时 (${formatHours(hours)} h × ${formatYuan(rateFen)})`, amount: formatYuan(machineFen) },
  ];

  let subtotalFen = machineFen;
  if (input.mode === 'ASSISTED') {
    const share = input.assistedSurchargeShare ?? DEFAULT_ASSISTED_SURCHARGE_SHARE;
    requireNonNegative('assistedSurchargeShare', share);
    const surchargeFen = roundFen(machineFen * share);
    lines.push({
      label: `operator surcharge 代操作费 (${formatShare(share)} of machine time)`,
      amount: formatYuan(surchargeFen),
    });
    subtotalFen += surchargeFen;
  }

  const voucherPaysFen = voucherFen(input.voucher, subtotalFen);
  return {
    hours,
    rate: fenToYuan(rateFen),
    rateKind,
    lines,
    subtotal: formatYuan(subtotalFen),
    voucherPays: formatYuan(voucherPaysFen),
    youPay: formatYuan(subtotalFen - voucherPaysFen),
    // Only a voucher that actually pays is reported, so callers never record an empty redemption.
    voucherId: voucherPaysFen > 0 && input.voucher ? input.voucher.id : null,
  };
}

// ---------------------------------------------------------------- cancellation

export interface CancellationInput {
  start: Date;
  cancelledAt: Date;
  /** Booking subtotal, integer fen. */
  subtotalFen: number;
  freeNoticeHours?: number;
  /** Share of the subtotal charged for a late cancellation, 0..1. */
  lateShare?: number;
}

/**
 * Fee in fen for cancelling a booking. Early notice is free because the owner can still
 * re-let the slot; late notice costs a share; from the start on the slot is lost, so it costs it all.
 */
export function cancellationFee(input: CancellationInput): number {
  const startMs = requireDate('start', input.start);
  const cancelledMs = requireDate('cancelledAt', input.cancelledAt);
  if (!Number.isSafeInteger(input.subtotalFen) || input.subtotalFen < 0) {
    throw new PricingError('subtotalFen', `subtotalFen must be a non-negative whole number of fen (got ${input.subtotalFen})`);
  }
  const freeNoticeHours = input.freeNoticeHours ?? DEFAULT_FREE_NOTICE_HOURS;
  const lateShare = input.lateShare ?? DEFAULT_LATE_SHARE;
  requireNonNegative('freeNoticeHours', freeNoticeHours);
  requireShare('lateShare', lateShare);

  if (cancelledMs >= startMs) return input.subtotalFen;
  if (startMs - cancelledMs >= freeNoticeHours * MS_PER_HOUR) return 0;
  return roundFen(input.subtotalFen * lateShare);
}
