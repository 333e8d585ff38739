/**
 * Duplicate-purchase review (查重评议) through the gateway: recognition that does not depend on
 * wording, the requirement by budget, idle capacity from usage records, reviewers' decisions
 * with their audit trail, plans with broken items, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_TARGETS, ADD_SOURCE, addSourceInput, startTestHub, type TestHub } from './support/test-hub.ts';
import { writeSheet } from './support/source-fixtures.ts';
import { insertUsageSessions, type UsageSession } from '../subgraphs/usage/usage-store.ts';
import { openIntervals } from '../schema/opening-hours.ts';
import { lastTwelveMonths } from '../subgraphs/usage/utilisation.ts';

const OWNERS = [
  ['P-1', '透射电镜', '', 'H-9500', 'Hitachi', '分析仪器', '650', '2018-06-01', '南方科技大学', '高等院校', '南山区', '对外开放', '在用', '1200'],
  ['P-2', '场发射透射电子显微镜', '', 'Talos F200X', 'Thermo Fisher', '分析仪器', '1200', '2020-01-01', '深圳大学', '高等院校', '南山区', '校内共享', '在用', '1500'],
  // recorded by a model alone that no product line names: still a TEM, because other records of that model are
  ['P-3', 'H-9500', '', '', 'Hitachi', '分析仪器', '600', '2015-01-01', '深圳湾实验室', '科研院所', '光明区', '不共享', '闲置', '1000'],
  ['P-4', '核磁共振成像系统', '', 'MAGNETOM Prisma', 'Siemens', '医学科研仪器', '2000', '2019-01-01', '深圳市人民医院', '医疗机构', '罗湖区', '对外开放', '在用', '3000'],
  ['P-5', '400M核磁共振波谱仪', '', 'AVANCE NEO 400', 'Bruker', '分析仪器', '400', '2019-01-01', '南方科技大学', '高等院校', '南山区', '对外开放', '闲置', '500'],
  ['P-6', '场发射扫描电镜', '', 'Sigma 300', 'Zeiss', '分析仪器', '300', '2019-01-01', '深圳大学', '高等院校', '南山区', '对外开放', '闲置', '400'],
];

const CHECK = `query ($input: PlannedPurchaseInput!) { procurementCheck(input: $input) {
  id requirement consultMunicipalCentre duplicateRisk riskReasons recognizedTypes { key } recognizedFrom
  consult { id name }
  candidates { score match reasons sharing owner { name } instrument { id name institution { name } } usage { hoursUsed availableHours share sessions } }
} }`;

interface Candidate { score: number; match: string; reasons: string[]; sharing: string; owner: { name: string }; instrument: { id: string; name: string; institution: { name: string } }; usage: { hoursUsed: number; availableHours: number; share: number; sessions: number } }
interface Check { id: string; requirement: string; consultMunicipalCentre: boolean; duplicateRisk: string; riskReasons: string[]; recognizedTypes: Array<{ key: string }>; recognizedFrom: string; consult: Array<{ id: string; name: string }>; candidates: Candidate[] }

describe.each(DATABASE_TARGETS)('duplicate-purchase review ($name)', (target) => {
  let hub: TestHub;
  const check = async (input: Record<string, unknown>, token?: string | null) => {
    const response = await hub.gql<{ procurementCheck: Check }>(CHECK, { input }, token);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!.procurementCheck;
  };
  const storedChecks = async () => Number((await hub.database.db('procurement_checks').count('* as n'))[0].n);

  beforeAll(async () => {
    hub = await startTestHub(target);
    const added = await hub.gql(ADD_SOURCE, addSourceInput('owners', 'SPREADSHEET', { file: writeSheet(hub.dataDir, 'owners.csv', OWNERS) }));
    expect(added.errors).toBeUndefined();
  });
  afterAll(async () => hub?.close());

  it('finds a TEM however it was recorded, and nothing of another type', async () => {
    const result = await check({ name: 'Transmission Electron Microscope', budget: '8000000' });
    expect(result.recognizedTypes.map((t) => t.key)).toEqual(['TEM']);
    expect(result.candidates.map((c) => c.instrument.id).sort()).toEqual(['owners:P-1', 'owners:P-2', 'owners:P-3']);
    expect(result.candidates.every((c) => c.match === 'SAME_TYPE')).toBe(true);
    const byModel = result.candidates.find((c) => c.instrument.id === 'owners:P-3')!;
    expect(byModel.reasons.join(' ')).toContain('model');
    // the open, idle one first; the reasons a reviewer quotes name the owner's sharing
    expect(result.candidates[0].instrument.id).toBe('owners:P-1');
    expect(result.candidates[0].reasons).toContain('open to other institutions (对外开放)');
    expect(result.candidates[0].owner.name).toBe('南方科技大学');
  });

  it('recognises a purchase by its model when the name says little, and a different model of the same type still counts', async () => {
    const vague = await check({ name: '电镜', model: 'H 9500', manufacturer: 'Hitachi', budget: '6000000' });
    expect(vague.recognizedFrom).toBe('MODEL');
    expect(vague.recognizedTypes.map((t) => t.key)).toEqual(['TEM']);
    expect(vague.candidates.slice(0, 2).map((c) => c.instrument.id).sort()).toEqual(['owners:P-1', 'owners:P-3']);
    expect(vague.candidates[0].reasons.some((r) => r.startsWith('same model'))).toBe(true);
    const otherModel = await check({ name: '球差校正透射电镜', model: 'JEM-ARM300F2', manufacturer: 'JEOL', budget: '30000000' });
    expect(otherModel.candidates.map((c) => c.instrument.id)).toContain('owners:P-2');
    expect(otherModel.duplicateRisk).toBe('HIGH');
  });

  it('keeps 核磁共振成像 and 核磁共振波谱 apart', async () => {
    const mri = await check({ name: '核磁共振成像', budget: '20000000' });
    expect(mri.candidates.map((c) => c.instrument.id)).toEqual(['owners:P-4']);
    const nmr = await check({ name: '核磁共振波谱仪', budget: '4000000' });
    expect(nmr.candidates.map((c) => c.instrument.id)).toEqual(['owners:P-5']);
    const none = await check({ name: '扫描隧道显微镜', budget: '5000000' });
    expect(none.duplicateRisk).toBe('NONE');
    expect(none.candidates).toEqual([]);
  });

  it('requires consultation from 1 million yuan and municipal approval from 2.5 million', async () => {
    const at = async (budget: string) => (await check({ name: '场发射扫描电镜', budget }));
    expect((await at('999999.99')).requirement).toBe('NONE');
    const consult = await at('1000000');
    expect(consult.requirement).toBe('CONSULTATION');
    expect(consult.consultMunicipalCentre).toBe(true);
    expect(consult.consult.map((i) => i.name)).toEqual(['深圳大学']);
    expect((await at('2500000')).requirement).toBe('MUNICIPAL_APPROVAL');
  });

  it('answers an anonymous caller without storing anything; storing and large plans need a token', async () => {
    const stored = await storedChecks();
    const anonymous = await hub.gql<{ procurementCheck: { id: string; stored: boolean; duplicateRisk: string } }>('query ($input: PlannedPurchaseInput!) { procurementCheck(input: $input) { id stored duplicateRisk } }', { input: { name: '透射电镜', budget: '8000000', institutionId: 'inst-any' } }, null);
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data?.procurementCheck).toMatchObject({ stored: false, duplicateRisk: 'HIGH' });
    expect((await hub.gql<{ storedProcurementCheck: unknown }>('query ($id: ID!) { storedProcurementCheck(id: $id) { id } }', { id: anonymous.data!.procurementCheck.id })).data?.storedProcurementCheck).toBeNull();
    const askedToStore = await hub.gql('query ($input: PlannedPurchaseInput!) { procurementCheck(input: $input, store: true) { id } }', { input: { name: '透射电镜', budget: '8000000' } }, null);
    expect(askedToStore.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(askedToStore.errors?.[0].message).toContain('needs a bearer token');
    const PLAN = 'query ($items: [PlannedPurchaseInput!]!) { procurementPlanCheck(items: $items) { index error check { stored } } }';
    const item = (n: number) => ({ name: `透射电镜 ${n}`, budget: '3000000', institutionId: 'inst-any' });
    const small = await hub.gql<{ procurementPlanCheck: Array<{ check: { stored: boolean } }> }>(PLAN, { items: Array.from({ length: 20 }, (_, n) => item(n)) }, null);
    expect(small.errors).toBeUndefined();
    expect(small.data?.procurementPlanCheck.every((r) => r.check.stored === false)).toBe(true);
    const large = await hub.gql(PLAN, { items: Array.from({ length: 21 }, (_, n) => item(n)) }, null);
    expect(large.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(large.errors?.[0].message).toContain('without a bearer token a plan has at most 20 items, got 21');
    expect(await storedChecks()).toBe(stored);
    // signed in, the same check is stored for the reviewers
    const signedIn = await hub.gql<{ procurementCheck: { stored: boolean } }>('query ($input: PlannedPurchaseInput!) { procurementCheck(input: $input) { stored } }', { input: { name: '透射电镜', budget: '8000000' } });
    expect(signedIn.data?.procurementCheck.stored).toBe(true);
    expect(await storedChecks()).toBe(stored + 1);
  });

  it('weighs idle capacity from usage records, merging overlapping reports', async () => {
    const before = await check({ name: 'FE-SEM', budget: '3000000' });
    expect(before.duplicateRisk).toBe('HIGH');
    expect(before.candidates[0].usage.sessions).toBe(0);
    // the SEM is used every opening hour of the last year, reported twice (meter and logbook)
    const window = lastTwelveMonths(new Date());
    const sessions: UsageSession[] = openIntervals(window.from, window.to).flatMap((slot) => ['METER', 'LOGBOOK'].map((evidence) => ({
      instrumentId: 'owners:P-6', startedAt: slot.from, endedAt: slot.to, userKind: 'EXTERNAL' as const, reportedBy: 'owners', evidence,
    })));
    await insertUsageSessions(hub.database.db, sessions);
    const after = await check({ name: 'FE-SEM', budget: '3000000' });
    const sem = after.candidates[0];
    expect(sem.usage.sessions).toBe(sessions.length);
    // every open hour, each reported twice, counts once
    expect(sem.usage.share).toBe(1);
    expect(sem.usage.hoursUsed).toBe(sem.usage.availableHours);
    expect(after.duplicateRisk).toBe('MEDIUM');
    expect(after.riskReasons.join(' ')).toContain('busy');
  });

  it('records reviewers\' decisions with the check as it was, and lists pending and decided reviews', async () => {
    const checked = await check({ name: 'Transmission Electron Microscope', budget: '8000000' });
    const DECIDE = `mutation ($input: ProcurementDecisionInput!) { decideProcurementCheck(input: $input) {
      id decision reason decidedBy decidedAt check { id duplicateRisk candidates { instrument { id } } } } }`;
    const REVIEWS = `query ($status: ProcurementReviewStatus) { procurementReviews(status: $status, first: 200) { id reviewStatus decisions { decision } } }`;

    const anonymous = await hub.gql(DECIDE, { input: { checkId: checked.id, decision: 'APPROVE', reason: 'ok' } }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await hub.gql(DECIDE, { input: { checkId: 'pc_nope', decision: 'APPROVE', reason: 'ok' } });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(unknown.errors?.[0].message).toContain('pc_nope');
    const noReason = await hub.gql(DECIDE, { input: { checkId: checked.id, decision: 'APPROVE', reason: '  ' } });
    expect(noReason.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const moreInfo = await hub.gql<{ decideProcurementCheck: { decision: string; decidedBy: string } }>(DECIDE, { input: { checkId: checked.id, decision: 'NEED_MORE_INFO', reason: '请说明与南科大H-9500的差异' } });
    expect(moreInfo.data?.decideProcurementCheck.decidedBy).toBe('admin');
    let pending = await hub.gql<{ procurementReviews: Array<{ id: string; reviewStatus: string }> }>(REVIEWS, { status: 'PENDING' });
    expect(pending.data?.procurementReviews.map((r) => r.id)).toContain(checked.id);

    const shared = await hub.gql<{ decideProcurementCheck: { decision: string; check: { id: string; candidates: Array<{ instrument: { id: string } }> } } }>(DECIDE, { input: { checkId: checked.id, decision: 'SHARE_INSTEAD', reason: '南方科技大学的透射电镜对外开放且有空闲机时' } });
    expect(shared.data?.decideProcurementCheck.check.candidates.map((c) => c.instrument.id)).toEqual(checked.candidates.map((c) => c.instrument.id));
    pending = await hub.gql(REVIEWS, { status: 'PENDING' });
    expect(pending.data?.procurementReviews.map((r) => r.id)).not.toContain(checked.id);
    const decided = await hub.gql<{ procurementReviews: Array<{ id: string; reviewStatus: string; decisions: Array<{ decision: string }> }> }>(REVIEWS, { status: 'DECIDED' });
    const review = decided.data?.procurementReviews.find((r) => r.id === checked.id);
    expect(review?.reviewStatus).toBe('DECIDED');
    expect(review?.decisions.map((d) => d.decision)).toEqual(['NEED_MORE_INFO', 'SHARE_INSTEAD']);
    const listAnonymously = await hub.gql(REVIEWS, { status: 'PENDING' }, null);
    expect(listAnonymously.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('checks a plan item by item, reporting the broken ones', async () => {
    const PLAN = `query ($items: [PlannedPurchaseInput!]!) { procurementPlanCheck(items: $items) { index error check { requirement duplicateRisk recognizedTypes { key } } } }`;
    const stored = await storedChecks();
    const result = await hub.gql<{ procurementPlanCheck: Array<{ index: number; error: string | null; check: { requirement: string; duplicateRisk: string; recognizedTypes: Array<{ key: string }> } | null }> }>(PLAN, { items: [
      { name: '透射电子显微镜', budget: '9000000' },
      { name: 'NMR', budget: '-5' },
      { name: '原子力显微镜', budget: '1200000' },
    ] });
    expect(result.errors).toBeUndefined();
    const items = result.data!.procurementPlanCheck;
    expect(items.map((i) => i.index)).toEqual([0, 1, 2]);
    expect(items[0].check?.recognizedTypes.map((t) => t.key)).toEqual(['TEM']);
    expect(items[1].check).toBeNull();
    expect(items[1].error).toMatch(/item 2 \(NMR\): budget: must be a positive number/);
    expect(items[2].check?.duplicateRisk).toBe('NONE');
    expect(await storedChecks()).toBe(stored + 2);
  });

  it('refuses bad purchases with an error naming the field, storing nothing', async () => {
    const stored = await storedChecks();
    const negative = await hub.gql(CHECK, { input: { name: 'TEM', budget: '-100' } });
    expect(negative.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(negative.errors?.[0].message).toContain('budget');
    const missing = await hub.gql(CHECK, { input: { name: 'TEM' } });
    expect(missing.errors?.[0].message).toContain('budget');
    const unknownClass = await hub.gql(CHECK, { input: { name: 'TEM', budget: '100', instrumentClass: 'MAGIC' } });
    expect(unknownClass.errors?.[0].message).toContain('MAGIC');
    const blank = await hub.gql(CHECK, { input: { name: '  ', budget: '100' } });
    expect(blank.errors?.[0].message).toContain('name');
    const notMoney = await hub.gql(CHECK, { input: { name: 'TEM', budget: 'a lot' } });
    expect(notMoney.errors?.[0].message).toContain('Decimal');
    expect(await storedChecks()).toBe(stored);
  });
});
