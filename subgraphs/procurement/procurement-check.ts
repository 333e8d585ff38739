/**
 * One duplicate-purchase check (查重评议): the review the budget requires, the existing
 * instruments that provide the same capability with their use over the last year, the verdict,
 * and whom to consult. Pure scoring lives in capability-match.ts and duplicate-risk.ts; this
 * wires them to the index and the usage records.
 */
import type { Knex } from 'knex';
import { badInput } from '../bad-input.ts';
import { assessCapability, SUBSTITUTE_MATCHES, type CapabilityMatch } from './capability-match.ts';
import { findCandidateRows, typesOfModel } from './candidate-query.ts';
import { assessDuplicateRisk, canBeShared, type DuplicateRisk } from './duplicate-risk.ts';
import { namesBroadKinds, profilePurchase, type PlannedPurchase } from './purchase-profile.ts';
import { requirementExplanation, reviewRequirement, type ReviewRequirement, type ReviewThresholds } from './review-requirement.ts';
import type { Utilisation } from '../usage/utilisation.ts';
import { instrumentUtilisationTotals } from '../oversight/utilisation-store.ts';
import { parsePeriod } from '../oversight/period.ts';

export const MAX_CANDIDATES = 50;
export const MAX_NAME_LENGTH = 300;

export interface CheckedCandidate {
  instrumentId: string;
  instrumentName: string;
  institutionId: string;
  sharing: 'OPEN' | 'INTERNAL' | 'CLOSED';
  match: CapabilityMatch;
  score: number;
  reasons: string[];
  usage: Utilisation;
}

export interface ProcurementCheckResult {
  purchase: PlannedPurchase;
  checkedAt: string;
  requirement: ReviewRequirement;
  requirementReason: string;
  duplicateRisk: DuplicateRisk;
  riskReasons: string[];
  recognizedTypes: string[];
  typesFrom: 'NAME' | 'MODEL' | 'NONE';
  /** how many instruments in the region provide the capability, beyond the candidates listed */
  substituteCount: number;
  candidates: CheckedCandidate[];
  consultInstitutionIds: string[];
  consultMunicipalCentre: boolean;
  usageWindow: { from: string; to: string };
}

export interface CheckOptions {
  sourceIds: readonly string[];
  thresholds: ReviewThresholds;
  now: Date;
  first: number;
}

export function checkPurchaseInput(purchase: PlannedPurchase): void {
  if (!purchase.name || purchase.name.trim() === '') throw badInput('name', 'the planned instrument needs a name');
  if (purchase.name.length > MAX_NAME_LENGTH) throw badInput('name', `longer than ${MAX_NAME_LENGTH} characters (${purchase.name.length})`);
  if (!Number.isFinite(purchase.budget)) throw badInput('budget', 'missing or not a number of yuan');
  if (purchase.budget <= 0) throw badInput('budget', `must be a positive number of yuan, got ${purchase.budget}`);
}

export async function checkPurchase(db: Knex, purchase: PlannedPurchase, options: CheckOptions): Promise<ProcurementCheckResult> {
  checkPurchaseInput(purchase);
  const first = Math.max(1, Math.min(options.first, MAX_CANDIDATES));
  // the index is asked what a model is only when the name says nothing the thesaurus knows
  const named = profilePurchase(purchase);
  const profile = named.typeKeys.length > 0 && !namesBroadKinds(purchase, named) ? named : profilePurchase(purchase, await typesOfModel(db, named.modelKey, options.sourceIds));
  const rows = await findCandidateRows(db, purchase, profile, options.sourceIds);

  // use as oversight counts it: each instrument's own opening hours, less its maintenance
  const window = parsePeriod(null, options.now);
  const figures = await instrumentUtilisationTotals(db, rows.map((r) => r.id), window, options.now);
  const scored = rows.map((row) => {
    const capability = assessCapability(purchase, profile, {
      id: row.id, name: row.name, model: row.model, modelKey: row.model_key, manufacturer: row.manufacturer,
      typeKeys: row.type_keys.length > 0 ? row.type_keys : row.model_type_keys, typesFromModel: row.type_keys.length === 0 && row.model_type_keys.length > 0, specs: row.specs, district: row.district, institutionId: row.institution_id,
    });
    const usage = figures.get(row.id)!;
    const ownedByBuyer = Boolean(purchase.institutionId) && purchase.institutionId === row.institution_id;
    const shareable = canBeShared({ sharing: row.sharing, ownedByBuyer });
    const reasons = [...capability.reasons, usageReason(usage), sharingReason(row.sharing)];
    // what could replace the purchase comes first; among equals, what can be shared and is idle
    const score = Math.round((capability.score * 0.85 + (shareable ? 0.1 : 0) + 0.05 * (1 - Math.min(1, usage.share))) * 1000) / 1000;
    return { row, capability, usage, ownedByBuyer, reasons, score };
  }).sort((a, b) => b.score - a.score || a.row.id.localeCompare(b.row.id));

  const { risk, reasons: riskReasons } = assessDuplicateRisk(scored.map((s) => ({
    match: s.capability.match, sharing: s.row.sharing, ownedByBuyer: s.ownedByBuyer, usageShare: s.usage.share,
  })));
  const requirement = reviewRequirement(purchase.budget, options.thresholds);
  const substitutes = scored.filter((s) => SUBSTITUTE_MATCHES.includes(s.capability.match));
  const consult = requirement !== 'NONE' || risk === 'HIGH' || risk === 'MEDIUM'
    ? [...new Set(substitutes.map((s) => s.row.institution_id).filter((id) => id !== purchase.institutionId))].slice(0, 10)
    : [];
  return {
    purchase,
    checkedAt: options.now.toISOString(),
    requirement,
    requirementReason: requirementExplanation(requirement, purchase.budget, options.thresholds),
    duplicateRisk: risk,
    riskReasons,
    recognizedTypes: profile.typeKeys,
    typesFrom: profile.typesFrom,
    substituteCount: substitutes.length,
    candidates: scored.slice(0, first).map((s) => ({
      instrumentId: s.row.id, instrumentName: s.row.name, institutionId: s.row.institution_id, sharing: s.row.sharing,
      match: s.capability.match, score: s.score, reasons: s.reasons, usage: s.usage,
    })),
    consultInstitutionIds: consult,
    consultMunicipalCentre: requirement !== 'NONE',
    usageWindow: { from: window.from.toISOString(), to: window.to.toISOString() },
  };
}

function usageReason(usage: Utilisation): string {
  if (usage.sessions === 0) return 'no use reported in the last 12 months';
  return `used ${usage.hoursUsed.toLocaleString('en-US')} h of ${usage.availableHours.toLocaleString('en-US')} available hours in the last 12 months (${Math.round(usage.share * 100)} %)`;
}

function sharingReason(sharing: 'OPEN' | 'INTERNAL' | 'CLOSED'): string {
  return { OPEN: 'open to other institutions (对外开放)', INTERNAL: 'shared inside its institution only (校内共享)', CLOSED: 'not shared (不共享)' }[sharing];
}
