/** Owners' booking rules as stored; an instrument without a row has the default policy. */
import type { Knex } from 'knex';
import { DEFAULT_OPENING_HOURS, type OpeningHours } from '../../schema/opening-hours.ts';
import { DEFAULT_BOOKING_POLICY, type BookingPolicy } from './booking-policy.ts';
import { fromJsonb } from '../storage/jsonb.ts';

interface PolicyRow { instrument_id: string; auto_approve: boolean; max_hours: number; min_notice_hours: number; free_cancel_hours: number; opening_hours: OpeningHours | string | null; voucher_eligible: boolean; no_show_minutes: number | null; approval_after_no_shows: number | null }

export async function policiesOf(db: Knex | Knex.Transaction, instrumentIds: readonly string[]): Promise<Map<string, BookingPolicy>> {
  const rows = await db('booking_policies').whereIn('instrument_id', [...instrumentIds]) as PolicyRow[];
  const found = new Map(rows.map((r) => [r.instrument_id, {
    autoApprove: r.auto_approve, maxHours: r.max_hours, minNoticeHours: r.min_notice_hours, freeCancelHours: r.free_cancel_hours,
    openingHours: r.opening_hours ? fromJsonb(r.opening_hours) : DEFAULT_BOOKING_POLICY.openingHours,
    voucherEligible: r.voucher_eligible,
    noShowMinutes: r.no_show_minutes ?? DEFAULT_BOOKING_POLICY.noShowMinutes,
    approvalAfterNoShows: r.approval_after_no_shows,
  } satisfies BookingPolicy]));
  return new Map(instrumentIds.map((id) => [id, found.get(id) ?? DEFAULT_BOOKING_POLICY]));
}

export async function savePolicy(db: Knex, instrumentId: string, policy: BookingPolicy, by: string, now: Date): Promise<void> {
  await db('booking_policies').insert({
    instrument_id: instrumentId, auto_approve: policy.autoApprove, max_hours: policy.maxHours, min_notice_hours: policy.minNoticeHours,
    free_cancel_hours: policy.freeCancelHours, opening_hours: JSON.stringify(policy.openingHours), voucher_eligible: policy.voucherEligible,
    no_show_minutes: policy.noShowMinutes, approval_after_no_shows: policy.approvalAfterNoShows,
    updated_by: by, updated_at: now,
  }).onConflict('instrument_id').merge();
}

/**
 * The instruments whose owners set opening hours other than the default, with those hours; every
 * other instrument is open DEFAULT_OPENING_HOURS. Few set their own, so utilisation, fake-busy
 * detection and the purchase review read them as a small map. `instrumentIds` null: all of them.
 */
export async function ownOpeningHours(db: Knex | Knex.Transaction, instrumentIds: readonly string[] | null): Promise<Map<string, OpeningHours>> {
  const query = db('booking_policies').whereNotNull('opening_hours').select('instrument_id', 'opening_hours');
  if (instrumentIds) query.whereRaw('instrument_id = any(?::text[])', [[...instrumentIds]]);
  const rows = await query as Array<{ instrument_id: string; opening_hours: OpeningHours | string }>;
  const standard = JSON.stringify(DEFAULT_OPENING_HOURS);
  return new Map(rows.map((r) => [r.instrument_id, fromJsonb<OpeningHours>(r.opening_hours)] as const).filter(([, hours]) => JSON.stringify(hours) !== standard));
}
