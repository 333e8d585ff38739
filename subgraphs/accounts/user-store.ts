/** 用户: people who book, approve or review, each acting for one institution or company. */
import type { Knex } from 'knex';
import { GraphQLError } from 'graphql';
import { ROLES, type Role } from '../auth/hub-claims.ts';
import { badInput } from '../bad-input.ts';

export interface User {
  id: string;
  displayName: string;
  role: Role;
  institutionId: string;
  institutionName: string;
  disabled: boolean;
  /** tokens issued before this are refused */
  tokensValidAfter: Date | null;
}

interface UserRow { id: string; display_name: string; role: Role; institution_id: string; institution_name: string; disabled_at: Date | null; tokens_valid_after: Date | null }

const fromRow = (row: UserRow): User => ({
  id: row.id, displayName: row.display_name, role: row.role, institutionId: row.institution_id, institutionName: row.institution_name,
  disabled: row.disabled_at !== null, tokensValidAfter: row.tokens_valid_after ? new Date(row.tokens_valid_after) : null,
});

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

export interface NewUser { id: string; role: Role; institutionId: string; institutionName?: string | null; displayName?: string | null }

/**
 * Adds a user. The institution is one of the catalog's (its name is taken from there) or, for a
 * company that lists no instrument, any id together with its name.
 */
export async function addUser(db: Knex, input: NewUser): Promise<User> {
  if (!USER_ID.test(input.id)) throw badInput('id', `"${input.id}" is not a user id: 2–64 letters, digits, . _ @ -, starting with a letter or digit`);
  if (!ROLES.includes(input.role)) throw badInput('role', `"${input.role}" is not one of ${ROLES.join(', ')}`);
  const institution = await db('institutions').where({ id: input.institutionId }).first('name') as { name: string } | undefined;
  const institutionName = institution?.name ?? input.institutionName?.trim();
  if (!institutionName) {
    throw badInput('institutionId', `no institution ${input.institutionId} in the catalog; for a company that lists no instrument, give its name too (--institution-name)`);
  }
  const row: UserRow = { id: input.id, display_name: input.displayName?.trim() || input.id, role: input.role, institution_id: input.institutionId, institution_name: institutionName, disabled_at: null, tokens_valid_after: null };
  const inserted = await db('users').insert(row).onConflict('id').ignore().returning('id') as Array<{ id: string }>;
  if (inserted.length === 0) throw new GraphQLError(`id: user ${input.id} already exists`, { extensions: { code: 'CONFLICT', field: 'id' } });
  return fromRow(row);
}

export async function findUsers(db: Knex, ids: readonly string[]): Promise<Map<string, User>> {
  const rows = await db('users').whereIn('id', [...ids]) as UserRow[];
  return new Map(rows.map((r) => [r.id, fromRow(r)]));
}

export async function listUsers(db: Knex, institutionId: string | null): Promise<User[]> {
  const query = db('users').orderBy('id');
  if (institutionId) query.where({ institution_id: institutionId });
  return (await query as UserRow[]).map(fromRow);
}

/** what an administrator can change of an account; each returns the user as it now is */
export type AccountChange = { disabled: boolean } | { role: Role } | { revokeTokens: true };

export async function changeUser(db: Knex, id: string, change: AccountChange): Promise<User> {
  let update: Partial<UserRow>;
  if ('role' in change) {
    if (!ROLES.includes(change.role)) throw badInput('role', `"${change.role}" is not one of ${ROLES.join(', ')}`);
    update = { role: change.role };
  } else if ('disabled' in change) {
    update = { disabled_at: change.disabled ? new Date() : null };
  } else {
    update = { tokens_valid_after: new Date() };
  }
  const [row] = await db('users').where({ id }).update(update).returning('*') as UserRow[];
  if (!row) throw new GraphQLError(`id: no user ${id}`, { extensions: { code: 'NOT_FOUND', field: 'id' } });
  return fromRow(row);
}
