/**
 * No-shows counted against a user: what owners see before approving, and what makes an
 * owner's auto-approval wait for a decision once a user reaches the owner's limit.
 */
import type { Knex } from 'knex';
import type { BookingPolicy } from './booking-policy.ts';

/** The user's no-shows, at one owner's instruments or (null) everywhere. */
export async function noShowCount(db: Knex | Knex.Transaction, userId: string, ownerInstitutionId: string | null): Promise<number> {
  const query = db('bookings').where({ booker_id: userId, status: 'NO_SHOW' });
  if (ownerInstitutionId) query.where('owner_institution_id', ownerInstitutionId);
  const [{ n }] = await query.count('* as n') as Array<{ n: string | number }>;
  return Number(n);
}

/** Whether a request the policy would confirm at once must wait for the owner instead. */
export async function needsApprovalForNoShows(db: Knex | Knex.Transaction, policy: BookingPolicy, userId: string, ownerInstitutionId: string): Promise<boolean> {
  return policy.approvalAfterNoShows !== null && await noShowCount(db, userId, ownerInstitutionId) >= policy.approvalAfterNoShows;
}
