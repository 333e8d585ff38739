/**
 * What a planned purchase is, as the review compares it: the thesaurus types its name names
 * (however the applicant wrote it: Chinese, English, abbreviation, with typos), the types that
 * would provide the same capability, its model, maker and key figures.
 */
import type { InstrumentClassKey } from '../../schema/classes.ts';
import { recognizeInstrumentTypes } from '../../schema/instrument-type-recognition.ts';
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

export function profilePurchase(purchase: PlannedPurchase, typesOfModel: readonly string[] = []): PurchaseProfile {
  const named = recognizeInstrumentTypes(correctSpelling(purchase.name)).map((t) => t.key);
  const typeKeys = named.length > 0 ? named : [...typesOfModel];
  return {
    typeKeys,
    typesFrom: named.length > 0 ? 'NAME' : typeKeys.length > 0 ? 'MODEL' : 'NONE',
    substituteTypes: withNarrowerTypes(typeKeys),
    relatedTypes: relatedTypes(typeKeys),
    modelKey: modelKeyWithoutMaker(purchase.model, purchase.manufacturer),
    modelFamily: modelFamily(purchase.model),
    figures: specFigures(purchase.specs),
  };
}
