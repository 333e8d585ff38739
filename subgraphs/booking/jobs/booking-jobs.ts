/**
 * The booking subgraph's jobs by name: each runs every minute on node-cron and can be run by
 * hand (`npx irhub jobs run <name>`, the runBookingJob mutation). After a run, the
 * notifications it recorded are delivered.
 */
import { offerWaitList, OFFER_WAIT_LIST } from './offer-wait-list.ts';
import { releaseNoShows, RELEASE_NO_SHOWS } from './release-no-shows.ts';
import { sendReminders, SEND_REMINDERS } from './send-reminders.ts';
import type { BookingJobContext, JobOutcome } from './run-once.ts';

export const BOOKING_JOBS: Readonly<Record<string, (context: BookingJobContext) => Promise<JobOutcome>>> = {
  [SEND_REMINDERS]: sendReminders,
  [RELEASE_NO_SHOWS]: releaseNoShows,
  [OFFER_WAIT_LIST]: offerWaitList,
};

export const BOOKING_JOB_NAMES = Object.keys(BOOKING_JOBS);
