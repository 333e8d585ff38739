/** Helpers for the oversight suites: users with tokens, and sessions on given days. */
import { expect } from 'vitest';
import { institutionIdFor } from '../../subgraphs/registry/institution-identity.ts';
import type { TestHub } from './test-hub.ts';

/** Adds a user of the named institution and returns a bearer token for it. */
export async function userToken(hub: TestHub, id: string, institution: string, role: 'USER' | 'INSTITUTION_STAFF' | 'REVIEWER' | 'ADMIN'): Promise<string> {
  const added = await hub.gql(`mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`,
    { input: { id, institutionId: institutionIdFor(institution), institutionName: institution, role } });
  expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
  return (await hub.userTokens.issue(id, 1)).token;
}

/** An instant of a day, local (Asia/Shanghai) hour: at('2026-10-14', 9) is 09:00 in Shenzhen. */
export function at(day: string, hour: number, minute = 0): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + (hour * 60 + minute) * 60_000).toISOString();
}

/** The Wednesday of the month before `now`'s month (a working day in a full past month), "YYYY-MM-DD". */
export function lastMonthWednesday(now = new Date()): { day: string; month: string } {
  const local = new Date(now.getTime() + 8 * 3_600_000);
  const firstOfLast = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
  const offset = (3 - firstOfLast.getUTCDay() + 7) % 7 + 7; // the second Wednesday
  const day = new Date(firstOfLast.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  return { day, month: day.slice(0, 7) };
}
