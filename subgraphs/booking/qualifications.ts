/**
 * 培训考核: the owner's staff grant a user the right to operate an instrument themselves (SELF
 * mode), for one instrument or for all of the owner's instruments of a thesaurus type, until
 * an expiry. Without a valid one, a user may only book ASSISTED use.
 */
import type { Knex } from 'knex';
import { GraphQLError } from 'graphql';
import { instrumentTypeByKey } from '../../schema/instrument-types.ts';
import { badInput } from '../bad-input.ts';

export interface Qualification {
  id: string;
  userId: string;
  ownerInstitutionId: string;
  instrumentId: string | null;
  typeKey: string | null;
  expiresAt: Date;
  grantedBy: string;
  grantedAt: Date;
}

interface QualificationRow { id: string | number; user_id: string; owner_institution_id: string; instrument_id: string | null; type_key: string | null; expires_at: Date; granted_by: string; granted_at: Date }

const fromRow = (r: QualificationRow): Qualification => ({
  id: String(r.id), userId: r.user_id, ownerInstitutionId: r.owner_institution_id, instrumentId: r.instrument_id, typeKey: r.type_key,
  expiresAt: new Date(r.expires_at), grantedBy: r.granted_by, grantedAt: new Date(r.granted_at),
});

export async function grantQualification(db: Knex, input: { userId: string; instrumentId?: string | null; typeKey?: string | null; expiresAt: Date }, granter: { id: string; institutionId: string }, now: Date): Promise<Qualification> {
  if (Boolean(input.instrumentId) === Boolean(input.typeKey)) throw badInput('instrumentId', 'give either an instrument or an instrument type, not both or neither');
  if (input.expiresAt.getTime() <= now.getTime()) throw badInput('expiresAt', 'a qualification must expire in the future');
  if (!(await db('users').where({ id: input.userId }).first('id'))) throw new GraphQLError(`userId: no user ${input.userId}`, { extensions: { code: 'NOT_FOUND', field: 'userId' } });
  if (input.instrumentId) {
    const instrument = await db('instruments').where({ id: input.instrumentId }).first('institution_id') as { institution_id: string } | undefined;
    if (!instrument) throw new GraphQLError(`instrumentId: no instrument ${input.instrumentId}`, { extensions: { code: 'NOT_FOUND', field: 'instrumentId' } });
    if (instrument.institution_id !== granter.institutionId) {
      throw new GraphQLError(`only staff of the instrument's owner may qualify users for ${input.instrumentId}`, { extensions: { code: 'FORBIDDEN' } });
    }
  }
  if (input.typeKey && !instrumentTypeByKey(input.typeKey)) throw badInput('typeKey', `"${input.typeKey}" is not an instrument type of the thesaurus`);
  const [row] = await db('qualifications').insert({
    user_id: input.userId, owner_institution_id: granter.institutionId, instrument_id: input.instrumentId ?? null, type_key: input.typeKey ?? null,
    expires_at: input.expiresAt, granted_by: granter.id, granted_at: now,
  }).returning('*') as QualificationRow[];
  return fromRow(row);
}

/** A qualification valid for the whole booking: for this instrument, or for its type at its owner. */
export async function holdsQualification(db: Knex, userId: string, instrument: { id: string; institution_id: string; type_keys: string[] }, until: Date): Promise<boolean> {
  const row = await db('qualifications').where({ user_id: userId }).where('expires_at', '>=', until)
    .where((q) => {
      q.where('instrument_id', instrument.id);
      if (instrument.type_keys.length > 0) q.orWhere((t) => t.where('owner_institution_id', instrument.institution_id).whereIn('type_key', instrument.type_keys));
    }).first('id');
  return Boolean(row);
}

export async function qualificationsOf(db: Knex, userId: string): Promise<Qualification[]> {
  return (await db('qualifications').where({ user_id: userId }).orderBy('granted_at', 'desc') as QualificationRow[]).map(fromRow);
}
