/**
 * Free slots of one instrument: its opening hours (Asia/Shanghai) minus the hub's active
 * bookings, planned outages, days leased out and the owner's own calendar, read through its connector.
 */
import type { Knex } from 'knex';
import { openIntervals, subtractIntervals, type Interval } from '../../schema/opening-hours.ts';
import type { OwnerSystems } from '../registry/owner-systems.ts';
import { BookingRuleError } from './booking-lifecycle.ts';
import { activeBookingIntervals } from './booking-store.ts';
import { policiesOf } from './policy-store.ts';
import { outageIntervals } from './outages.ts';
import { leasedIntervals } from '../leasing/lease-store.ts';

export const MAX_AVAILABILITY_DAYS = 31;

export async function freeSlots(db: Knex, owners: OwnerSystems, instrumentId: string, from: Date, to: Date): Promise<Interval[]> {
  if (!(to.getTime() > from.getTime())) throw new BookingRuleError('BAD_PERIOD', `to (${to.toISOString()}) must be after from (${from.toISOString()})`);
  if (to.getTime() - from.getTime() > MAX_AVAILABILITY_DAYS * 86_400_000) throw new BookingRuleError('BAD_PERIOD', `ask for at most ${MAX_AVAILABILITY_DAYS} days at a time`);
  const policy = (await policiesOf(db, [instrumentId])).get(instrumentId)!;
  let ownerBusy;
  try {
    ownerBusy = await owners.calendar(instrumentId, from, to);
  } catch (error) {
    throw new BookingRuleError('OWNER_SYSTEM_UNREACHABLE', `cannot read the owner's calendar for ${instrumentId}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return subtractIntervals(openIntervals(from, to, policy.openingHours), [...await activeBookingIntervals(db, instrumentId, from, to), ...await outageIntervals(db, instrumentId, from, to),
    ...await leasedIntervals(db, instrumentId, from, to), ...ownerBusy]);
}
