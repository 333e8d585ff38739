/**
 * On the demo's first start: the rental company becomes a lessor (terms on its instruments, a
 * lease run from request to close last month and one waiting for its quote), and the testing
 * company becomes a service agency (托管) running instruments of 深圳大学 and 南方科技大学, with
 * unified prices and a city settlement rule, so leasing, hosting and settlement show at once.
 * Everything goes through the leasing subgraph's own functions.
 */
import type { Knex } from 'knex';
import type { HubClaims } from '../../subgraphs/auth/hub-claims.ts';
import { hostInstrument, registerAgency, setUnifiedRate } from '../../subgraphs/leasing/hosting.ts';
import { formatLeaseDate, shanghaiToday } from '../../subgraphs/leasing/lease-days.ts';
import type { LeaseTerms } from '../../subgraphs/leasing/lease-quote.ts';
import { saveLeaseTerms } from '../../subgraphs/leasing/lease-store.ts';
import { applyLeaseAction, requestLease } from '../../subgraphs/leasing/lease-workflow.ts';
import { addSettlementRule } from '../../subgraphs/leasing/settlement-rules.ts';
import { institutionIdFor } from '../../subgraphs/registry/institution-identity.ts';
import { DEMO_USERS } from './demo-users.ts';

export const DEMO_LESSOR = '深圳市科仪共享服务有限公司';
export const DEMO_AGENCY = '深圳华测检测技术股份有限公司';
const HOSTING_OWNERS = ['深圳大学', '南方科技大学'];
const DAY_MS = 86_400_000;

const CITY: HubClaims = { sub: 'demo-city', role: 'ADMIN', institutionId: null };

function claimsOf(userId: string): HubClaims {
  const user = DEMO_USERS.find((u) => u.id === userId)!;
  return { sub: user.id, role: user.role, institutionId: user.institutionId ?? institutionIdFor(user.institution) };
}

interface Candidate { id: string; original_value: string | null; external_rate: string | null }

/** A day's rent of about six hours at the hourly rate, a deposit of a tenth of the value (at most 50,000 yuan). */
function termsFor(instrument: Candidate): LeaseTerms {
  const value = Number(instrument.original_value ?? 0);
  const dailyYuan = Math.max(100, Math.round(instrument.external_rate ? Number(instrument.external_rate) * 6 : value / 2000));
  return {
    dailyRateFen: dailyYuan * 100, depositFen: Math.min(Math.round(value * 0.1), 50_000) * 100, minDays: value >= 1_000_000 ? 7 : 3, maxDays: 90,
    delivery: value >= 500_000 ? ['PICKUP', 'DELIVERY', 'INSTALLED'] : ['PICKUP', 'DELIVERY'],
    deliveryFeeFen: 30_000, installationFeeFen: 200_000, lateDailyRateFen: Math.round(dailyYuan * 1.5) * 100, voucherEligible: true,
  };
}

export async function seedDemoLeasing(db: Knex, now: Date): Promise<string> {
  const lessor = institutionIdFor(DEMO_LESSOR);
  const leasable = await db('instruments').where({ institution_id: lessor, sharing: 'OPEN' }).whereNot('declared_status', 'RETIRED')
    .orderBy('id').limit(15).select('id', 'original_value', 'external_rate') as Candidate[];
  for (const instrument of leasable) await saveLeaseTerms(db, instrument.id, termsFor(instrument), 'demo', now);

  const agencyId = institutionIdFor(DEMO_AGENCY);
  await registerAgency(db, { institutionId: agencyId, name: '华测仪器服务中心' }, CITY.sub, now);
  let hosted = 0;
  for (const owner of HOSTING_OWNERS) {
    // the big imaging and analysis instruments are what owners hand to an agency
    const instruments = await db('instruments').where({ institution_id: institutionIdFor(owner), sharing: 'OPEN' }).whereNot('declared_status', 'RETIRED')
      .orderByRaw(`(name like '%磁共振%' or instrument_class = 'MEDICAL_RESEARCH') desc, original_value desc nulls last, id`).limit(3).select('id', 'external_rate') as Candidate[];
    for (const instrument of instruments) {
      await hostInstrument(db, CITY, instrument.id, agencyId, now);
      if (instrument.external_rate) await setUnifiedRate(db, instrument.id, Math.round(Number(instrument.external_rate) * 90));
      hosted++;
    }
  }
  await addSettlementRule(db, CITY, { instrumentClass: 'MEDICAL_RESEARCH', shares: { owner: 4500, agency: 3500, platform: 1000, subsidy: 1000 } }, now);

  let leases = 0;
  const first = leasable.find((c) => termsFor(c).minDays === 3);
  if (first) {
    const today = shanghaiToday(now);
    const lessee = claimsOf('wang.fang');
    const staff = claimsOf('zhou.min');
    const then = new Date(now.getTime() - 40 * DAY_MS);
    const lease = await requestLease(db, lessee, { instrumentId: first.id, startDate: formatLeaseDate(today - 35), endDate: formatLeaseDate(today - 22), delivery: 'DELIVERY', purpose: '电池材料中试线现场检测' }, then);
    await applyLeaseAction(db, staff, lease.id, 'QUOTE', {}, then);
    await applyLeaseAction(db, lessee, lease.id, 'CONFIRM', {}, then);
    await applyLeaseAction(db, staff, lease.id, 'DELIVER', {}, new Date(now.getTime() - 35 * DAY_MS));
    await applyLeaseAction(db, staff, lease.id, 'RETURN', { returnedOn: formatLeaseDate(today - 20), note: '客户延期两天归还' }, now);
    await applyLeaseAction(db, staff, lease.id, 'CLOSE', {}, now);
    await requestLease(db, claimsOf('liu.yang'), { instrumentId: first.id, startDate: formatLeaseDate(today + 7), endDate: formatLeaseDate(today + 20), delivery: 'PICKUP', purpose: '野外站点样品快速筛查' }, now);
    leases = 2;
  }
  return `demo: ${leasable.length} instruments of ${DEMO_LESSOR} offered for lease, ${leases} leases; ${hosted} instruments of ${HOSTING_OWNERS.join(' and ')} hosted by ${DEMO_AGENCY}`;
}
