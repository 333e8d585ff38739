/**
 * 共享评级: the star rating the city publishes for each instrument's sharing over a year.
 *
 *   externalShare = externalHours / availableHours           (0 when nothing was available)
 *   satisfaction  = (mean rating − 1) / 4                      (0.5 when nobody rated it)
 *   score         = 70 × min(1, externalShare / 0.3) + 30 × satisfaction      (0–100)
 *   stars         = min(5, 1 + floor(score / 20))
 *   不共享 (CLOSED) instruments get 1 star whatever their score.
 *
 * Why these numbers: external use is what sharing is for, so it carries 70 points; 30 % of the
 * open hours going to other institutions is already an excellent figure for a shared instrument,
 * so it earns the full 70 and more is not rewarded further (it would favour instruments nobody
 * in the owning lab needs). Users' ratings carry the other 30, so a heavily lent instrument that
 * serves users badly cannot reach five stars. Without ratings satisfaction is neutral (0.5)
 * rather than zero: a new or rarely used instrument should not be punished for lacking reviews.
 * The score is rounded to one decimal before the stars are taken, so the published score and
 * stars always agree.
 */
import { sharingModes } from '../../schema/terms.ts';

export interface RatingInput {
  externalHours: number;
  availableHours: number;
  /** users' 1–5 ratings over the year */
  ratings: number[];
  sharing: 'OPEN' | 'INTERNAL' | 'CLOSED';
}

export type Stars = 1 | 2 | 3 | 4 | 5;

export interface SharingRating {
  stars: Stars;
  /** 0–100 */
  score: number;
  explanation: string;
}

/** External share that earns the full external-use points. */
export const FULL_EXTERNAL_SHARE = 0.3;
const EXTERNAL_POINTS = 70;
const SATISFACTION_POINTS = 30;
const NEUTRAL_SATISFACTION = 0.5;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
const round1 = (n: number) => Math.round(n * 10) / 10;
const percent = (share: number) => `${round1(share * 100)} %`;

export function externalShare(externalHours: number, availableHours: number): number {
  return availableHours > 0 ? Math.max(0, externalHours) / availableHours : 0;
}

/**
 * (mean − 1) / 4 over the valid ratings; a value outside 1–5 is a data error in the owner's
 * system, and dropping it is better than letting it push the mean outside the scale.
 */
export function satisfaction(ratings: readonly number[]): { value: number; rated: number; mean: number | null } {
  const valid = ratings.filter((r) => Number.isFinite(r) && r >= 1 && r <= 5);
  if (valid.length === 0) return { value: NEUTRAL_SATISFACTION, rated: 0, mean: null };
  const mean = valid.reduce((sum, r) => sum + r, 0) / valid.length;
  return { value: (mean - 1) / 4, rated: valid.length, mean };
}

export function starsForScore(score: number): Stars {
  return clamp(1 + Math.floor(score / 20), 1, 5) as Stars;
}

export function sharingStars(input: RatingInput): SharingRating {
  const share = externalShare(input.externalHours, input.availableHours);
  const sat = satisfaction(input.ratings);
  const externalPoints = EXTERNAL_POINTS * Math.min(1, share / FULL_EXTERNAL_SHARE);
  const satisfactionPoints = SATISFACTION_POINTS * sat.value;
  const score = clamp(round1(externalPoints + satisfactionPoints), 0, 100);
  const closed = input.sharing === 'CLOSED';
  const stars = closed ? 1 : starsForScore(score);
  const ratingText = sat.mean === null
    ? 'no ratings, satisfaction taken as neutral 0.5'
    : `mean rating ${round1(sat.mean)} of 5 from ${sat.rated} rating(s), satisfaction ${Math.round(sat.value * 100) / 100}`;
  const parts = [
    `external use ${round1(input.externalHours)} h of ${round1(input.availableHours)} h available (${percent(share)}; ${percent(FULL_EXTERNAL_SHARE)} earns the full ${EXTERNAL_POINTS}) → ${round1(externalPoints)} points`,
    `${ratingText} → ${round1(satisfactionPoints)} points`,
    `score ${score} → ${closed ? `1 star because the instrument is ${sharingModes.zh.CLOSED} (CLOSED)` : `${stars} star(s)`}`,
  ];
  return { stars, score, explanation: parts.join('; ') };
}

export interface InstitutionSharingRate {
  /** open instruments / instruments */
  instrumentShare: number;
  /** external hours / total hours */
  hourShare: number;
}

export function institutionSharingRate(input: { openInstruments: number; instruments: number; externalHours: number; totalHours: number }): InstitutionSharingRate {
  return {
    instrumentShare: input.instruments > 0 ? input.openInstruments / input.instruments : 0,
    hourShare: input.totalHours > 0 ? input.externalHours / input.totalHours : 0,
  };
}
