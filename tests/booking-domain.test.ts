import { describe, it, expect } from 'vitest';
import {
  ACTIVE_STATUSES,
  BOOKING_STATUSES,
  BookingRuleError,
  allowedActions,
  mayPerform,
  nextStatus,
} from '../subgraphs/booking/booking-lifecycle.ts';
import type { Actor, BookingAction, BookingStatus } from '../subgraphs/booking/booking-lifecycle.ts';
import { PricingError, cancellationFee, costBasedRate, formatYuan, quote } from '../subgraphs/booking/pricing.ts';
import type { CostBasis, QuoteInput } from '../subgraphs/booking/pricing.ts';

const ALL_ACTIONS: BookingAction[] = ['APPROVE', 'REJECT', 'EXPIRE', 'START', 'COMPLETE', 'CANCEL', 'MARK_NO_SHOW'];

/** Captures the error thrown by `fn`, failing the test if nothing is thrown. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('booking lifecycle', () => {
  const legal: Array<[BookingStatus, BookingAction, BookingStatus]> = [
    ['REQUESTED', 'APPROVE', 'CONFIRMED'],
    ['REQUESTED', 'REJECT', 'REJECTED'],
    ['REQUESTED', 'EXPIRE', 'EXPIRED'],
    ['REQUESTED', 'CANCEL', 'CANCELLED'],
    ['CONFIRMED', 'START', 'IN_PROGRESS'],
    ['CONFIRMED', 'CANCEL', 'CANCELLED'],
    ['CONFIRMED', 'MARK_NO_SHOW', 'NO_SHOW'],
    ['IN_PROGRESS', 'COMPLETE', 'COMPLETED'],
  ];

  it.each(legal)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  const illegal: Array<[BookingStatus, BookingAction]> = [
    ['REQUESTED', 'START'],
    ['REQUESTED', 'COMPLETE'],
    ['REQUESTED', 'MARK_NO_SHOW'],
    ['CONFIRMED', 'APPROVE'],
    ['CONFIRMED', 'COMPLETE'],
    ['CONFIRMED', 'EXPIRE'],
    ['IN_PROGRESS', 'CANCEL'],
    ['IN_PROGRESS', 'MARK_NO_SHOW'],
    ['COMPLETED', 'CANCEL'],
    ['CANCELLED', 'APPROVE'],
    ['REJECTED', 'APPROVE'],
    ['EXPIRED', 'APPROVE'],
    ['NO_SHOW', 'START'],
  ];

  it.each(illegal)('rejects %s --%s--> with ILLEGAL_TRANSITION naming both', (from, action) => {
    const error = thrown(() => nextStatus(from, action));
    expect(error).toBeInstanceOf(BookingRuleError);
    const ruleError = error as BookingRuleError;
    expect(ruleError.code).toBe('ILLEGAL_TRANSITION');
    expect(ruleError.message).toContain(from);
    expect(ruleError.message).toContain(action);
  });

  it('lists the allowed actions per status, none for final statuses', () => {
    expect(allowedActions('REQUESTED')).toEqual(['APPROVE', 'REJECT', 'EXPIRE', 'CANCEL']);
    expect(allowedActions('CONFIRMED')).toEqual(['START', 'CANCEL', 'MARK_NO_SHOW']);
    expect(allowedActions('IN_PROGRESS')).toEqual(['COMPLETE']);
    for (const final of ['COMPLETED', 'CANCELLED', 'REJECTED', 'NO_SHOW', 'EXPIRED'] as const) {
      expect(allowedActions(final)).toEqual([]);
    }
  });

  it('agrees with nextStatus for every status × action pair', () => {
    for (const status of BOOKING_STATUSES) {
      for (const action of ALL_ACTIONS) {
        const succeeds = (() => {
          try {
            nextStatus(status, action);
            return true;
          } catch {
            return false;
          }
        })();
        expect(succeeds, `${status} ${action}`).toBe(allowedActions(status).includes(action));
      }
    }
  });

  it('treats only requested, confirmed and in-progress bookings as holding the slot', () => {
    expect([...ACTIVE_STATUSES].sort()).toEqual(['CONFIRMED', 'IN_PROGRESS', 'REQUESTED']);
    expect(BOOKING_STATUSES).toHaveLength(8);
  });
});

describe('actor permissions', () => {
  const expected: Record<Actor, BookingAction[]> = {
    BOOKER: ['CANCEL'],
    OWNER_STAFF: ['APPROVE', 'REJECT', 'START', 'COMPLETE', 'CANCEL', 'MARK_NO_SHOW'],
    AGENCY_STAFF: ['APPROVE', 'REJECT', 'START', 'COMPLETE', 'CANCEL', 'MARK_NO_SHOW'],
    ADMIN: ALL_ACTIONS,
    SYSTEM: ['APPROVE', 'EXPIRE', 'COMPLETE', 'MARK_NO_SHOW'],
  };

  it.each(Object.keys(expected) as Actor[])('%s may perform exactly its actions', (actor) => {
    const granted = ALL_ACTIONS.filter((action) => mayPerform(actor, action));
    expect(granted.sort()).toEqual([...expected[actor]].sort());
  });

  it('keeps bookers from approving their own requests and staff from expiring them', () => {
    expect(mayPerform('BOOKER', 'APPROVE')).toBe(false);
    expect(mayPerform('BOOKER', 'START')).toBe(false);
    expect(mayPerform('OWNER_STAFF', 'EXPIRE')).toBe(false);
    expect(mayPerform('SYSTEM', 'CANCEL')).toBe(false);
  });
});

describe('formatYuan', () => {
  it('prints fen as yuan with two decimals', () => {
    expect(formatYuan(123450)).toBe('1234.50');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(-250)).toBe('-2.50');
  });

  it('refuses fractional fen', () => {
    expect(() => formatYuan(1.5)).toThrow(PricingError);
  });
});

describe('cost-based rate (全成本核算)', () => {
  const basis: CostBasis = {
    originalValue: 3_000_000,
    serviceLifeYears: 10,
    annualAvailableHours: 1_500,
    annualStaffCost: 300_000,
    annualConsumables: 45_000,
    annualMaintenance: 100_000,
  };

  it('spreads depreciation and running costs over the available hours', () => {
    // 3,000,000 / 10 / 1,500 = 200.00; 300,000 / 1,500 = 200.00; 45,000 / 1,500 = 30.00;
    // 100,000 / 1,500 = 66.666… → 66.67; total of the rounded parts = 496.67
    expect(costBasedRate(basis)).toEqual({
      depreciationPerHour: 200,
      staffPerHour: 200,
      consumablesPerHour: 30,
      maintenancePerHour: 66.67,
      total: 496.67,
    });
  });

  it('allows free running costs and a fully written-off instrument', () => {
    const rate = costBasedRate({ ...basis, originalValue: 0, annualConsumables: 0 });
    expect(rate.depreciationPerHour).toBe(0);
    expect(rate.total).toBe(266.67);
  });

  it.each<[keyof CostBasis, number]>([
    ['serviceLifeYears', 0],
    ['annualAvailableHours', 0],
    ['annualStaffCost', -1],
    ['originalValue', Number.NaN],
    ['annualMaintenance', Number.POSITIVE_INFINITY],
  ])('names the bad field %s = %s', (field, value) => {
    const error = thrown(() => costBasedRate({ ...basis, [field]: value }));
    expect(error).toBeInstanceOf(PricingError);
    expect((error as PricingError).field).toBe(field);
    expect((error as PricingError).message).toContain(field);
  });
});

describe('quote', () => {
  const from = new Date('2026-12-01T09:00:00+08:00');
  const threeHoursLater = new Date('2026-12-01T12:00:00+08:00');
  const base: QuoteInput = {
    rates: { internalRate: 500, externalRate: 800 },
    from,
    to: threeHoursLater,
    internalUser: true,
    mode: 'SELF',
  };

  it('charges internal users the internal rate', () => {
    expect(quote(base)).toEqual({
      hours: 3,
      rate: 500,
      rateKind: 'INTERNAL',
      lines: [{ label: 'machine time 机时 (3.00 h × 500.00)', amount: '1500.00' }],
      subtotal: '1500.00',
      voucherPays: '0.00',
      youPay: '1500.00',
      voucherId: null,
    });
  });

  it('charges external users the external rate', () => {
    const q = quote({ ...base, internalUser: false });
    expect(q.rateKind).toBe('EXTERNAL');
    expect(q.rate).toBe(800);
    expect(q.subtotal).toBe('2400.00');
  });

  it('falls back to the other rate when the user’s own is missing', () => {
    const internalFallback = quote({ ...base, rates: { internalRate: null, externalRate: 800 } });
    expect(internalFallback.rateKind).toBe('EXTERNAL');
    expect(internalFallback.subtotal).toBe('2400.00');
    const externalFallback = quote({ ...base, internalUser: false, rates: { internalRate: 500, externalRate: null } });
    expect(externalFallback.rateKind).toBe('INTERNAL');
    expect(externalFallback.subtotal).toBe('1500.00');
  });

  it('throws PricingError on field rate when no rate exists', () => {
    const error = thrown(() => quote({ ...base, rates: { internalRate: null, externalRate: null } }));
    expect(error).toBeInstanceOf(PricingError);
    expect((error as PricingError).field).toBe('rate');
  });

  it('rejects a booking that ends before it starts', () => {
    const error = thrown(() => quote({ ...base, to: from }));
    expect((error as PricingError).field).toBe('to');
  });

  it('adds a 20% operator surcharge for assisted sessions, or the share given', () => {
    const assisted = quote({ ...base, mode: 'ASSISTED' });
    expect(assisted.lines).toHaveLength(2);
    expect(assisted.lines[1].label).toContain('operator surcharge');
    expect(assisted.lines[1].label).toContain('20%');
    expect(assisted.lines[1].amount).toBe('300.00');
    expect(assisted.subtotal).toBe('1800.00');
    expect(quote({ ...base, mode: 'ASSISTED', assistedSurchargeShare: 0.35 }).subtotal).toBe('2025.00');
  });

  it('lets an eligible voucher pay its share of the subtotal', () => {
    const q = quote({
      ...base,
      internalUser: false,
      voucher: { id: 'CXQ-2026-001', balance: 10_000, coverShare: 0.5, eligible: true },
    });
    expect(q.subtotal).toBe('2400.00');
    expect(q.voucherPays).toBe('1200.00');
    expect(q.youPay).toBe('1200.00');
    expect(q.voucherId).toBe('CXQ-2026-001');
  });

  it('caps the voucher at its remaining balance', () => {
    const q = quote({
      ...base,
      internalUser: false,
      voucher: { id: 'CXQ-2026-002', balance: 1_000, coverShare: 0.5, eligible: true },
    });
    // half of 2400.00 would be 1200.00, but only 1000.00 is left on the voucher
    expect(q.voucherPays).toBe('1000.00');
    expect(q.youPay).toBe('1400.00');
  });

  it('ignores an ineligible voucher', () => {
    const q = quote({ ...base, voucher: { id: 'CXQ-2026-003', balance: 10_000, coverShare: 0.5, eligible: false } });
    expect(q.voucherPays).toBe('0.00');
    expect(q.youPay).toBe('1500.00');
    expect(q.voucherId).toBeNull();
  });

  it('rounds to the fen on the exact duration, not the displayed hours', () => {
    const q = quote({
      ...base,
      rates: { internalRate: 333.33, externalRate: null },
      to: new Date('2026-12-01T10:20:00+08:00'),
    });
    // 1 h 20 min = 4/3 h; 33,333 fen × 4/3 = 44,444 fen exactly (1.33 h would give 443.33)
    expect(q.hours).toBe(1.33);
    expect(q.lines[0]).toEqual({ label: 'machine time 机时 (1.33 h × 333.33)', amount: '444.44' });
    expect(q.subtotal).toBe('444.44');
  });

  it('rounds half a fen up', () => {
    const q = quote({
      ...base,
      rates: { internalRate: 333.33, externalRate: null },
      to: new Date('2026-12-01T10:10:00+08:00'),
      mode: 'ASSISTED',
    });
    // 33,333 fen × 7/6 h = 38,888.5 fen → 38,889; surcharge 20% = 7,777.8 → 7,778
    expect(q.lines.map((line) => line.amount)).toEqual(['388.89', '77.78']);
    expect(q.subtotal).toBe('466.67');
  });
});

describe('cancellation fee', () => {
  const start = new Date('2026-12-01T09:00:00+08:00');
  const hoursBefore = (h: number) => new Date(start.getTime() - h * 3_600_000);
  const subtotalFen = 150_000;

  it('is free with at least 24 h notice', () => {
    expect(cancellationFee({ start, cancelledAt: hoursBefore(48), subtotalFen })).toBe(0);
    expect(cancellationFee({ start, cancelledAt: hoursBefore(24), subtotalFen })).toBe(0);
  });

  it('costs half the subtotal with late notice', () => {
    expect(cancellationFee({ start, cancelledAt: hoursBefore(23.5), subtotalFen })).toBe(75_000);
    expect(cancellationFee({ start, cancelledAt: hoursBefore(0.1), subtotalFen: 12_345 })).toBe(6_173);
  });

  it('costs the whole subtotal from the start on', () => {
    expect(cancellationFee({ start, cancelledAt: start, subtotalFen })).toBe(150_000);
    expect(cancellationFee({ start, cancelledAt: hoursBefore(-1), subtotalFen })).toBe(150_000);
  });

  it('honours custom notice and late share', () => {
    const custom = { start, subtotalFen, freeNoticeHours: 72, lateShare: 0.3 };
    expect(cancellationFee({ ...custom, cancelledAt: hoursBefore(48) })).toBe(45_000);
    expect(cancellationFee({ ...custom, cancelledAt: hoursBefore(72) })).toBe(0);
  });

  it('names the bad field', () => {
    const error = thrown(() => cancellationFee({ start, cancelledAt: hoursBefore(1), subtotalFen, lateShare: 1.5 }));
    expect(error).toBeInstanceOf(PricingError);
    expect((error as PricingError).field).toBe('lateShare');
    expect((error as PricingError).message).toContain('lateShare');
  });
});
