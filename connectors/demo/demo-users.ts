/**
 * The demo's people, so a newcomer can book from the README at once: researchers of two
 * universities and of a company that owns no listed instrument, the staff who approve for
 * their institutions' instruments, and a procurement reviewer of the city.
 */
import type { Knex } from 'knex';
import type { Role } from '../../subgraphs/auth/hub-claims.ts';
import { addUser } from '../../subgraphs/accounts/user-store.ts';
import { institutionIdFor } from '../../subgraphs/registry/institution-identity.ts';

export interface DemoUser { id: string; displayName: string; role: Role; institution: string; institutionId?: string }

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'zhang.wei', displayName: '张伟 (PhD student, materials)', role: 'USER', institution: '南方科技大学' },
  { id: 'liu.yang', displayName: '刘洋 (postdoc, chemistry)', role: 'USER', institution: '哈尔滨工业大学（深圳）' },
  { id: 'wang.fang', displayName: '王芳 (R&D engineer)', role: 'USER', institution: '深圳市新能电池科技有限公司', institutionId: 'company-xinneng-battery' },
  { id: 'chen.jing', displayName: '陈静 (instrument platform manager)', role: 'INSTITUTION_STAFF', institution: '深圳大学' },
  { id: 'zhou.min', displayName: '周敏 (rental operations)', role: 'INSTITUTION_STAFF', institution: '深圳市科仪共享服务有限公司' },
  { id: 'sun.li', displayName: '孙丽 (service agency engineer, hosted instruments)', role: 'INSTITUTION_STAFF', institution: '深圳华测检测技术股份有限公司' },
  { id: 'huang.lei', displayName: '黄磊 (municipal procurement reviewer)', role: 'REVIEWER', institution: '深圳市科技创新局', institutionId: 'gov-sz-sti' },
];

/** Adds the demo users that are missing; returns every demo user id. */
export async function seedDemoUsers(db: Knex): Promise<string[]> {
  const existing = new Set((await db('users').whereIn('id', DEMO_USERS.map((u) => u.id)).select('id') as Array<{ id: string }>).map((r) => r.id));
  for (const user of DEMO_USERS) {
    if (existing.has(user.id)) continue;
    await addUser(db, { id: user.id, role: user.role, displayName: user.displayName, institutionId: user.institutionId ?? institutionIdFor(user.institution), institutionName: user.institution });
  }
  return DEMO_USERS.map((u) => u.id);
}
