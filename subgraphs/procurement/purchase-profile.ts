/**
 * What a planned purchase is, as the review compares it: the thesaurus types its name names
 * (however the applicant wrote it: Chinese, English, abbreviation, with typos), the types that
 * would provide the same capability, its model, maker and key figures.
 */
import type { InstrumentClassKey } from '../../schema/classes.ts';
import { kindsNamedAfter, recognizeInstrumentTypes } from '../../schema/instrument-type-recognition.ts';
import { correctSpelling } from '../../schema/instrument-type-spelling.ts';
import { relatedTypes, withNarrowerTypes } from '../../schema/instrument-types.ts';
import { modelFamily, modelKeyWithoutMaker } from './model-family.ts';
import { specFigures, type SpecFigure } from './spec-figures.ts';

export interface PlannedPurchase {
  name: string;
  model?: string | null;
  manufacturer?: string | null;
  instrumentClass?: InstrumentClassKey | null;
  /** yuan */
  budget: number;
  institutionId?: string | null;
  district?: string | null;
  specs?: string | null;
}

export interface PurchaseProfile {
  /** types named by the purchase itself, the one the name is mainly about first */
  typeKeys: string[];
  /** how the types were found: from the name, or from instruments of the same model */
  typesFrom: 'NAME' | 'MODEL' | 'NONE';
  /** types whose instruments can do what the purchase is for (the types and narrower ones) */
  substituteTypes: string[];
  /** near types that may cover part of the need */
  relatedTypes: string[];
  modelKey: string;
  modelFamily: string | null;
  figures: SpecFigure[];
}

/**
 * Whether the name names only broad kinds ("质谱仪", "显微镜"): kinds that narrower ones are named
 * after, which the model may tell apart (an Agilent 8900 is an ICP-MS). `named` is the purchase's
 * profile from its name alone.
 */
export function namesBroadKinds(purchase: Pick<PlannedPurchase, 'name'>, named: PurchaseProfile): boolean {
  return named.typesFrom === 'NAME' && kindsNamedAfter(purchase.name).some((key) => !named.typeKeys.includes(key));
}

export function profilePurchase(purchase: PlannedPurchase, typesOfModel: readonly string[] = []): PurchaseProfile {
  const named = recognizeInstrumentTypes(correctSpelling(purchase.name)).map((t) => t.key);
  // a model that other records place among the narrower kinds of a broad name says which one is meant
  const narrower = new Set([...withNarrowerTypes(named), ...kindsNamedAfter(purchase.name)]);
  const byModel = typesOfModel.length > 0 && (named.length === 0 || typesOfModel.every((key) => narrower.has(key)));
  const typeKeys = byModel ? [...typesOfModel] : named;
  return {
    typeKeys,
    typesFrom: byModel ? 'MODEL' : named.length > 0 ? 'NAME' : 'NONE',
    substituteTypes: withNarrowerTypes(typeKeys),
    relatedTypes: relatedTypes(typeKeys),
    modelKey: modelKeyWithoutMaker(purchase.model, purchase.manufacturer),
    modelFamily: modelFamily(purchase.model),
    figures: specFigures(purchase.specs),
  };
}
