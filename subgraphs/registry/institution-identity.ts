/**
 * Institutions arrive from several sources under slightly different spellings
 * ("哈尔滨工业大学(深圳)" vs "哈尔滨工业大学（深圳）"). They are merged by a name key; the id is
 * derived from that key, so it is stable across harvests and hub instances.
 */
import { createHash } from 'node:crypto';

export function institutionNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s·•.,，。'"“”‘’()（）\-_]/g, '');
}

export function institutionIdFor(name: string): string {
  return `inst-${createHash('sha256').update(institutionNameKey(name)).digest('hex').slice(0, 12)}`;
}
