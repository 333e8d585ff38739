/**
 * 创新券 (innovation vouchers): the city pays a share of a company's or institution's bookings
 * of other institutions' instruments, up to the voucher's balance. Redemptions and refunds are
 * recorded as movements; the balance can never go below zero (a check constraint).
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { badInput } from '../bad-input.ts';

export interface VoucherRow {
  id: string;
  holder_institution_id: string;
  holder_name: string;
  amount: string;
  balance: string;
  cover_share: number;
  expires_at: Date;
  issued_by: string;
  issued_at: Date;
}

export async function issueVoucher(db: Knex, input: { institutionId: string; institutionName: string; amount: number; coverShare: number; expiresAt: Date }, issuer: string, now: Date): Promise<VoucherRow> {
  if (!(input.amount > 0)) throw badInput('amount', `must be a positive number of yuan, got ${input.amount}`);
  if (!(input.coverShare > 0 && input.coverShare <= 1)) throw badInput('coverShare', `must be above 0 and at most 1, got ${input.coverShare}`);
  if (input.expiresAt.getTime() <= now.getTime()) throw badInput('expiresAt', 'must be in the future');
  const [row] = await db('vouchers').insert({
    id: `cx_${randomUUID()}`, holder_institution_id: input.institutionId, holder_name: input.institutionName, amount: input.amount.toFixed(2),
    balance: input.amount.toFixed(2), cover_share: input.coverShare, expires_at: input.expiresAt, issued_by: issuer, issued_at: now,
  }).returning('*') as VoucherRow[];
  return row;
}

/** The holder's voucher that expires first among those still valid and not spent. */
export async function usableVoucher(db: Knex | Knex.Transaction, institutionId: string, at: Date): Promise<VoucherRow | null> {
  const row = await db('vouchers').where({ holder_institution_id: institutionId }).where('expires_at', '>', at).where('balance', '>', 0)
    .orderBy([{ column: 'expires_at' }, { column: 'id' }]).first() as VoucherRow | undefined;
  return row ?? null;
}

/** Takes `amount` yuan from the voucher for a booking; false when the balance no longer covers it. */
export async function redeem(trx: Knex.Transaction, voucherId: string, bookingId: string, amount: string, at: Date): Promise<boolean> {
  const updated = await trx('vouchers').where({ id: voucherId }).where('balance', '>=', amount).update({ balance: trx.raw('balance - ?::numeric', [amount]) });
  if (updated === 0) return false;
  await trx('voucher_movements').insert({ voucher_id: voucherId, booking_id: bookingId, amount: `-${amount}`, at });
  return true;
}

export async function refund(trx: Knex.Transaction, voucherId: string, bookingId: string, amount: string, at: Date): Promise<void> {
  if (Number(amount) <= 0) return;
  await trx('vouchers').where({ id: voucherId }).update({ balance: trx.raw('balance + ?::numeric', [amount]) });
  await trx('voucher_movements').insert({ voucher_id: voucherId, booking_id: bookingId, amount, at });
}

export async function vouchersOf(db: Knex, institutionId: string | null): Promise<VoucherRow[]> {
  const query = db('vouchers').orderBy('issued_at', 'desc');
  if (institutionId) query.where({ holder_institution_id: institutionId });
  return await query as VoucherRow[];
}
