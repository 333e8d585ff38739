/** The pure rules of the duplicate-purchase review: figures, model families, risk, thresholds. */
import { describe, expect, it } from 'vitest';
import { matchingFigures, specFigures } from '../subgraphs/procurement/spec-figures.ts';
import { modelFamily, modelKey, modelKeyWithoutMaker, sameMaker } from '../subgraphs/procurement/model-family.ts';
import { assessDuplicateRisk } from '../subgraphs/procurement/duplicate-risk.ts';
import { reviewRequirement, reviewThresholdsFromEnv } from '../subgraphs/procurement/review-requirement.ts';
import { profilePurchase } from '../subgraphs/procurement/purchase-profile.ts';

describe('spec figures', () => {
  it('reads figures with units and matches them within a quarter', () => {
    expect(specFigures('磁场强度400 MHz，梯度场强80 mT/m，3.0T').map((f) => f.text)).toEqual(['400 MHz', '80 mT/m', '3.0 T']);
    expect(specFigures('分辨率0.8 nm@15 kV').map((f) => f.text)).toEqual(['0.8 nm', '15 kV']);
    expect(matchingFigures(specFigures('400 MHz'), specFigures('磁场强度400 MHz')).length).toBe(1);
    expect(matchingFigures(specFigures('600 MHz'), specFigures('磁场强度400 MHz')).length).toBe(0);
    expect(matchingFigures(specFigures('200 kV'), specFigures('200 nm'))).toEqual([]);
  });
});

describe('model families', () => {
  it('compares models as owners write them', () => {
    expect(modelKey('JEM-2100F')).toBe(modelKey('jem 2100f'));
    expect(modelFamily('JEM-2100F')).toBe(modelFamily('JEM-F200'));
    expect(modelFamily('Talos F200X')).toBe('talos');
    expect(modelFamily('Q Exactive Plus')).toBe('qexactive');
    expect(modelKeyWithoutMaker('Agilent 8900', 'Agilent')).toBe('8900');
    expect(modelKeyWithoutMaker('Agilent 8900', null)).toBe('agilent8900');
    expect(sameMaker('Thermo Fisher', 'ThermoFisher Scientific')).toBe(true);
    expect(sameMaker('JEOL', 'Zeiss')).toBe(false);
  });
});

describe('purchase profile', () => {
  it('finds types through typos, and the more capable narrower types as substitutes', () => {
    expect(profilePurchase({ name: 'Scaning Electron Microscope', budget: 1 }).typeKeys).toEqual(['SEM']);
    expect(profilePurchase({ name: '扫描电镜', budget: 1 }).substituteTypes).toEqual(expect.arrayContaining(['SEM', 'FE_SEM', 'FIB_SEM']));
    expect(profilePurchase({ name: '场发射扫描电镜', budget: 1 }).relatedTypes).toEqual(expect.arrayContaining(['SEM', 'FIB_SEM']));
    expect(profilePurchase({ name: '电镜', model: 'X', budget: 1 }, ['TEM']).typesFrom).toBe('MODEL');
  });
});

describe('duplicate risk', () => {
  it('is HIGH only when a substitute can be shared and has idle capacity', () => {
    expect(assessDuplicateRisk([]).risk).toBe('NONE');
    expect(assessDuplicateRisk([{ match: 'RELATED_TYPE', sharing: 'OPEN', ownedByBuyer: false, usageShare: 0 }]).risk).toBe('LOW');
    expect(assessDuplicateRisk([{ match: 'SAME_TYPE', sharing: 'OPEN', ownedByBuyer: false, usageShare: 0.2 }]).risk).toBe('HIGH');
    expect(assessDuplicateRisk([{ match: 'SAME_TYPE', sharing: 'OPEN', ownedByBuyer: false, usageShare: 0.8 }]).risk).toBe('MEDIUM');
    expect(assessDuplicateRisk([{ match: 'SAME_TYPE', sharing: 'CLOSED', ownedByBuyer: false, usageShare: 0 }]).risk).toBe('MEDIUM');
    expect(assessDuplicateRisk([{ match: 'SAME_TYPE', sharing: 'CLOSED', ownedByBuyer: true, usageShare: 0.1 }]).risk).toBe('HIGH');
  });
});

describe('review requirement', () => {
  it('follows the thresholds, which the environment can change', () => {
    expect(reviewRequirement(999_999.99)).toBe('NONE');
    expect(reviewRequirement(1_000_000)).toBe('CONSULTATION');
    expect(reviewRequirement(2_500_000)).toBe('MUNICIPAL_APPROVAL');
    const strict = reviewThresholdsFromEnv({ IRHUB_REVIEW_CONSULTATION_YUAN: '500000', IRHUB_REVIEW_APPROVAL_YUAN: '2000000' });
    expect(reviewRequirement(600_000, strict)).toBe('CONSULTATION');
    expect(() => reviewThresholdsFromEnv({ IRHUB_REVIEW_CONSULTATION_YUAN: 'lots' })).toThrow(/IRHUB_REVIEW_CONSULTATION_YUAN/);
    expect(() => reviewThresholdsFromEnv({ IRHUB_REVIEW_CONSULTATION_YUAN: '3000000' })).toThrow(/must not be below/);
  });
});
