/**
 * Which review a planned purchase needs by its budget. The rules in force: a single item of
 * 1 million yuan or more needs written consultation of other institutions and the municipal
 * instrument centre; 2.5 million or more also needs municipal approval. The thresholds are
 * configurable because the rules change by city and by year.
 */
export type ReviewRequirement = 'NONE' | 'CONSULTATION' | 'MUNICIPAL_APPROVAL';

export interface ReviewThresholds {
  /** yuan at and above which other institutions and the centre must be consulted */
  consultation: number;
  /** yuan at and above which the municipality must approve */
  municipalApproval: number;
}

export const DEFAULT_REVIEW_THRESHOLDS: ReviewThresholds = { consultation: 1_000_000, municipalApproval: 2_500_000 };

export function reviewRequirement(budget: number, thresholds: ReviewThresholds = DEFAULT_REVIEW_THRESHOLDS): ReviewRequirement {
  if (budget >= thresholds.municipalApproval) return 'MUNICIPAL_APPROVAL';
  if (budget >= thresholds.consultation) return 'CONSULTATION';
  return 'NONE';
}

export function requirementExplanation(requirement: ReviewRequirement, budget: number, thresholds: ReviewThresholds): string {
  const wan = (yuan: number) => `${(yuan / 10_000).toLocaleString('en-US', { maximumFractionDigits: 2 })} 万元`;
  switch (requirement) {
    case 'MUNICIPAL_APPROVAL': return `budget ${wan(budget)} ≥ ${wan(thresholds.municipalApproval)}: written consultation and municipal approval (市级审批)`;
    case 'CONSULTATION': return `budget ${wan(budget)} ≥ ${wan(thresholds.consultation)}: written consultation of other institutions and the municipal instrument centre (书面征询)`;
    case 'NONE': return `budget ${wan(budget)} < ${wan(thresholds.consultation)}: no duplicate-purchase review required`;
  }
}

/** Thresholds from IRHUB_REVIEW_CONSULTATION_YUAN / IRHUB_REVIEW_APPROVAL_YUAN, else the defaults. */
export function reviewThresholdsFromEnv(env: NodeJS.ProcessEnv = process.env): ReviewThresholds {
  const read = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of yuan, got "${text}"`);
    return value;
  };
  const thresholds = {
    consultation: read('IRHUB_REVIEW_CONSULTATION_YUAN', DEFAULT_REVIEW_THRESHOLDS.consultation),
    municipalApproval: read('IRHUB_REVIEW_APPROVAL_YUAN', DEFAULT_REVIEW_THRESHOLDS.municipalApproval),
  };
  if (thresholds.municipalApproval < thresholds.consultation) {
    throw new Error(`IRHUB_REVIEW_APPROVAL_YUAN (${thresholds.municipalApproval}) must not be below IRHUB_REVIEW_CONSULTATION_YUAN (${thresholds.consultation})`);
  }
  return thresholds;
}
