/**
 * requestBooking: a researcher of one institution asks for a slot on another's instrument.
 * Everything that can be checked before writing is checked first (sharing, slot rules,
 * qualification, the owner's own calendar, the price); the database then decides the race
 * for the slot, in one transaction with the voucher redemption and the history.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { HubClaims } from '../auth/hub-claims.ts';
import type { OwnerSystems } from '../registry/owner-systems.ts';
import { BookingRuleError } from './booking-lifecycle.ts';
import { checkSlot, holdUntil } from './booking-policy.ts';
import { bookingByIdempotencyKey, insertBooking, loadBookings, recordEvent, type BookingRow } from './booking-store.ts';
import { policiesOf } from './policy-store.ts';
import { quote } from './pricing.ts';
import { holdsQualification } from './qualifications.ts';
import { expireStaleRequests, writeBackConfirmed } from './booking-actions.ts';
import { redeem, usableVoucher } from './vouchers.ts';
import { refuseDuringOutage } from './outages.ts';
import { markWaitListBooked, refuseOfferedToOthers } from './wait-list.ts';
import { needsApprovalForNoShows } from './no-shows.ts';

export interface BookingRequestInput {
  instrumentId: string;
  from: Date;
  to: Date;
  mode: 'SELF' | 'ASSISTED';
  purpose: string;
  samples?: number | null;
  idempotencyKey?: string | null;
}

export interface BookingDeps {
  db: Knex;
  owners: OwnerSystems;
  /** sources whose instruments the graph serves */
  sourceIds: () => readonly string[];
  now: () => Date;
}

interface InstrumentFacts { id: string; source_id: string; name: string; institution_id: string; sharing: string; declared_status: string; external_rate: string | null; internal_rate: string | null; type_keys: string[] }

const rule = (code: string, message: string) => new BookingRuleError(code, message);

function checkInput(input: BookingRequestInput): void {
  if (input.purpose.trim().length === 0) throw rule('BAD_USER_INPUT', 'purpose: say what the instrument is for (it goes to the owner)');
  if (input.purpose.length > 2000) throw rule('BAD_USER_INPUT', `purpose: at most 2,000 characters, got ${input.purpose.length}`);
  if (input.samples !== null && input.samples !== undefined && (!Number.isInteger(input.samples) || input.samples < 0 || input.samples > 100_000)) {
    throw rule('BAD_USER_INPUT', `samples: a whole number from 0 to 100,000, got ${input.samples}`);
  }
  if (input.idempotencyKey !== null && input.idempotencyKey !== undefined && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 200)) {
    throw rule('BAD_USER_INPUT', 'idempotencyKey: 1 to 200 characters');
  }
}

function fingerprint(input: BookingRequestInput): string {
  return createHash('sha256').update(JSON.stringify([input.instrumentId, input.from.toISOString(), input.to.toISOString(), input.mode, input.purpose, input.samples ?? null])).digest('hex');
}

export async function requestBooking(deps: BookingDeps, claims: HubClaims, input: BookingRequestInput): Promise<{ booking: BookingRow; created: boolean }> {
  const { db } = deps;
  const now = deps.now();
  if (!claims.institutionId) throw rule('FORBIDDEN', `${claims.sub} acts for no institution and cannot book; book as a user`);
  checkInput(input);
  const print = fingerprint(input);
  if (input.idempotencyKey) {
    const earlier = await bookingByIdempotencyKey(db, claims.sub, input.idempotencyKey);
    if (earlier) {
      if (earlier.request_fingerprint !== print) throw rule('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${input.idempotencyKey}" was used for a different request (booking ${earlier.id})`);
      return { booking: earlier, created: false };
    }
  }

  const instrument = await db('instruments').where({ id: input.instrumentId }).whereIn('source_id', [...deps.sourceIds()])
    .first('id', 'source_id', 'name', 'institution_id', 'sharing', 'declared_status', 'external_rate', 'internal_rate', 'type_keys') as InstrumentFacts | undefined;
  if (!instrument) throw rule('UNKNOWN_INSTRUMENT', `instrumentId: no instrument ${input.instrumentId}`);
  const external = instrument.institution_id !== claims.institutionId;
  if (instrument.sharing === 'CLOSED') throw rule('NOT_SHARED', `${instrument.name} (${instrument.id}) is not shared (不共享)`);
  if (instrument.sharing === 'INTERNAL' && external) throw rule('NOT_SHARED', `${instrument.name} (${instrument.id}) is shared inside its institution only (校内共享)`);
  if (instrument.declared_status === 'RETIRED' || instrument.declared_status === 'MAINTENANCE') {
    throw rule('NOT_BOOKABLE', `${instrument.name} (${instrument.id}) is ${instrument.declared_status === 'RETIRED' ? 'retired (报废)' : 'under maintenance (维修)'}`);
  }
  const policy = (await policiesOf(db, [instrument.id])).get(instrument.id)!;
  checkSlot(policy, input.from, input.to, now);
  await refuseDuringOutage(db, instrument.id, input.from, input.to);
  await refuseOfferedToOthers(db, claims.sub, instrument.id, input.from, input.to, now);
  if (input.mode === 'SELF' && !(await holdsQualification(db, claims.sub, instrument, input.to))) {
    throw rule('QUALIFICATION_REQUIRED', `${claims.sub} holds no valid qualification (培训考核) for ${instrument.name} (${instrument.id}); book ASSISTED, and the owner's operator runs the work`);
  }
  let ownerBusy;
  try {
    ownerBusy = await deps.owners.calendar(instrument.id, input.from, input.to);
  } catch (error) {
    throw rule('OWNER_SYSTEM_UNREACHABLE', `cannot check the owner's calendar for ${instrument.id}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const clash = ownerBusy.find((b) => b.from < input.to && b.to > input.from);
  if (clash) throw rule('OWNER_CALENDAR_BUSY', `the owner's own calendar has ${instrument.id} busy from ${clash.from.toISOString()} to ${clash.to.toISOString()}`);

  const voucher = external && policy.voucherEligible ? await usableVoucher(db, claims.institutionId, now) : null;
  const priced = quote({
    rates: { internalRate: instrument.internal_rate === null ? null : Number(instrument.internal_rate), externalRate: instrument.external_rate === null ? null : Number(instrument.external_rate) },
    from: input.from, to: input.to, internalUser: !external, mode: input.mode,
    voucher: voucher ? { id: voucher.id, balance: Number(voucher.balance), coverShare: voucher.cover_share, eligible: true } : null,
  });
  const id = `bk_${randomUUID()}`;
  const status = policy.autoApprove && !(await needsApprovalForNoShows(db, policy, claims.sub, instrument.institution_id)) ? 'CONFIRMED' : 'REQUESTED';
  await db.transaction(async (trx) => {
    // a request whose hold has lapsed must not keep the slot just because the expiry job has not run yet
    await expireStaleRequests(trx, now, instrument.id);
    await insertBooking(trx, {
      id, instrument_id: instrument.id, owner_institution_id: instrument.institution_id, booker_id: claims.sub, booker_institution_id: claims.institutionId!,
      mode: input.mode, purpose: input.purpose.trim(), samples: input.samples ?? null, status, idempotency_key: input.idempotencyKey ?? null,
      request_fingerprint: print, external, quote: priced, price: priced.subtotal, voucher_id: priced.voucherId, voucher_amount: priced.voucherPays,
      hold_until: status === 'REQUESTED' ? holdUntil(now, input.from) : null, created_at: now,
    }, input.from, input.to);
    await markWaitListBooked(trx, claims.sub, instrument.id, input.from, input.to);
    if (priced.voucherId && !(await redeem(trx, priced.voucherId, id, priced.voucherPays, now))) {
      throw rule('VOUCHER_EXHAUSTED', `voucher ${priced.voucherId} no longer covers ${priced.voucherPays} yuan; request again for a new quote`);
    }
    const actor = { actor_id: claims.sub, actor_role: claims.role };
    await recordEvent(trx, { booking_id: id, from_status: null, to_status: 'REQUESTED', action: 'REQUEST', ...actor, note: null }, now);
    if (status === 'CONFIRMED') await recordEvent(trx, { booking_id: id, from_status: 'REQUESTED', to_status: 'CONFIRMED', action: 'APPROVE', actor_id: 'policy', actor_role: 'SYSTEM', note: 'auto-approved by the instrument\'s policy' }, now);
  }).catch(async (error: unknown) => {
    // two requests with one idempotency key at once: the one that lost (on the key, or on the
    // slot the other just took) returns the winner's booking
    if (error instanceof BookingRuleError && (error.code === 'IDEMPOTENCY_RACE' || error.code === 'BOOKING_CONFLICT') && input.idempotencyKey) {
      const winner = await bookingByIdempotencyKey(db, claims.sub, input.idempotencyKey);
      if (winner && winner.request_fingerprint === print) return;
    }
    throw error;
  });
  const stored = (await loadBookings(db, [id])).get(id) ?? (input.idempotencyKey ? await bookingByIdempotencyKey(db, claims.sub, input.idempotencyKey) : null);
  if (!stored) throw new Error(`booking ${id} vanished after it was written`);
  const created = stored.id === id;
  // auto-approved: into the owner's system now, or cancelled if it will not take it
  if (created && stored.status === 'CONFIRMED') return { booking: await writeBackConfirmed(deps, stored), created };
  return { booking: stored, created };
}
