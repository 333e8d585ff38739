/**
 * Booking state machine and who may drive it. Pure: callers load the booking, ask here whether
 * the move is legal, then persist the result, so the rules stay testable without a database.
 */

export const BOOKING_STATUSES = [
  'REQUESTED',
  'CONFIRMED',
  'IN_PROGRESS',
  'COMPLETED',
  'CANCELLED',
  'REJECTED',
  'NO_SHOW',
  'EXPIRED',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const BOOKING_ACTIONS = [
  'APPROVE',
  'REJECT',
  'EXPIRE',
  'START',
  'COMPLETE',
  'CANCEL',
  'MARK_NO_SHOW',
] as const;
export type BookingAction = (typeof BOOKING_ACTIONS)[number];

/** Statuses that still hold the instrument's slot, i.e. that must block overlapping bookings. */
export const ACTIVE_STATUSES: readonly BookingStatus[] = ['REQUESTED', 'CONFIRMED', 'IN_PROGRESS'];

/** AGENCY_STAFF: staff of the service agency hosting the instrument (托管), acting for its owner. */
export type Actor = 'BOOKER' | 'OWNER_STAFF' | 'AGENCY_STAFF' | 'ADMIN' | 'SYSTEM';

/** A business-rule violation; `code` is stable so the API layer can map it to an error extension. */
export class BookingRuleError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'BookingRuleError';
    this.code = code;
  }
}

interface TransitionRule {
  from: readonly BookingStatus[];
  to: BookingStatus;
}

// Keyed by action because each action has exactly one target, whatever the source status.
const TRANSITIONS: Readonly<Record<BookingAction, TransitionRule>> = {
  APPROVE: { from: ['REQUESTED'], to: 'CONFIRMED' },
  REJECT: { from: ['REQUESTED'], to: 'REJECTED' },
  EXPIRE: { from: ['REQUESTED'], to: 'EXPIRED' },
  START: { from: ['CONFIRMED'], to: 'IN_PROGRESS' },
  COMPLETE: { from: ['IN_PROGRESS'], to: 'COMPLETED' },
  // Once the session has started the slot is consumed, so cancelling is no longer meaningful.
  CANCEL: { from: ['REQUESTED', 'CONFIRMED'], to: 'CANCELLED' },
  MARK_NO_SHOW: { from: ['CONFIRMED'], to: 'NO_SHOW' },
};

/** Actions legal from `status`, in the canonical BOOKING_ACTIONS order (empty for final statuses). */
export function allowedActions(status: BookingStatus): BookingAction[] {
  return BOOKING_ACTIONS.filter((action) => TRANSITIONS[action].from.includes(status));
}

/** The status reached by applying `action` to a booking in `from`; throws ILLEGAL_TRANSITION otherwise. */
export function nextStatus(from: BookingStatus, action: BookingAction): BookingStatus {
  // Looked up defensively: values often arrive as plain strings from GraphQL or the database.
  const rule: TransitionRule | undefined = TRANSITIONS[action];
  if (rule && rule.from.includes(from)) return rule.to;
  const allowed = BOOKING_STATUSES.includes(from) ? allowedActions(from) : [];
  const hint = allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'no further action is possible';
  throw new BookingRuleError('ILLEGAL_TRANSITION', `cannot ${action} a booking that is ${from} (${hint})`);
}

const PERMISSIONS: Readonly<Record<Actor, ReadonlySet<BookingAction>>> = {
  // Bookers can only withdraw; every other move is the owning institution's call.
  BOOKER: new Set<BookingAction>(['CANCEL']),
  OWNER_STAFF: new Set<BookingAction>(['APPROVE', 'REJECT', 'START', 'COMPLETE', 'CANCEL', 'MARK_NO_SHOW']),
  AGENCY_STAFF: new Set<BookingAction>(['APPROVE', 'REJECT', 'START', 'COMPLETE', 'CANCEL', 'MARK_NO_SHOW']),
  ADMIN: new Set<BookingAction>(BOOKING_ACTIONS),
  // Scheduled jobs: expire stale requests, auto-approve under an instrument's policy, close finished sessions, release no-shows.
  SYSTEM: new Set<BookingAction>(['EXPIRE', 'APPROVE', 'COMPLETE', 'MARK_NO_SHOW']),
};

/** Whether `actor` is entitled to `action` at all; legality for a given status is nextStatus's job. */
export function mayPerform(actor: Actor, action: BookingAction): boolean {
  return PERMISSIONS[actor]?.has(action) ?? false;
}
