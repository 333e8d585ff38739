/**
 * What a lease costs: rent for its days at the daily rate, the fee for the delivery chosen, an
 * innovation voucher's share, the deposit held apart (it is returned, so it is not a price);
 * and, when the instrument comes back late, the late days at the late rate. Integer fen
 * throughout, formatted to yuan only for the quote shown.
 */
import { formatYuan, type QuoteLine } from '../booking/pricing.ts';

export const DELIVERY_METHODS = ['PICKUP', 'DELIVERY', 'INSTALLED'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

/** A lessor's terms for one instrument, in fen. */
export interface LeaseTerms {
  dailyRateFen: number;
  depositFen: number | null;
  minDays: number;
  maxDays: number;
  delivery: DeliveryMethod[];
  /** charged once for DELIVERY (to the user's site and back) */
  deliveryFeeFen: number;
  /** charged once for INSTALLED (delivered, installed and commissioned) */
  installationFeeFen: number;
  /** per day the instrument comes back after the lease's last day */
  lateDailyRateFen: number;
  voucherEligible: boolean;
}

export interface LeaseVoucher { id: string; balanceFen: number; coverShare: number }

/** As the API shows it (LeaseQuote), yuan strings. */
export interface LeaseQuote {
  days: number;
  dailyRate: string;
  deposit: string | null;
  lines: QuoteLine[];
  subtotal: string;
  voucherPays: string;
  youPay: string;
  voucherId: string | null;
}

export interface PricedLease { quote: LeaseQuote; subtotalFen: number; voucherFen: number }

export function deliveryFeeFen(terms: LeaseTerms, delivery: DeliveryMethod): number {
  if (delivery === 'DELIVERY') return terms.deliveryFeeFen;
  if (delivery === 'INSTALLED') return terms.installationFeeFen;
  return 0;
}

/**
 * The quote for `days` days with `delivery`; `deliveryFen` is the lessor's own figure for this
 * user's site when it quotes one, else the terms' fee.
 */
export function quoteLease(input: { terms: LeaseTerms; days: number; delivery: DeliveryMethod; deliveryFen?: number | null; voucher: LeaseVoucher | null }): PricedLease {
  const { terms, days, delivery } = input;
  const rentFen = terms.dailyRateFen * days;
  const lines: QuoteLine[] = [{ label: `rent 租金 (${days} d × ${formatYuan(terms.dailyRateFen)})`, amount: formatYuan(rentFen) }];
  const deliveryFen = input.deliveryFen ?? deliveryFeeFen(terms, delivery);
  if (delivery !== 'PICKUP') lines.push({ label: delivery === 'DELIVERY' ? 'delivery and collection 运送' : 'delivery, installation and commissioning 运送安装调试', amount: formatYuan(deliveryFen) });
  const subtotalFen = rentFen + deliveryFen;
  const voucherFen = input.voucher && terms.voucherEligible ? Math.min(Math.round(subtotalFen * input.voucher.coverShare), input.voucher.balanceFen) : 0;
  return {
    subtotalFen,
    voucherFen,
    quote: {
      days,
      dailyRate: formatYuan(terms.dailyRateFen),
      deposit: terms.depositFen === null ? null : formatYuan(terms.depositFen),
      lines,
      subtotal: formatYuan(subtotalFen),
      voucherPays: formatYuan(voucherFen),
      youPay: formatYuan(subtotalFen - voucherFen),
      voucherId: voucherFen > 0 && input.voucher ? input.voucher.id : null,
    },
  };
}

/** Days after the lease's last day until it came back, and what they cost. */
export function lateReturn(terms: Pick<LeaseTerms, 'lateDailyRateFen'>, endDay: number, returnedDay: number): { lateDays: number; chargeFen: number } {
  const lateDays = Math.max(0, returnedDay - endDay);
  return { lateDays, chargeFen: lateDays * terms.lateDailyRateFen };
}

/** Yuan as the Decimal scalar gives it ("1234.5") to integer fen, exactly (no float on the way). */
export function fenOf(yuan: string): number {
  const [whole, fraction = ''] = yuan.trim().replace(/^-/, '').split('.');
  const fen = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return yuan.trim().startsWith('-') ? -fen : fen;
}
