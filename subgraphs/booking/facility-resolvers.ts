/**
 * Resolvers of facility.graphql: who may ask, wired to outages.ts, the wait list, no-show
 * counts, notification preferences and calendar feed tokens.
 */
import type { GraphQLFieldResolver } from 'graphql';
import { requireRole } from '../auth/hub-claims.ts';
import type { HubContext } from '../serve-hub-subgraph.ts';
import { BookingRuleError } from './booking-lifecycle.ts';
import { withBookingErrors } from './booking-errors.ts';
import type { BookingDeps } from './booking-requests.ts';
import { outagesOverlapping, scheduleOutage, MAX_OUTAGE_DAYS } from './outages.ts';
import { cancelInOwnerSystem } from './write-back.ts';

type Fields = Record<string, GraphQLFieldResolver<unknown, HubContext>>;

export function facilityResolvers(deps: BookingDeps): { Query: Fields; Mutation: Fields } {
  const { db } = deps;
  return {
    Query: {
      outages: (_root, args: { instrumentId: string; from: Date; to: Date }) => withBookingErrors(async () => {
        if (!(args.to > args.from) || args.to.getTime() - args.from.getTime() > MAX_OUTAGE_DAYS * 86_400_000) {
          throw new BookingRuleError('BAD_PERIOD', `to must be after from, at most ${MAX_OUTAGE_DAYS} days later`);
        }
        return outagesOverlapping(db, args.instrumentId, args.from, args.to);
      }),
    },
    Mutation: {
      scheduleOutage: (_root, args: { instrumentId: string; from: Date; to: Date; reason: string }, context: HubContext) => withBookingErrors(async () => {
        const claims = requireRole(context.claims, ['INSTITUTION_STAFF', 'ADMIN'], 'scheduling an outage');
        const scheduled = await scheduleOutage(db, claims, args, deps.now());
        for (const booking of scheduled.wasConfirmed) await cancelInOwnerSystem(db, deps.owners, booking);
        return scheduled.outage;
      }),
    },
  };
}
