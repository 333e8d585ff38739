/**
 * How far an existing instrument provides what a planned purchase is for, with the reasons a
 * reviewer reads. The type decides (a purchase is a duplicate of an instrument that does the
 * same work, whatever either is called); model, maker, figures and district refine the order.
 */
import { instrumentTypeByKey } from '../../schema/instrument-types.ts';
import { sameMaker, modelFamily } from './model-family.ts';
import type { PlannedPurchase, PurchaseProfile } from './purchase-profile.ts';
import { matchingFigures, specFigures } from './spec-figures.ts';

/** SAME_TYPE, MORE_CAPABLE_TYPE and SAME_MODEL are substitutes; the others only related. */
export type CapabilityMatch = 'SAME_MODEL' | 'SAME_TYPE' | 'MORE_CAPABLE_TYPE' | 'RELATED_TYPE' | 'SHARED_WORDS';

export const SUBSTITUTE_MATCHES: readonly CapabilityMatch[] = ['SAME_MODEL', 'SAME_TYPE', 'MORE_CAPABLE_TYPE'];

export interface ExistingInstrument {
  id: string;
  name: string;
  model: string | null;
  modelKey: string;
  manufacturer: string | null;
  typeKeys: readonly string[];
  /** the types come from other records of its model, its name names none */
  typesFromModel: boolean;
  specs: string | null;
  district: string | null;
  institutionId: string;
}

export interface CapabilityAssessment {
  match: CapabilityMatch;
  /** 0–1 */
  score: number;
  reasons: string[];
}

const BASE: Record<CapabilityMatch, number> = { SAME_MODEL: 0.7, SAME_TYPE: 0.6, MORE_CAPABLE_TYPE: 0.55, RELATED_TYPE: 0.3, SHARED_WORDS: 0.15 };

const typeLabel = (key: string) => {
  const type = instrumentTypeByKey(key);
  return type ? `${type.zh} (${type.abbreviations[0] ?? type.en})` : key;
};

export function assessCapability(purchase: PlannedPurchase, profile: PurchaseProfile, existing: ExistingInstrument): CapabilityAssessment {
  const reasons: string[] = [];
  const sameType = existing.typeKeys.find((k) => profile.typeKeys.includes(k));
  const moreCapable = existing.typeKeys.find((k) => profile.substituteTypes.includes(k));
  const related = existing.typeKeys.find((k) => profile.relatedTypes.includes(k));
  const sameModel = profile.modelKey.length >= 3 && profile.modelKey === existing.modelKey;

  let match: CapabilityMatch;
  if (sameType) {
    match = 'SAME_TYPE';
    reasons.push(`same instrument type: ${typeLabel(sameType)}${existing.typesFromModel ? ` (recorded as "${existing.name}"; other records of model ${existing.model ?? existing.name} are ${typeLabel(sameType)})` : ''}`);
  } else if (moreCapable) {
    match = 'MORE_CAPABLE_TYPE';
    reasons.push(`a ${typeLabel(moreCapable)} does the work of a ${typeLabel(instrumentTypeByKey(moreCapable)!.broader!)}`);
  } else if (sameModel) {
    match = 'SAME_MODEL';
  } else if (related) {
    match = 'RELATED_TYPE';
    reasons.push(`related type: ${typeLabel(related)}, not the same capability`);
  } else {
    match = 'SHARED_WORDS';
    reasons.push('shares words with the planned name only; no instrument type recognised in common');
  }

  let score = BASE[match];
  // an instrument mainly of the purchase's main type ranks above one that only also does it (a TGA/DSC for a DSC)
  if (sameType && existing.typeKeys[0] === profile.typeKeys[0]) score += 0.05;
  if (sameModel) {
    score += match === 'SAME_MODEL' ? 0 : 0.2;
    reasons.push(`same model: ${existing.model ?? existing.name}`);
  } else if (sameMaker(purchase.manufacturer, existing.manufacturer)) {
    const family = profile.modelFamily;
    if (family && family === modelFamily(existing.model)) {
      score += 0.12;
      reasons.push(`same maker and model family: ${existing.manufacturer} ${existing.model}`);
    } else {
      score += 0.05;
      reasons.push(`same maker: ${existing.manufacturer}`);
    }
  }
  const figures = matchingFigures(profile.figures, specFigures(existing.specs));
  if (figures.length > 0) {
    score += Math.min(0.1, 0.05 * figures.length);
    reasons.push(`matching specs: ${figures.map((f) => f.text).join(', ')}`);
  }
  if (purchase.institutionId && purchase.institutionId === existing.institutionId) {
    score += 0.05;
    reasons.push("owned by the buyer's own institution");
  } else if (purchase.district && purchase.district === existing.district) {
    score += 0.03;
    reasons.push(`same district: ${existing.district}`);
  }
  return { match, score: Math.min(1, Math.round(score * 1000) / 1000), reasons };
}
