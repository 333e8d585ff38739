/**
 * Lease state machine and who may drive it. Pure, like booking-lifecycle.ts: the lessor quotes
 * a request, the lessee confirms the quote (the deposit is then held and the days are taken),
 * the lessor delivers, takes the instrument back and closes the lease (returning the deposit).
 */
import { BookingRuleError } from '../booking/booking-lifecycle.ts';

export const LEASE_STATUSES = ['REQUESTED', 'QUOTED', 'CONFIRMED', 'DELIVERED', 'RETURNED', 'CLOSED', 'REJECTED', 'CANCELLED'] as const;
export type LeaseStatus = (typeof LEASE_STATUSES)[number];

export const LEASE_ACTIONS = ['QUOTE', 'CONFIRM', 'REJECT', 'CANCEL', 'DELIVER', 'RETURN', 'CLOSE'] as const;
export type LeaseAction = (typeof LEASE_ACTIONS)[number];

/** LESSOR: staff of the owner, or of the service agency hosting the instrument. */
export type LeaseActor = 'LESSEE' | 'LESSOR' | 'ADMIN';

const TRANSITIONS: Readonly<Record<LeaseAction, { from: readonly LeaseStatus[]; to: LeaseStatus }>> = {
  // a quote may be revised until the lessee confirms it
  QUOTE: { from: ['REQUESTED', 'QUOTED'], to: 'QUOTED' },
  CONFIRM: { from: ['QUOTED'], to: 'CONFIRMED' },
  REJECT: { from: ['REQUESTED', 'QUOTED'], to: 'REJECTED' },
  // once delivered the instrument has to come back; the lease ends by RETURN, not by cancelling
  CANCEL: { from: ['REQUESTED', 'QUOTED', 'CONFIRMED'], to: 'CANCELLED' },
  DELIVER: { from: ['CONFIRMED'], to: 'DELIVERED' },
  RETURN: { from: ['DELIVERED'], to: 'RETURNED' },
  CLOSE: { from: ['RETURNED'], to: 'CLOSED' },
};

const PERMISSIONS: Readonly<Record<LeaseActor, ReadonlySet<LeaseAction>>> = {
  LESSEE: new Set<LeaseAction>(['CONFIRM', 'CANCEL']),
  LESSOR: new Set<LeaseAction>(['QUOTE', 'REJECT', 'CANCEL', 'DELIVER', 'RETURN', 'CLOSE']),
  ADMIN: new Set<LeaseAction>(LEASE_ACTIONS),
};

export function nextLeaseStatus(from: LeaseStatus, action: LeaseAction): LeaseStatus {
  const rule = TRANSITIONS[action];
  if (rule?.from.includes(from)) return rule.to;
  const allowed = LEASE_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(from));
  throw new BookingRuleError('ILLEGAL_TRANSITION', `cannot ${action} a lease that is ${from} (${allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'no further action is possible'})`);
}

export function mayPerformOnLease(actor: LeaseActor, action: LeaseAction): boolean {
  return PERMISSIONS[actor].has(action);
}
