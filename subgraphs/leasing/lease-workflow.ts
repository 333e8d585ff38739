/**
 * requestLease and every later step of a lease. A request is checked against the lessor's terms
 * before anything is written; from CONFIRMED on, the lease holds its days, and the database
 * decides the race between two leases (exclusion constraint) or a lease and bookings (triggers).
 * Each step runs under a row lock and is recorded with who and when.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { HubClaims } from '../auth/hub-claims.ts';
import { badInput } from '../bad-input.ts';
import { BookingRuleError } from '../booking/booking-lifecycle.ts';
import { formatYuan } from '../booking/pricing.ts';
import { redeem, refund, usableVoucher } from '../booking/vouchers.ts';
import { hostingAgencyOf, isHostingStaff } from './hosting.ts';
import { formatLeaseDate, parseLeaseDate, shanghaiMidnight, shanghaiToday } from './lease-days.ts';
import { mayPerformOnLease, nextLeaseStatus, type LeaseAction, type LeaseActor } from './lease-lifecycle.ts';
import { DELIVERY_METHODS, fenOf, lateReturn, quoteLease, type DeliveryMethod, type LeaseTerms, type LeaseVoucher } from './lease-quote.ts';
import { leaseByIdempotencyKey, leaseTermsOf, loadLeases, lockLease, recordLeaseEvent, saveLeaseTerms, updateLease, type LeaseRow } from './lease-store.ts';
import { settleLease } from './settlements.ts';

export interface LeaseRequestInput { instrumentId: string; startDate: string; endDate: string; delivery: DeliveryMethod; purpose: string; idempotencyKey?: string | null }

/** What the lessor or the lessee adds to a step: a delivery fee for this site, the return day, deposit kept back. */
export interface LeaseStepInput { note?: string | null; deliveryFee?: string | null; returnedOn?: string | null; depositKept?: string | null }

const rule = (code: string, message: string) => new BookingRuleError(code, message);

/** Who the caller is to this lease: the lessor's staff (the owner's, or the hosting agency's), the lessee, the city. */
export function leaseActorFor(claims: HubClaims, lease: Pick<LeaseRow, 'lessee_id' | 'lessor_institution_id'>, hostingAgencyId: string | null): LeaseActor | null {
  if (claims.role === 'ADMIN') return 'ADMIN';
  if (claims.role === 'INSTITUTION_STAFF' && claims.institutionId === lease.lessor_institution_id) return 'LESSOR';
  if (isHostingStaff(claims, hostingAgencyId)) return 'LESSOR';
  if (claims.sub === lease.lessee_id) return 'LESSEE';
  return null;
}

async function voucherFor(db: Knex | Knex.Transaction, institutionId: string, external: boolean, now: Date): Promise<LeaseVoucher | null> {
  const voucher = external ? await usableVoucher(db, institutionId, now) : null;
  return voucher ? { id: voucher.id, balanceFen: fenOf(voucher.balance), coverShare: voucher.cover_share } : null;
}

export async function requestLease(db: Knex, claims: HubClaims, input: LeaseRequestInput, now: Date): Promise<LeaseRow> {
  if (!claims.institutionId) throw rule('FORBIDDEN', `${claims.sub} acts for no institution and cannot lease; lease as a user`);
  const startDay = parseLeaseDate('startDate', input.startDate);
  const endDay = parseLeaseDate('endDate', input.endDate);
  if (endDay < startDay) throw badInput('endDate', `${input.endDate} is before startDate ${input.startDate}`);
  if (startDay < shanghaiToday(now)) throw badInput('startDate', `${input.startDate} is in the past (today is ${formatLeaseDate(shanghaiToday(now))} in Shanghai)`);
  if (!DELIVERY_METHODS.includes(input.delivery)) throw badInput('delivery', `one of ${DELIVERY_METHODS.join(', ')}`);
  const purpose = input.purpose.trim();
  if (!purpose) throw badInput('purpose', 'say what the instrument is for (it goes to the lessor)');
  if (purpose.length > 2000) throw badInput('purpose', `at most 2,000 characters, got ${purpose.length}`);
  if (input.idempotencyKey != null && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 200)) throw badInput('idempotencyKey', '1 to 200 characters');
  const print = createHash('sha256').update(JSON.stringify([input.instrumentId, input.startDate, input.endDate, input.delivery, purpose])).digest('hex');
  if (input.idempotencyKey) {
    const earlier = await leaseByIdempotencyKey(db, claims.sub, input.idempotencyKey);
    if (earlier) {
      if (earlier.request_fingerprint !== print) throw rule('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${input.idempotencyKey}" was used for a different request (lease ${earlier.id})`);
      return earlier;
    }
  }
  const instrument = await db('instruments').where({ id: input.instrumentId }).first('id', 'name', 'institution_id', 'declared_status') as { id: string; name: string; institution_id: string; declared_status: string } | undefined;
  if (!instrument) throw badInput('instrumentId', `no instrument ${input.instrumentId}`);
  const terms = (await leaseTermsOf(db, [instrument.id])).get(instrument.id);
  if (!terms) throw rule('NOT_LEASABLE', `instrumentId: ${instrument.name} (${instrument.id}) is not offered for lease`);
  if (instrument.declared_status === 'RETIRED') throw rule('NOT_LEASABLE', `instrumentId: ${instrument.name} (${instrument.id}) is retired (报废)`);
  const days = endDay - startDay + 1;
  if (days < terms.minDays) throw badInput('endDate', `the lease is ${days} day${days === 1 ? '' : 's'}; ${instrument.id} is leased for at least ${terms.minDays} (minDays)`);
  if (days > terms.maxDays) throw badInput('endDate', `the lease is ${days} days; ${instrument.id} is leased for at most ${terms.maxDays} (maxDays)`);
  if (!terms.delivery.includes(input.delivery)) throw badInput('delivery', `${instrument.id} is leased with ${terms.delivery.join(', ')}, not ${input.delivery}`);

  const external = instrument.institution_id !== claims.institutionId;
  const priced = quoteLease({ terms, days, delivery: input.delivery, voucher: await voucherFor(db, claims.institutionId, external, now) });
  const id = `ls_${randomUUID()}`;
  try {
    await db.transaction(async (trx) => {
      await trx('leases').insert({
        id, instrument_id: instrument.id, lessor_institution_id: instrument.institution_id, lessee_id: claims.sub, lessee_institution_id: claims.institutionId,
        status: 'REQUESTED', start_date: input.startDate, end_date: input.endDate,
        period: trx.raw(`tstzrange(?, ?, '[)')`, [shanghaiMidnight(startDay), shanghaiMidnight(endDay + 1)]),
        delivery: input.delivery, purpose, idempotency_key: input.idempotencyKey ?? null, request_fingerprint: print,
        quote: JSON.stringify(priced.quote), subtotal_fen: priced.subtotalFen, voucher_id: priced.quote.voucherId, voucher_fen: priced.voucherFen, created_at: now, updated_at: now,
      });
      await recordLeaseEvent(trx, { lease_id: id, from_status: null, to_status: 'REQUESTED', action: 'REQUEST', actor_id: claims.sub, actor_role: claims.role, note: null }, now);
    });
  } catch (error) {
    // the same idempotency key twice at once: the second returns the first's lease
    const winner = (error as { code?: string }).code === '23505' && input.idempotencyKey ? await leaseByIdempotencyKey(db, claims.sub, input.idempotencyKey) : null;
    if (winner?.request_fingerprint === print) return winner;
    throw error;
  }
  return (await loadLeases(db, [id])).get(id)!;
}

function optionalFen(field: string, yuan: string | null | undefined): number | null {
  if (yuan == null) return null;
  const fen = fenOf(yuan);
  if (fen < 0) throw badInput(field, `must not be negative, got ${yuan}`);
  return fen;
}

export async function applyLeaseAction(db: Knex, claims: HubClaims, leaseId: string, action: LeaseAction, step: LeaseStepInput, now: Date): Promise<LeaseRow> {
  const note = step.note?.trim() || null;
  await db.transaction(async (trx) => {
    const lease = await lockLease(trx, leaseId);
    if (!lease) throw rule('UNKNOWN_LEASE', `id: no lease ${leaseId}`);
    const actor = leaseActorFor(claims, lease, await hostingAgencyOf(trx, lease.instrument_id));
    if (!actor) throw rule('FORBIDDEN', `${claims.sub} is neither the lessee nor staff of the lessor of ${lease.instrument_id}`);
    if (!mayPerformOnLease(actor, action)) throw rule('FORBIDDEN', `the ${actor.toLowerCase()} may not ${action} a lease`);
    const to = nextLeaseStatus(lease.status, action);
    const update: Record<string, unknown> = { status: to, updated_at: now };
    const terms = (await leaseTermsOf(trx, [lease.instrument_id])).get(lease.instrument_id);
    if (action === 'REJECT' && !note) throw badInput('reason', 'a rejection needs a reason for the lessee');
    if (action === 'QUOTE') {
      if (!terms) throw rule('NOT_LEASABLE', `${lease.instrument_id} is no longer offered for lease`);
      const days = parseLeaseDate('endDate', lease.end_date) - parseLeaseDate('startDate', lease.start_date) + 1;
      const deliveryFen = optionalFen('deliveryFee', step.deliveryFee);
      if (deliveryFen !== null && lease.delivery === 'PICKUP') throw badInput('deliveryFee', 'the lessee picks the instrument up; there is nothing to deliver');
      const priced = quoteLease({ terms, days, delivery: lease.delivery, deliveryFen, voucher: await voucherFor(trx, lease.lessee_institution_id, lease.lessee_institution_id !== lease.lessor_institution_id, now) });
      Object.assign(update, { quote: JSON.stringify(priced.quote), subtotal_fen: priced.subtotalFen, voucher_id: priced.quote.voucherId, voucher_fen: priced.voucherFen });
    }
    if (action === 'CONFIRM') {
      // a quote left until its first day is gone is no offer for those days any more
      if (parseLeaseDate('startDate', lease.start_date) < shanghaiToday(now)) throw rule('LEASE_START_PASSED', `the lease was to begin on ${lease.start_date}; request new dates`);
      update.deposit_held_fen = lease.quote.deposit === null ? 0 : fenOf(lease.quote.deposit);
      if (lease.voucher_id && !(await redeem(trx, lease.voucher_id, lease.id, formatYuan(lease.voucher_fen), now))) {
        throw rule('VOUCHER_EXHAUSTED', `voucher ${lease.voucher_id} no longer covers ${formatYuan(lease.voucher_fen)} yuan; ask the lessor for a new quote`);
      }
    }
    if (action === 'CANCEL' && lease.status === 'CONFIRMED') {
      if (lease.voucher_id) await refund(trx, lease.voucher_id, lease.id, formatYuan(lease.voucher_fen), now);
      update.deposit_returned_fen = lease.deposit_held_fen;
    }
    if (action === 'RETURN') {
      if (!step.returnedOn) throw badInput('returnedOn', 'the day the instrument came back, YYYY-MM-DD');
      const returned = parseLeaseDate('returnedOn', step.returnedOn);
      if (returned < parseLeaseDate('startDate', lease.start_date)) throw badInput('returnedOn', `${step.returnedOn} is before the lease began (${lease.start_date})`);
      if (returned > shanghaiToday(now)) throw badInput('returnedOn', `${step.returnedOn} has not come yet`);
      const late = lateReturn(terms ?? { lateDailyRateFen: 0 }, parseLeaseDate('endDate', lease.end_date), returned);
      Object.assign(update, { returned_on: step.returnedOn, late_days: late.lateDays, late_charge_fen: late.chargeFen });
    }
    if (action === 'CLOSE') {
      const kept = optionalFen('depositKept', step.depositKept) ?? 0;
      const held = lease.deposit_held_fen ?? 0;
      if (kept > held) throw badInput('depositKept', `${formatYuan(kept)} is more than the deposit held (${formatYuan(held)})`);
      if (kept > 0 && !note) throw badInput('note', 'say why part of the deposit is kept');
      Object.assign(update, { deposit_kept_fen: kept, deposit_returned_fen: held - kept });
    }
    await updateLease(trx, lease, update);
    await recordLeaseEvent(trx, { lease_id: lease.id, from_status: lease.status, to_status: to, action, actor_id: claims.sub, actor_role: actor, note }, now);
    if (action === 'CLOSE') await settleLease(trx, (await loadLeases(trx, [lease.id])).get(lease.id)!, now);
  });
  return (await loadLeases(db, [leaseId])).get(leaseId)!;
}

export interface LeaseTermsInput { dailyRate: string; deposit?: string | null; minDays: number; maxDays: number; delivery: DeliveryMethod[]; deliveryFee?: string | null; installationFee?: string | null; lateDailyRate?: string | null; voucherEligible?: boolean | null }

/** The lessor's staff (owner, or hosting agency) or the city offer an instrument for lease. */
export async function setLeaseTerms(db: Knex, claims: HubClaims, instrumentId: string, input: LeaseTermsInput, now: Date): Promise<LeaseTerms> {
  const instrument = await db('instruments').where({ id: instrumentId }).first('institution_id') as { institution_id: string } | undefined;
  if (!instrument) throw badInput('instrumentId', `no instrument ${instrumentId}`);
  const lessor = claims.role === 'ADMIN' || (claims.role === 'INSTITUTION_STAFF' && claims.institutionId === instrument.institution_id) || isHostingStaff(claims, await hostingAgencyOf(db, instrumentId));
  if (!lessor) throw rule('FORBIDDEN', `only staff of ${instrumentId}'s owner or of its hosting agency set its lease terms`);
  for (const field of ['minDays', 'maxDays'] as const) {
    if (!Number.isInteger(input[field]) || input[field] < 1 || input[field] > 3660) throw badInput(field, `a whole number of days from 1 to 3,660, got ${input[field]}`);
  }
  if (input.maxDays < input.minDays) throw badInput('maxDays', `${input.maxDays} is below minDays ${input.minDays}`);
  const delivery = [...new Set(input.delivery)];
  if (delivery.length === 0) throw badInput('delivery', 'offer at least one of PICKUP, DELIVERY, INSTALLED');
  const dailyRateFen = optionalFen('dailyRate', input.dailyRate)!;
  const terms: LeaseTerms = {
    dailyRateFen, depositFen: optionalFen('deposit', input.deposit), minDays: input.minDays, maxDays: input.maxDays, delivery,
    deliveryFeeFen: optionalFen('deliveryFee', input.deliveryFee) ?? 0, installationFeeFen: optionalFen('installationFee', input.installationFee) ?? 0,
    // without a late rate of its own, a late day costs what a leased day does
    lateDailyRateFen: optionalFen('lateDailyRate', input.lateDailyRate) ?? dailyRateFen, voucherEligible: input.voucherEligible ?? true,
  };
  await saveLeaseTerms(db, instrumentId, terms, claims.sub, now);
  return terms;
}
