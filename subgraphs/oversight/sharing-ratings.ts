/**
 * 共享评级 of instruments as the API serves it: sharing-rating.ts's formula over the last twelve
 * full months — external hours and available hours from the roll-up (availability.ts), users'
 * ratings of hub bookings given in the same months.
 */
import type { Knex } from 'knex';
import { FULL_EXTERNAL_SHARE, satisfaction, sharingStars, type SharingRating } from './sharing-rating.ts';
import { ratingsOf } from './hub-bookings.ts';
import { parsePeriod } from './period.ts';
import { instrumentUtilisation } from './utilisation-store.ts';

export interface InstrumentSharingRating extends SharingRating {
  externalHours: number;
  availableHours: number;
  ratings: number;
  meanRating: number | null;
}

export const SHARING_RATING_FORMULA = [
  'Sharing stars (共享评级), per instrument over the last twelve full calendar months (Asia/Shanghai):',
  '  externalShare = externalHours / availableHours (0 when nothing was available)',
  '    externalHours: hours used by users of other institutions (reported sessions and completed bookings, overlaps merged)',
  '    availableHours: opening hours (the instrument\'s own, else Mon–Fri 09:00–18:00) minus maintenance',
  '  satisfaction = (mean user rating − 1) / 4, or 0.5 (neutral) when nobody rated it; ratings outside 1–5 are dropped',
  `  score = 70 × min(1, externalShare / ${FULL_EXTERNAL_SHARE}) + 30 × satisfaction   (0–100, one decimal)`,
  '  stars = min(5, 1 + floor(score / 20)); an instrument that is 不共享 (CLOSED) gets 1 star',
  `Why: external use is what sharing is for (70 points); ${FULL_EXTERNAL_SHARE * 100} % of open hours lent out already earns them all.`,
  "Users' ratings carry the other 30, so an instrument lent often but badly cannot reach five stars.",
  'Institution sharing rate: instruments 对外开放 (OPEN) / all its instruments, and external hours / hours used.',
].join('\n');

export async function sharingRatings(db: Knex, instrumentIds: readonly string[], now: Date): Promise<Map<string, InstrumentSharingRating>> {
  const result = new Map<string, InstrumentSharingRating>();
  if (instrumentIds.length === 0) return result;
  const year = parsePeriod(null, now);
  const [instruments, usage, ratings] = await Promise.all([
    db('instruments').whereIn('id', [...instrumentIds]).select('id', 'sharing') as Promise<Array<{ id: string; sharing: 'OPEN' | 'INTERNAL' | 'CLOSED' }>>,
    instrumentUtilisation(db, instrumentIds, year, now),
    ratingsOf(db, instrumentIds, year.from, year.to),
  ]);
  for (const instrument of instruments) {
    const u = usage.get(instrument.id)?.total;
    const given = ratings.get(instrument.id) ?? [];
    const externalHours = u?.externalHours ?? 0;
    const availableHours = u?.availableHours ?? 0;
    const rating = sharingStars({ externalHours, availableHours, ratings: given, sharing: instrument.sharing });
    const sat = satisfaction(given);
    result.set(instrument.id, { ...rating, externalHours, availableHours, ratings: sat.rated, meanRating: sat.mean === null ? null : Math.round(sat.mean * 100) / 100 });
  }
  return result;
}
