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
}

interface UserRow { id: string; display_name: string; role: Role; institution_id: string; institution_name: string }

const fromRow = (row: UserRow): User => ({ id: row.id, displayName: row.display_name, role: row.role, institutionId: row.institution_id, institutionName: row.institution_name });

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
  const row: UserRow = { id: input.id, display_name: input.displayName?.trim() || input.id, role: input.role, institution_id: input.institutionId, institution_name: institutionName };
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
