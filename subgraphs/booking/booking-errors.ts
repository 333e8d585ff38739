/** Booking rule violations as GraphQL errors: a stable code in `extensions.code`, a sentence that says what and where. */
import { GraphQLError } from 'graphql';
import { BookingRuleError } from './booking-lifecycle.ts';
import { PricingError } from './pricing.ts';
import { badInput } from '../bad-input.ts';

export function toGraphQLError(error: unknown): unknown {
  if (error instanceof BookingRuleError) {
    return new GraphQLError(error.message, { extensions: { code: error.code } });
  }
  if (error instanceof PricingError) return badInput(error.field, error.message);
  return error;
}

/** Runs a resolver, turning rule violations into coded GraphQL errors. */
export async function withBookingErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGraphQLError(error);
  }
}
